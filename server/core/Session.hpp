#pragma once
// One TLS connection: handshake, framing, deadlines, rate limit, a bounded
// write queue with one async_write in flight, and the hand-off of each
// request to the worker pool. Follows the shape of Boost.Asio's ssl server
// and chat_server examples: shared_from_this in every handler, all work of a
// session on its strand (the socket's executor).

#include "server/core/AlertHub.hpp"
#include "server/core/RequestHandlers.hpp"
#include "server/core/ServerConfig.hpp"
#include "server/core/SessionRegistry.hpp"

#include "protocol/Limits.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>

#include <array>
#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <vector>

namespace vigil::server {

using Frame = std::shared_ptr<const std::vector<std::uint8_t>>;
using StrandSocket = boost::asio::ip::tcp::socket;

// What all sessions share.
struct SessionEnvironment {
    HqService& service;
    RequestHandlers& handlers;
    const ServerConfig& config;
    boost::asio::thread_pool& workers;
    // Releases the connection slot. Copied into each session: a session may be
    // destroyed after the listener (with the io_context's pending handlers).
    std::function<void(const std::string& address)> onClosed;
};

class Session : public std::enable_shared_from_this<Session> {
public:
    Session(StrandSocket socket, boost::asio::ssl::context& tls, SessionEnvironment& env, std::uint64_t id,
            std::string address);
    ~Session();

    void start();
    // From any thread.
    void shutdown();

private:
    enum class Phase { Handshake, PreLogin, Active };

    // Lists the session in the service's SessionRegistry (after the handshake).
    void registerLive();
    void armDeadline(std::chrono::milliseconds after);
    void onDeadline();
    void readHeader();
    void readPayload(std::uint32_t bytes);
    void onFrame();
    void dispatch(protocol::Envelope&& envelope);
    void afterRequest(ConnectionState state, HandlerOutput output, std::vector<Frame> frames);
    void onPush(const std::shared_ptr<const PushEvent>& event);
    void send(const protocol::Message& message, std::uint32_t requestId = 0);
    void enqueue(Frame frame);
    void writeNext();
    void failAndClose(protocol::ErrorCode code, std::string text);
    void closeAfterFlush();
    void closeNow();
    void leaveRegistry();
    void lingerThenClose();
    void drainInput();
    bool takeRateToken();

    boost::asio::ssl::stream<StrandSocket> stream_;
    SessionEnvironment& env_;
    std::function<void(const std::string&)> onClosed_;
    SessionRegistry& liveSessions_;  // owned by HqService, which outlives the listener
    boost::asio::steady_timer deadline_;
    boost::asio::steady_timer writeDeadline_;
    ConnectionState state_;
    Phase phase_ = Phase::Handshake;
    protocol::FrameLimits limits_ = protocol::kPreLoginLimits;
    std::chrono::steady_clock::time_point loginDeadline_;
    bool pingOutstanding_ = false;
    std::uint64_t pingNonce_ = 0;

    std::array<std::uint8_t, protocol::kFrameHeaderBytes> header_{};
    std::vector<std::uint8_t> payload_;

    std::deque<Frame> queue_;
    std::size_t queuedBytes_ = 0;
    bool writing_ = false;
    bool closing_ = false;  // no more reads; close once the queue is written
    bool closed_ = false;
    bool registered_ = false;
    // Lingering close: bytes a peer sent that we will never read make the
    // kernel answer our close with a reset, and a reset makes the peer's
    // kernel throw away what we wrote last, the Error that says why.
    std::array<std::uint8_t, 4096> drainBuffer_{};
    std::size_t drainedBytes_ = 0;

    double tokens_;
    std::chrono::steady_clock::time_point lastRefill_;
    std::uint32_t rateViolations_ = 0;

    AlertHub::Subscription subscription_;
};

}  // namespace vigil::server
