#include "client/core/ServerLink.hpp"

#include "protocol/FrameCodec.hpp"
#include "protocol/TlsContext.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <atomic>
#include <cmath>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <random>
#include <thread>

namespace vigil::client {
namespace asio = boost::asio;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using asio::awaitable;
using asio::use_awaitable;
using Clock = std::chrono::steady_clock;

std::string_view describe(LinkState state) {
    switch (state) {
        case LinkState::Stopped: return "stopped";
        case LinkState::Connecting: return "connecting";
        case LinkState::Connected: return "connected, not logged in";
        case LinkState::LoggedIn: return "logged in";
        case LinkState::Offline: return "offline";
    }
    return "unknown";
}

std::string replySummary(const protocol::Message& reply) {
    if (const auto* error = std::get_if<protocol::Error>(&reply)) {
        std::string text(protocol::errorSentence(error->code));
        if (!error->text.empty()) text += " (" + error->text + ")";
        return text;
    }
    return std::string(protocol::messageName(reply));
}

namespace {

protocol::Message failure(protocol::ErrorCode code, std::string text) {
    return protocol::Error{code, std::move(text)};
}

struct Connection {
    explicit Connection(asio::io_context& io, ssl::context& tls) : stream(io, tls) {}
    ssl::stream<tcp::socket> stream;
    std::deque<std::vector<std::uint8_t>> writes;
    bool alive = true;
    Clock::time_point lastHeard = Clock::now();
};

}  // namespace

struct ServerLink::Impl : std::enable_shared_from_this<ServerLink::Impl> {
    explicit Impl(ServerLinkOptions o)
        : options(std::move(o)), tls(protocol::makeClientTlsContext(options.caFile)),
          retryTimer(io), pingTimer(io), rng(std::random_device{}()) {}

    using Callback = std::function<void(protocol::Message)>;
    struct Pending {
        Callback callback;
        std::unique_ptr<asio::steady_timer> timer;
    };

    ServerLinkOptions options;
    asio::io_context io;
    std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
    ssl::context tls;
    std::thread thread;

    // Touched on the io thread only.
    std::shared_ptr<Connection> connection;
    bool ready = false;  // Hello done on `connection`
    std::uint32_t nextRequestId = 1;
    std::map<std::uint32_t, Pending> pending;
    std::string token;
    asio::steady_timer retryTimer;
    asio::steady_timer pingTimer;
    std::mt19937_64 rng;
    bool stopping = false;
    std::atomic<bool> running{false};
    std::function<void(const protocol::Message&)> pushHandler;
    std::function<void()> loggedInHandler;
    std::function<void(const std::string&)> tokenHandler;

    mutable std::mutex statusMutex;
    mutable std::condition_variable statusChanged;
    LinkStatus linkStatus;

    void setStatus(const std::function<void(LinkStatus&)>& change) {
        {
            std::lock_guard lock(statusMutex);
            change(linkStatus);
        }
        statusChanged.notify_all();
    }

    void connectSoon(std::chrono::milliseconds delay) {
        retryTimer.expires_after(delay);
        retryTimer.async_wait([self = shared_from_this()](boost::system::error_code ec) {
            if (!ec && !self->stopping)
                asio::co_spawn(self->io, self->session(), asio::detached);
        });
    }

    std::chrono::milliseconds nextBackoff() {
        std::lock_guard lock(statusMutex);
        const unsigned attempt = linkStatus.reconnectAttempts++;
        // Exponential backoff with "equal jitter" (AWS Architecture Blog,
        // "Exponential Backoff and Jitter", 2015): stations that lost HQ at
        // the same moment do not all come back at the same moment.
        const double base = static_cast<double>(options.backoffMin.count()) *
                            std::pow(2.0, std::min(attempt, 20u));
        const double capped = std::min(base, static_cast<double>(options.backoffMax.count()));
        std::uniform_real_distribution<double> jitter(capped / 2, capped);
        const std::chrono::milliseconds delay(static_cast<long long>(jitter(rng)));
        linkStatus.retryDelay = delay;
        linkStatus.longestRetryDelay = std::max(linkStatus.longestRetryDelay, delay);
        return delay;
    }

