#include "server/core/Session.hpp"

#include "server/core/HqService.hpp"
#include "server/security/StationCertificateAuthority.hpp"

#include "protocol/FrameCodec.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <iostream>

namespace vigil::server {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
using boost::system::error_code;
using namespace std::chrono;
using protocol::ErrorCode;

namespace {

protocol::ErrorCode codeFor(protocol::DecodeError e) {
    return e == protocol::DecodeError::FrameTooLarge ? ErrorCode::FrameTooLarge : ErrorCode::ProtocolViolation;
}

}  // namespace

Session::Session(StrandSocket socket, ssl::context& tls, SessionEnvironment& env, std::uint64_t id,
                 std::string address)
    : stream_(std::move(socket), tls),
      env_(env),
      onClosed_(env.onClosed),
      liveSessions_(env.service.sessions()),
      deadline_(stream_.get_executor()),
      writeDeadline_(stream_.get_executor()),
      tokens_(env.config.messages_per_second * 2.0),
      lastRefill_(steady_clock::now()) {
    state_.connection_id = id;
    state_.address = std::move(address);
}

Session::~Session() {
    // A session destroyed without closeNow() (the io_context stopped) must not stay listed.
    if (registered_) liveSessions_.remove(state_.connection_id);
    onClosed_(state_.address);
}

void Session::start() {
    loginDeadline_ = steady_clock::now() + milliseconds(env_.config.login_timeout_ms);
    armDeadline(milliseconds(env_.config.handshake_timeout_ms));
    stream_.async_handshake(ssl::stream_base::server, [self = shared_from_this()](error_code ec) {
        if (ec) return self->closeNow();  // a failed handshake has nobody to tell
        self->phase_ = Phase::PreLogin;
        self->registerLive();
        // The Hello must follow promptly; after it the login deadline rules.
        self->armDeadline(milliseconds(self->env_.config.handshake_timeout_ms));
        self->readHeader();
    });
}

void Session::registerLive() {
    std::string station, serial;
    if (X509* peer = SSL_get1_peer_certificate(stream_.native_handle())) {
        if (auto id = security::StationCertificateAuthority::identify(peer)) {
            station = std::move(id->stationName);
            serial = std::move(id->serialHex);
        }
        X509_free(peer);
    }
    std::weak_ptr<Session> weak = shared_from_this();
    liveSessions_.add(state_.connection_id, state_.address, std::move(station), std::move(serial),
                                [weak](const SessionEnd& why) {
                                    if (auto self = weak.lock())
                                        asio::post(self->stream_.get_executor(),
                                                   [self, why] { self->failAndClose(why.code, why.sentence); });
                                });
    registered_ = true;
}

void Session::shutdown() {
    asio::post(stream_.get_executor(), [self = shared_from_this()] { self->closeNow(); });
}

void Session::armDeadline(milliseconds after) {
    deadline_.expires_after(after);
    deadline_.async_wait([self = shared_from_this()](error_code ec) {
        if (!ec) self->onDeadline();
    });
}

void Session::onDeadline() {
    if (closed_) return;
    if (closing_) return closeNow();  // the peer did not take its last frames in time
    switch (phase_) {
    case Phase::Handshake: return closeNow();
    case Phase::PreLogin:
        if (!state_.hello_done) return closeNow();
        return failAndClose(ErrorCode::NotAuthenticated, "no login in time; connection closed");
    case Phase::Active:
        if (pingOutstanding_) return closeNow();  // silent through a whole ping interval: gone
        pingOutstanding_ = true;
        send(protocol::Ping{++pingNonce_});
        armDeadline(milliseconds(env_.config.idle_timeout_ms));
        return;
    }
}

bool Session::takeRateToken() {
    const auto now = steady_clock::now();
    const double rate = env_.config.messages_per_second;
    tokens_ = std::min(rate * 2.0, tokens_ + duration<double>(now - lastRefill_).count() * rate);
    lastRefill_ = now;
    if (tokens_ < 1.0) return false;
    tokens_ -= 1.0;
    return true;
}

void Session::readHeader() {
    if (closing_ || closed_) return;
    asio::async_read(stream_, asio::buffer(header_), [self = shared_from_this()](error_code ec, std::size_t) {
        if (self->closing_) return;  // lingerThenClose owns the socket now
        if (ec) return self->closeNow();
        const auto header = protocol::readFrameHeader(self->header_, self->limits_);
        if (!header.ok())
            return self->failAndClose(codeFor(header.failure->error), std::string(describe(header.failure->error)) +
                                                                          ": " + header.failure->detail);
        self->readPayload(header.payload_bytes);
    });
}

void Session::readPayload(std::uint32_t bytes) {
    payload_.resize(bytes);  // bounded by limits_ checked in readHeader
    asio::async_read(stream_, asio::buffer(payload_), [self = shared_from_this()](error_code ec, std::size_t) {
        if (self->closing_) return;  // lingerThenClose owns the socket now
        if (ec) return self->closeNow();
        self->onFrame();
    });
}

void Session::onFrame() {
    auto decoded = protocol::decodePayload(payload_, limits_);
    payload_.clear();
    payload_.shrink_to_fit();
    if (!decoded.ok())
        return failAndClose(codeFor(decoded.failure->error),
                            std::string(describe(decoded.failure->error)) + ": " + decoded.failure->detail);
    if (phase_ == Phase::Active) {
        pingOutstanding_ = false;
        armDeadline(milliseconds(env_.config.idle_timeout_ms));
    }
    if (!takeRateToken()) {
        // Throttled, not processed. A peer that keeps going is cut off.
        if (++rateViolations_ > env_.config.messages_per_second * 4)
            return failAndClose(ErrorCode::RateLimited, "far over the message rate limit; connection closed");
        send(protocol::Error{ErrorCode::RateLimited, "too many messages; slow down"}, decoded.envelope->request_id);
        return readHeader();
    }
    // Decay instead of reset: a flood paced so that a token refills between
    // bursts of violations would otherwise never be cut off (issue 7 abuse test).
    if (rateViolations_ > 0) --rateViolations_;
    dispatch(std::move(*decoded.envelope));
}

void Session::dispatch(protocol::Envelope&& envelope) {
    // Requests run on the worker pool (password hashing, database writes) one
    // at a time per connection; reading resumes after the reply is queued,
    // which also applies back-pressure to a peer that floods us.
    asio::post(env_.workers, [self = shared_from_this(), state = state_, env = std::move(envelope)]() mutable {
        auto output = self->env_.handlers.handle(state, std::move(env));
        std::vector<Frame> frames;
        for (const auto& reply : output.replies) {
            try {
                frames.push_back(std::make_shared<const std::vector<std::uint8_t>>(
                    protocol::encodeFrame(reply, protocol::kServerToClientLimits)));
            } catch (const std::length_error&) {
                frames.push_back(std::make_shared<const std::vector<std::uint8_t>>(protocol::encodeFrame(
                    protocol::Envelope{reply.request_id,
                                       protocol::Error{ErrorCode::Internal, "the answer is too large for one frame"}})));
            }
        }
        asio::post(self->stream_.get_executor(),
                   [self, state = std::move(state), output = std::move(output), frames = std::move(frames)]() mutable {
                       self->afterRequest(std::move(state), std::move(output), std::move(frames));
                   });
    });
}

void Session::afterRequest(ConnectionState state, HandlerOutput output, std::vector<Frame> frames) {
    if (closed_) return;
    liveSessions_.served(state_.connection_id);
    const bool helloBefore = state_.hello_done;
    state_ = std::move(state);
    if (!helloBefore && state_.hello_done && phase_ == Phase::PreLogin)
        armDeadline(duration_cast<milliseconds>(loginDeadline_ - steady_clock::now()));
    if (output.authenticated_now) {
        phase_ = Phase::Active;
        limits_ = protocol::kSessionLimits;
        armDeadline(milliseconds(env_.config.idle_timeout_ms));
        std::weak_ptr<Session> weak = shared_from_this();
        subscription_ = env_.service.hub().subscribe([weak](const std::shared_ptr<const PushEvent>& event) {
            if (auto self = weak.lock())
                asio::post(self->stream_.get_executor(), [self, event] { self->onPush(event); });
        });
    }
    for (auto& frame : frames) enqueue(std::move(frame));
    if (output.close_after) return closeAfterFlush();
    readHeader();
}

void Session::onPush(const std::shared_ptr<const PushEvent>& event) {
    if (closed_ || closing_ || !state_.actor) return;
    switch (event->kind) {
    case PushEvent::Kind::Alert:
    case PushEvent::Kind::Decision: {
        const bool audience = event->audience == PushEvent::Audience::Everyone || isHqStaff(state_.actor->role) ||
                              (event->audience == PushEvent::Audience::StaffAndAccount &&
                               event->account == state_.actor->username);
        if (state_.alerts_wanted && audience && event->origin_connection != state_.connection_id)
            enqueue(event->frame);
        return;
    }
    case PushEvent::Kind::WatchlistChanged:
        if (allows(state_.actor->role, Capability::SyncWatchlist)) enqueue(event->frame);
        return;
    case PushEvent::Kind::AccountRevoked:
        return;  // HqService ends the account's sessions through the SessionRegistry, with the reason
    }
}

void Session::send(const protocol::Message& message, std::uint32_t requestId) {
    enqueue(std::make_shared<const std::vector<std::uint8_t>>(
        protocol::encodeFrame(protocol::Envelope{requestId, message}, protocol::kServerToClientLimits)));
}

void Session::enqueue(Frame frame) {
    if (closed_) return;
    if (queue_.size() >= env_.config.max_queued_frames ||
        queuedBytes_ + frame->size() > env_.config.max_queued_bytes) {
        // A reader this slow would make us hold its backlog forever.
        std::cerr << "vigil-server: dropping " << state_.address << " (" << queue_.size()
                  << " frames unread; slow reader)\n";
        return closeNow();
    }
    queuedBytes_ += frame->size();
    queue_.push_back(std::move(frame));
    if (!writing_) writeNext();
}

void Session::writeNext() {
    if (queue_.empty()) {
        writing_ = false;
        if (closing_) lingerThenClose();
        return;
    }
    writing_ = true;
    writeDeadline_.expires_after(milliseconds(env_.config.write_timeout_ms));
    writeDeadline_.async_wait([self = shared_from_this()](error_code ec) {
        if (!ec) self->closeNow();
    });
    asio::async_write(stream_, asio::buffer(*queue_.front()), [self = shared_from_this()](error_code ec, std::size_t) {
        self->writeDeadline_.cancel();
        if (ec) return self->closeNow();
        self->queuedBytes_ -= self->queue_.front()->size();
        self->queue_.pop_front();
        self->writeNext();
    });
}

void Session::failAndClose(ErrorCode code, std::string text) {
    if (closed_ || closing_) return;
    send(protocol::Error{code, std::move(text)});
    closeAfterFlush();
}

void Session::closeAfterFlush() {
    closing_ = true;
    if (!writing_) lingerThenClose();
    else armDeadline(milliseconds(std::min<std::uint32_t>(env_.config.write_timeout_ms, 5000)));
}

void Session::closeNow() {
    if (closed_) return;
    closed_ = true;
    leaveRegistry();
    deadline_.cancel();
    writeDeadline_.cancel();
    error_code ignored;
    stream_.lowest_layer().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    stream_.lowest_layer().close(ignored);
}

void Session::leaveRegistry() {
    if (registered_) liveSessions_.remove(state_.connection_id);
    registered_ = false;
    subscription_.reset();
}

void Session::lingerThenClose() {
    if (closed_) return;
    leaveRegistry();  // over for everyone else already; only the socket lingers
    // Everything queued is written: say we are done (FIN), then read and
    // discard what the peer still sends for a short while, bounded in time
    // and bytes, so our last words arrive instead of a reset.
    error_code ignored;
    stream_.lowest_layer().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
    stream_.lowest_layer().cancel(ignored);  // a pending TLS read ends; its handler sees closing_
    deadline_.expires_after(milliseconds(1000));
    deadline_.async_wait([self = shared_from_this()](error_code ec) {
        if (!ec) self->closeNow();
    });
    drainInput();
}

void Session::drainInput() {
    constexpr std::size_t kMaxDrainedBytes = 1 << 20;
    stream_.next_layer().async_read_some(
        asio::buffer(drainBuffer_), [self = shared_from_this()](error_code ec, std::size_t n) {
            if (self->closed_) return;
            self->drainedBytes_ += n;
            if (ec || self->drainedBytes_ > kMaxDrainedBytes) return self->closeNow();
            self->drainInput();
        });
}

}  // namespace vigil::server
