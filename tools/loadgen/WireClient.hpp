#pragma once
// A small protocol-level client over real TLS: what the integration tests,
// the load generator and the demo use to talk to vigil-server. It is not the
// station's server link (client/core); it exposes the raw conversation so a
// test can also misbehave (raw bytes, silence, oversized frames).
//
// All socket work runs on the given io_context; the blocking helpers
// (connect, reply, waitPush ...) are called from another thread.

#include "protocol/FrameCodec.hpp"
#include "protocol/Messages.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace vigil::wire {

using namespace std::chrono_literals;

class WireClient : public std::enable_shared_from_this<WireClient> {
public:
    using Stream = boost::asio::ssl::stream<boost::asio::ip::tcp::socket>;
    // Called on the io thread for every message when set (instead of queuing).
    using Handler = std::function<void(protocol::Envelope&)>;

    static std::shared_ptr<WireClient> create(boost::asio::io_context& io, boost::asio::ssl::context& tls);

    // TCP connect + TLS handshake (checks the certificate for `serverName`).
    // Returns an error sentence, or nothing on success.
    std::optional<std::string> connect(const std::string& host, std::uint16_t port, const std::string& serverName,
                                       std::chrono::milliseconds timeout = 10s);
    // Asynchronous connect for many connections at once; `done` gets "" on success.
    void asyncConnect(const std::string& host, std::uint16_t port, const std::string& serverName,
                      std::function<void(std::string error)> done);

    std::uint32_t send(protocol::Message message);
    void sendRaw(std::vector<std::uint8_t> bytes);
    void setHandler(Handler handler);

    // The reply to request `id` (other messages stay queued).
    std::optional<protocol::Message> reply(std::uint32_t id, std::chrono::milliseconds timeout = 10s);
    // send + reply.
    std::optional<protocol::Message> call(protocol::Message message, std::chrono::milliseconds timeout = 10s);
    // The next unsolicited message (request id 0) of type T.
    template <class T>
    std::optional<T> waitPush(std::chrono::milliseconds timeout = 10s) {
        auto found = take([](const protocol::Envelope& e) { return e.request_id == 0 && std::holds_alternative<T>(e.message); },
                          timeout);
        if (!found) return std::nullopt;
        return std::get<T>(std::move(found->message));
    }
    // The next message whatever it is.
    std::optional<protocol::Envelope> next(std::chrono::milliseconds timeout = 10s);
    // True once the server has closed the connection (EOF or reset).
    bool waitClosed(std::chrono::milliseconds timeout = 10s);
    bool closed();
    // Messages received but not taken yet.
    std::size_t pending();
    void close();

    // Convenience: Hello; true when HelloAck arrives.
    bool hello(std::chrono::milliseconds timeout = 10s);

private:
    WireClient(boost::asio::io_context& io, boost::asio::ssl::context& tls);
    std::optional<protocol::Envelope> take(const std::function<bool(const protocol::Envelope&)>& match,
                                           std::chrono::milliseconds timeout);
    void readHeader();
    void writeNext();
    void markClosed();

    Stream stream_;
    std::array<std::uint8_t, protocol::kFrameHeaderBytes> header_{};
    std::vector<std::uint8_t> payload_;
    std::deque<std::vector<std::uint8_t>> writes_;  // touched on the io thread only
    std::uint32_t nextId_ = 1;

    std::mutex mutex_;
    std::condition_variable changed_;
    std::deque<protocol::Envelope> inbox_;
    Handler handler_;
    bool closed_ = false;
};

}  // namespace vigil::wire