    awaitable<protocol::Envelope> readEnvelope(std::shared_ptr<Connection> conn) {
        std::array<std::uint8_t, protocol::kFrameHeaderBytes> header{};
        co_await asio::async_read(conn->stream, asio::buffer(header), use_awaitable);
        const auto h = protocol::readFrameHeader(header, protocol::kServerToClientLimits);
        if (!h.ok()) throw std::runtime_error("server sent a bad frame: " + h.failure->detail);
        std::vector<std::uint8_t> payload(h.payload_bytes);
        co_await asio::async_read(conn->stream, asio::buffer(payload), use_awaitable);
        auto decoded = protocol::decodePayload(payload, protocol::kServerToClientLimits);
        if (!decoded.ok()) throw std::runtime_error("server sent a bad frame: " + decoded.failure->detail);
        conn->lastHeard = Clock::now();
        co_return std::move(*decoded.envelope);
    }

    awaitable<void> writeNow(std::shared_ptr<Connection> conn, const protocol::Envelope& envelope) {
        const auto frame = protocol::encodeFrame(envelope, protocol::kSessionLimits);
        co_await asio::async_write(conn->stream, asio::buffer(frame), use_awaitable);
    }

    awaitable<void> session() {
        auto conn = std::make_shared<Connection>(io, tls);
        connection = conn;
        ready = false;
        setStatus([](LinkStatus& s) {
            // While offline the status keeps saying why; retrying is implied.
            if (s.state == LinkState::Offline) return;
            s.state = LinkState::Connecting;
            s.detail = "connecting";
        });
        std::string reason;
        try {
            asio::steady_timer deadline(io);
            deadline.expires_after(options.connectTimeout);
            deadline.async_wait([conn](boost::system::error_code ec) {
                if (!ec) conn->stream.lowest_layer().close();
            });
            tcp::resolver resolver(io);
            const auto endpoints = co_await resolver.async_resolve(
                options.host, std::to_string(options.port), use_awaitable);
            co_await asio::async_connect(conn->stream.lowest_layer(), endpoints, use_awaitable);
            protocol::requireServerIdentity(conn->stream.native_handle(), options.host);
            co_await conn->stream.async_handshake(ssl::stream_base::client, use_awaitable);

            // Named, not temporaries: GCC 12 destroys some temporaries in a
            // co_await expression twice (GCC bug 100611 and relatives).
            const protocol::Envelope hello{takeRequestId(), protocol::Hello{protocol::kProtocolVersion, options.software}};
            co_await writeNow(conn, hello);
            auto reply = co_await readEnvelope(conn);
            if (const auto* error = std::get_if<protocol::Error>(&reply.message))
                throw std::runtime_error(replySummary(*error));
            const auto* ack = std::get_if<protocol::HelloAck>(&reply.message);
            if (!ack) throw std::runtime_error("server did not answer Hello");
            setStatus([&](LinkStatus& s) {
                s.serverName = ack->server_name;
                s.serverModelFingerprint = ack->model_fingerprint;
            });

            bool resumed = false;
            bool resumeRefused = false;
            if (!token.empty()) {
                const protocol::Envelope resume{takeRequestId(), protocol::ResumeSession{token}};
                co_await writeNow(conn, resume);
                auto answer = co_await readEnvelope(conn);
                if (const auto* login = std::get_if<protocol::LoginResponse>(&answer.message)) {
                    acceptLogin(*login, /*publish=*/false);  // published with the rest below
                    resumed = true;
                } else {
                    token.clear();  // expired or revoked: a new login is needed
                    resumeRefused = true;
                    setStatus([&](LinkStatus& s) {
                        s.detail = "session could not be resumed: " + replySummary(answer.message);
                    });
                }
            }
            deadline.cancel();
            ready = true;
            setStatus([&](LinkStatus& s) {
                s.state = resumed ? LinkState::LoggedIn : LinkState::Connected;
                if (resumed) s.detail = "session resumed";
                else if (!resumeRefused) s.detail = "connected";
                s.offlineSince.reset();
                s.reconnectAttempts = 0;
                s.retryDelay = s.longestRetryDelay = std::chrono::milliseconds{0};
            });
            schedulePing(conn);
            if (resumed && loggedInHandler) loggedInHandler();

            for (;;) {
                protocol::Envelope incoming = co_await readEnvelope(conn);
                dispatch(std::move(incoming));
            }
        } catch (const boost::system::system_error& e) {
            reason = e.code() == asio::error::eof ? "the server closed the connection"
                                                  : e.code().message();
            if (e.code().category() == asio::error::get_ssl_category() ||
                e.code().category() == ssl::error::get_stream_category())
                reason = "TLS failed (certificate not signed by the pinned CA, or not for " +
                         options.host + "): " + e.code().message();
        } catch (const std::exception& e) {
            reason = e.what();
        }
        drop(conn, reason);
    }

