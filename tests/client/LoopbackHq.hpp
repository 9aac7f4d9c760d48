#pragma once
// A minimal HQ on loopback for the server link's tests: real TLS 1.3 with
// the project's certificates, real frames from the protocol library, and
// just enough behaviour (Hello, CAPTCHA, login, resume, ping, sightings with
// deduplication by report id, watchlist deltas, pushes). Its state (sessions,
// stored sightings) survives stop()/start(), as a real server's database
// survives a restart.

#include "protocol/FrameCodec.hpp"
#include "protocol/TlsContext.hpp"
#include "support/TestCerts.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <condition_variable>
#include <deque>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <thread>

namespace vigil::test {

class LoopbackHq {
public:
    static constexpr const char* kPassword = "correct horse battery staple";
    static constexpr const char* kCaptchaAnswer = "K7PX2";

    explicit LoopbackHq(const TestCerts& certs)
        : tls_(protocol::makeServerTlsContext({certs.cert(), certs.key(), std::nullopt})) {}
    ~LoopbackHq() { stop(); }

    void start(std::uint16_t port = 0) {
        io_ = std::make_unique<boost::asio::io_context>();
        acceptor_ = std::make_unique<tcp::acceptor>(*io_);
        tcp::endpoint endpoint(boost::asio::ip::make_address("127.0.0.1"), port);
        acceptor_->open(endpoint.protocol());
        acceptor_->set_option(tcp::acceptor::reuse_address(true));
        acceptor_->bind(endpoint);
        acceptor_->listen();
        port_ = acceptor_->local_endpoint().port();
        boost::asio::co_spawn(*io_, acceptLoop(), boost::asio::detached);
        thread_ = std::thread([this] { io_->run(); });
    }

    // Closes the listener and every connection, like a killed process.
    void stop() {
        if (!thread_.joinable()) return;
        onIo([this] {
            boost::system::error_code ec;
            acceptor_->close(ec);
            for (auto& c : connections_) c->stream.lowest_layer().close(ec);
            connections_.clear();
        });
        io_->stop();
        thread_.join();
        acceptor_.reset();
        io_.reset();
    }

    void dropConnections() {
        onIo([this] {
            boost::system::error_code ec;
            for (auto& c : connections_) c->stream.lowest_layer().close(ec);
            connections_.clear();
        });
    }

    void push(protocol::Message message) {
        onIo([this, message] {
            for (auto& c : connections_)
                if (c->authenticated) write(c, {0, message});
        });
    }

    std::uint16_t port() const { return port_; }

    void setWatchlist(protocol::WatchlistDelta delta) {
        std::lock_guard lock(mutex_);
        watchlist_ = std::move(delta);
    }
    // Sightings stay unanswered while held (the server "dies" before acking).
    void holdSightingAcks(bool hold) {
        std::lock_guard lock(mutex_);
        holdAcks_ = hold;
    }

    std::vector<std::string> storedReportIds() const {
        std::lock_guard lock(mutex_);
        return stored_;
    }
    std::vector<protocol::SightingReport> storedReports() const {
        std::lock_guard lock(mutex_);
        return reports_;
    }
    std::size_t reportsReceived() const {
        std::lock_guard lock(mutex_);
        return received_;
    }
    bool waitReportsReceived(std::size_t count, std::chrono::milliseconds timeout) const {
        std::unique_lock lock(mutex_);
        return reportArrived_.wait_for(lock, timeout, [&] { return received_ >= count; });
    }
    std::size_t logins() const {
        std::lock_guard lock(mutex_);
        return logins_;
    }
    std::size_t resumes() const {
        std::lock_guard lock(mutex_);
        return resumes_;
    }
    std::size_t connectionsAccepted() const {
        std::lock_guard lock(mutex_);
        return accepted_;
    }

private:
    using tcp = boost::asio::ip::tcp;
    using Stream = boost::asio::ssl::stream<tcp::socket>;
    struct Connection {
        explicit Connection(tcp::socket s, boost::asio::ssl::context& ctx) : stream(std::move(s), ctx) {}
        Stream stream;
        std::deque<std::vector<std::uint8_t>> writes;
        bool authenticated = false;
    };

    template <class F>
    void onIo(F f) {
        std::promise<void> done;
        boost::asio::post(*io_, [&] {
            f();
            done.set_value();
        });
        done.get_future().wait();
    }

    boost::asio::awaitable<void> acceptLoop() {
        for (;;) {
            boost::system::error_code ec;
            tcp::socket socket = co_await acceptor_->async_accept(
                boost::asio::redirect_error(boost::asio::use_awaitable, ec));
            if (ec) co_return;
            {
                std::lock_guard lock(mutex_);
                ++accepted_;
            }
            auto c = std::make_shared<Connection>(std::move(socket), tls_);
            connections_.push_back(c);
            boost::asio::co_spawn(*io_, serve(c), boost::asio::detached);
        }
    }

    boost::asio::awaitable<void> serve(std::shared_ptr<Connection> c) {
        try {
            co_await c->stream.async_handshake(boost::asio::ssl::stream_base::server, boost::asio::use_awaitable);
            for (;;) {
                std::array<std::uint8_t, protocol::kFrameHeaderBytes> header{};
                co_await boost::asio::async_read(c->stream, boost::asio::buffer(header), boost::asio::use_awaitable);
                const auto h = protocol::readFrameHeader(header, protocol::kSessionLimits);
                if (!h.ok()) co_return;
                std::vector<std::uint8_t> payload(h.payload_bytes);
                co_await boost::asio::async_read(c->stream, boost::asio::buffer(payload), boost::asio::use_awaitable);
                auto decoded = protocol::decodePayload(payload, protocol::kSessionLimits);
                if (!decoded.ok()) co_return;
                if (auto reply = answer(*c, decoded.envelope->message))
                    write(c, {decoded.envelope->request_id, std::move(*reply)});
            }
        } catch (const std::exception&) {
        }
    }

    std::optional<protocol::Message> answer(Connection& c, const protocol::Message& m) {
        using namespace protocol;
        std::lock_guard lock(mutex_);
        if (std::holds_alternative<Hello>(m)) return HelloAck{kProtocolVersion, "loopback-hq", watchlist_.model_fingerprint};
        if (std::holds_alternative<Ping>(m)) return Pong{std::get<Ping>(m).nonce};
        if (std::holds_alternative<CaptchaRequest>(m))
            return CaptchaChallenge{"captcha-1", {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, 120};
        if (const auto* login = std::get_if<LoginRequest>(&m)) {
            if (login->captcha_answer != kCaptchaAnswer) return Error{ErrorCode::CaptchaInvalid, {}};
            if (login->password != kPassword) return Error{ErrorCode::InvalidCredentials, {}};
            ++logins_;
            c.authenticated = true;
            const std::string token = "token-" + std::to_string(logins_);
            tokens_.insert(token);
            return LoginResponse{token, login->username, Role::Station, 0};
        }
        if (const auto* resume = std::get_if<ResumeSession>(&m)) {
            if (!tokens_.count(resume->session_token)) return Error{ErrorCode::SessionExpired, {}};
            ++resumes_;
            c.authenticated = true;
            return LoginResponse{resume->session_token, "station-1", Role::Station, 0};
        }
        if (!c.authenticated) return Error{ErrorCode::NotAuthenticated, {}};
        if (std::holds_alternative<SubscribeAlerts>(m)) return Ok{};
        if (std::holds_alternative<WatchlistSyncRequest>(m)) return watchlist_;
        if (const auto* report = std::get_if<SightingReport>(&m)) {
            ++received_;
            reportArrived_.notify_all();
            const bool duplicate = std::find(stored_.begin(), stored_.end(), report->report_id) != stored_.end();
            if (!duplicate) {
                stored_.push_back(report->report_id);
                reports_.push_back(*report);
            }
            if (holdAcks_) return std::nullopt;
            return SightingAck{report->report_id, stored_.size(), duplicate};
        }
        return Error{ErrorCode::InvalidRequest, "not in the loopback HQ"};
    }

    void write(const std::shared_ptr<Connection>& c, const protocol::Envelope& envelope) {
        c->writes.push_back(protocol::encodeFrame(envelope));
        if (c->writes.size() == 1) writeNext(c);
    }
    void writeNext(std::shared_ptr<Connection> c) {
        boost::asio::async_write(c->stream, boost::asio::buffer(c->writes.front()),
                                 [this, c](boost::system::error_code ec, std::size_t) {
                                     if (ec) return;
                                     c->writes.pop_front();
                                     if (!c->writes.empty()) writeNext(c);
                                 });
    }

    boost::asio::ssl::context tls_;
    std::unique_ptr<boost::asio::io_context> io_;
    std::unique_ptr<tcp::acceptor> acceptor_;
    std::thread thread_;
    std::uint16_t port_ = 0;
    std::vector<std::shared_ptr<Connection>> connections_;  // io thread only

    mutable std::mutex mutex_;
    mutable std::condition_variable reportArrived_;
    protocol::WatchlistDelta watchlist_;
    std::set<std::string> tokens_;
    std::vector<std::string> stored_;
    std::vector<protocol::SightingReport> reports_;
    std::size_t received_ = 0, logins_ = 0, resumes_ = 0, accepted_ = 0;
    bool holdAcks_ = false;
};

}  // namespace vigil::test