    void acceptLogin(const protocol::LoginResponse& login, bool publish = true) {
        token = login.session_token;
        setStatus([&](LinkStatus& s) {
            if (publish) s.state = LinkState::LoggedIn;
            s.username = login.username;
            s.role = login.role;
            s.detail = "logged in";
        });
        if (tokenHandler) tokenHandler(token);
    }

    void dispatch(protocol::Envelope envelope) {
        if (std::holds_alternative<protocol::Ping>(envelope.message)) {
            send({envelope.request_id, protocol::Pong{std::get<protocol::Ping>(envelope.message).nonce}});
            return;
        }
        if (envelope.request_id == 0) {
            if (pushHandler) pushHandler(envelope.message);
            return;
        }
        auto it = pending.find(envelope.request_id);
        if (it == pending.end()) return;  // answered after its timeout: already failed
        if (const auto* page = std::get_if<protocol::WatchlistDelta>(&envelope.message); page && page->more) {
            // More pages follow for the same request: keep it open, restart its clock.
            it->second.timer->expires_after(options.requestTimeout);
            armTimeout(*it->second.timer, envelope.request_id);
            it->second.callback(std::move(envelope.message));
            return;
        }
        Callback callback = std::move(it->second.callback);
        pending.erase(it);
        if (const auto* login = std::get_if<protocol::LoginResponse>(&envelope.message)) {
            acceptLogin(*login);
            if (loggedInHandler) loggedInHandler();
        }
        callback(std::move(envelope.message));
    }

    void send(protocol::Envelope envelope) {
        auto conn = connection;
        if (!conn || !conn->alive) return;
        conn->writes.push_back(protocol::encodeFrame(envelope, protocol::kSessionLimits));
        if (conn->writes.size() == 1) writeNext(conn);
    }

    void writeNext(std::shared_ptr<Connection> conn) {
        asio::async_write(conn->stream, asio::buffer(conn->writes.front()),
                          [this, conn](boost::system::error_code ec, std::size_t) {
                              if (ec) {
                                  drop(conn, "write failed: " + ec.message());
                                  return;
                              }
                              conn->writes.pop_front();
                              if (!conn->writes.empty()) writeNext(conn);
                          });
    }

    void armTimeout(asio::steady_timer& timer, std::uint32_t id) {
        timer.async_wait([this, id](boost::system::error_code ec) {
            if (ec) return;
            auto it = pending.find(id);
            if (it == pending.end()) return;
            Callback cb = std::move(it->second.callback);
            pending.erase(it);
            cb(failure(protocol::ErrorCode::ServerBusy, "HQ did not answer in time"));
        });
    }

    // Never 0: id 0 marks the server's pushes.
    std::uint32_t takeRequestId() {
        if (nextRequestId == 0) nextRequestId = 1;
        return nextRequestId++;
    }

    void startRequest(protocol::Message message, Callback callback) {
        if (stopping || !ready || !connection || !connection->alive) {
            callback(failure(protocol::ErrorCode::ServerBusy, "not connected to HQ"));
            return;
        }
        const std::uint32_t id = takeRequestId();
        protocol::Envelope envelope{id, std::move(message)};
        std::vector<std::uint8_t> frame;
        try {
            frame = protocol::encodeFrame(envelope, protocol::kSessionLimits);
        } catch (const std::exception& e) {
            callback(failure(protocol::ErrorCode::InvalidRequest, e.what()));
            return;
        }
        auto timer = std::make_unique<asio::steady_timer>(io, options.requestTimeout);
        armTimeout(*timer, id);
        pending.emplace(id, Pending{std::move(callback), std::move(timer)});
        auto conn = connection;
        conn->writes.push_back(std::move(frame));
        if (conn->writes.size() == 1) writeNext(conn);
    }

    void schedulePing(std::shared_ptr<Connection> conn) {
        pingTimer.expires_after(options.pingInterval);
        pingTimer.async_wait([this, conn](boost::system::error_code ec) {
            if (ec || !conn->alive || conn != connection) return;
            if (Clock::now() - conn->lastHeard > 3 * options.pingInterval) {
                drop(conn, "HQ stopped answering (no pong)");
                return;
            }
            const auto sent = Clock::now();
            startRequest(protocol::Ping{std::uniform_int_distribution<std::uint64_t>()(rng)},
                         [this, sent](protocol::Message reply) {
                             if (std::holds_alternative<protocol::Pong>(reply))
                                 setStatus([&](LinkStatus& s) {
                                     s.lastRoundTrip = std::chrono::duration_cast<std::chrono::milliseconds>(
                                         Clock::now() - sent);
                                     ++s.pongsReceived;
                                 });
                         });
            schedulePing(conn);
        });
    }

    void failPending(const std::string& why) {
        auto all = std::move(pending);
        pending.clear();
        for (auto& [id, p] : all) {
            p.timer->cancel();
            p.callback(failure(protocol::ErrorCode::ServerBusy, why));
        }
    }

    void drop(std::shared_ptr<Connection> conn, const std::string& reason) {
        if (!conn->alive) return;
        conn->alive = false;
        boost::system::error_code ignored;
        conn->stream.lowest_layer().close(ignored);
        if (conn != connection) return;
        ready = false;
        pingTimer.cancel();
        failPending("connection to HQ lost: " + reason);
        if (stopping) return;
        setStatus([&](LinkStatus& s) {
            s.state = LinkState::Offline;
            s.detail = reason;
            if (!s.offlineSince) s.offlineSince = std::chrono::system_clock::now();
        });
        connectSoon(nextBackoff());
    }
};

ServerLink::ServerLink(ServerLinkOptions options) : impl_(std::make_shared<Impl>(std::move(options))) {}

ServerLink::~ServerLink() { stop(); }

void ServerLink::onPush(std::function<void(const protocol::Message&)> handler) {
    impl_->pushHandler = std::move(handler);
}
void ServerLink::onLoggedIn(std::function<void()> handler) { impl_->loggedInHandler = std::move(handler); }
void ServerLink::onSessionToken(std::function<void(const std::string&)> handler) {
    impl_->tokenHandler = std::move(handler);
}

void ServerLink::setSessionToken(std::string token) {
    if (impl_->thread.joinable())
        asio::post(impl_->io, [impl = impl_, token = std::move(token)]() mutable { impl->token = std::move(token); });
    else
        impl_->token = std::move(token);
}

void ServerLink::start() {
    if (impl_->thread.joinable()) return;
    impl_->work.emplace(impl_->io.get_executor());
    impl_->setStatus([](LinkStatus& s) { s.state = LinkState::Connecting; });
    asio::post(impl_->io, [impl = impl_] { asio::co_spawn(impl->io, impl->session(), asio::detached); });
    impl_->running = true;
    impl_->thread = std::thread([impl = impl_] { impl->io.run(); });
}

void ServerLink::stop() {
    if (!impl_->thread.joinable()) return;
    impl_->running = false;
    std::promise<void> closed;
    asio::post(impl_->io, [impl = impl_, &closed] {
        impl->stopping = true;
        impl->retryTimer.cancel();
        impl->pingTimer.cancel();
        if (impl->connection) impl->drop(impl->connection, "stopped");
        impl->failPending("the link was stopped");
        closed.set_value();
    });
    closed.get_future().wait();
    impl_->work.reset();
    impl_->io.stop();
    impl_->thread.join();
    // A request posted while stopping still gets its answer ("stopped").
    impl_->io.restart();
    impl_->io.poll();
    impl_->setStatus([](LinkStatus& s) {
        s.state = LinkState::Stopped;
        s.detail = "stopped";
    });
}

std::future<protocol::Message> ServerLink::request(protocol::Message message) {
    auto promise = std::make_shared<std::promise<protocol::Message>>();
    auto future = promise->get_future();
    if (!impl_->running) {
        promise->set_value(failure(protocol::ErrorCode::ServerBusy, "the link is not running"));
        return future;
    }
    auto answered = std::make_shared<bool>(false);
    send(std::move(message), [promise, answered](protocol::Message reply) {
        if (*answered) return;  // later pages of a paged answer: callers wanting them use send()
        *answered = true;
        promise->set_value(std::move(reply));
    });
    return future;
}

void ServerLink::send(protocol::Message message, std::function<void(protocol::Message)> onReply) {
    if (!impl_->running) {
        onReply(failure(protocol::ErrorCode::ServerBusy, "the link is not running"));
        return;
    }
    asio::post(impl_->io, [impl = impl_, message = std::move(message), cb = std::move(onReply)]() mutable {
        impl->startRequest(std::move(message), std::move(cb));
    });
}

bool ServerLink::waitUntil(const std::function<bool(const LinkStatus&)>& condition,
                           std::chrono::milliseconds timeout) const {
    std::unique_lock lock(impl_->statusMutex);
    return impl_->statusChanged.wait_for(lock, timeout, [&] { return condition(impl_->linkStatus); });
}

LinkStatus ServerLink::status() const {
    std::lock_guard lock(impl_->statusMutex);
    return impl_->linkStatus;
}

}  // namespace vigil::client
