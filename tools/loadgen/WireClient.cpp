#include "WireClient.hpp"

#include "protocol/TlsContext.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include <future>

namespace vigil::wire {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using boost::system::error_code;

std::shared_ptr<WireClient> WireClient::create(asio::io_context& io, asio::ssl::context& tls) {
    return std::shared_ptr<WireClient>(new WireClient(io, tls));
}

WireClient::WireClient(asio::io_context& io, asio::ssl::context& tls) : stream_(asio::make_strand(io), tls) {}

void WireClient::asyncConnect(const std::string& host, std::uint16_t port, const std::string& serverName,
                              std::function<void(std::string)> done) {
    protocol::requireServerIdentity(stream_.native_handle(), serverName);
    const tcp::endpoint endpoint(asio::ip::make_address(host), port);
    stream_.next_layer().async_connect(endpoint, [self = shared_from_this(), done](error_code ec) {
        if (ec) return done("connect: " + ec.message());
        self->stream_.async_handshake(asio::ssl::stream_base::client, [self, done](error_code ec2) {
            if (ec2) return done("TLS handshake: " + ec2.message());
            self->readHeader();
            done("");
        });
    });
}

std::optional<std::string> WireClient::connect(const std::string& host, std::uint16_t port,
                                               const std::string& serverName, std::chrono::milliseconds timeout) {
    auto promise = std::make_shared<std::promise<std::string>>();
    auto result = promise->get_future();
    asyncConnect(host, port, serverName, [promise](std::string error) { promise->set_value(std::move(error)); });
    if (result.wait_for(timeout) != std::future_status::ready) {
        close();
        return "connect timed out";
    }
    auto error = result.get();
    if (error.empty()) return std::nullopt;
    return error;
}

void WireClient::readHeader() {
    asio::async_read(stream_, asio::buffer(header_), [self = shared_from_this()](error_code ec, std::size_t) {
        if (ec) return self->markClosed();
        const auto header = protocol::readFrameHeader(self->header_, protocol::kServerToClientLimits);
        if (!header.ok()) return self->markClosed();
        self->payload_.resize(header.payload_bytes);
        asio::async_read(self->stream_, asio::buffer(self->payload_), [self](error_code ec2, std::size_t) {
            if (ec2) return self->markClosed();
            auto decoded = protocol::decodePayload(self->payload_, protocol::kServerToClientLimits);
            if (!decoded.ok()) return self->markClosed();
            Handler handler;
            {
                std::lock_guard lock(self->mutex_);
                handler = self->handler_;
                if (!handler) self->inbox_.push_back(std::move(*decoded.envelope));
            }
            if (handler) handler(*decoded.envelope);
            self->changed_.notify_all();
            self->readHeader();
        });
    });
}

void WireClient::markClosed() {
    {
        std::lock_guard lock(mutex_);
        closed_ = true;
    }
    changed_.notify_all();
}

std::uint32_t WireClient::send(protocol::Message message) {
    std::uint32_t id = 0;
    {
        std::lock_guard lock(mutex_);
        id = nextId_++;
    }
    // Clients may send anything the session limits allow; the server decides.
    sendRaw(protocol::encodeFrame(protocol::Envelope{id, std::move(message)}, protocol::kSessionLimits));
    return id;
}

void WireClient::sendRaw(std::vector<std::uint8_t> bytes) {
    asio::post(stream_.get_executor(), [self = shared_from_this(), bytes = std::move(bytes)]() mutable {
        self->writes_.push_back(std::move(bytes));
        if (self->writes_.size() == 1) self->writeNext();
    });
}

void WireClient::writeNext() {
    asio::async_write(stream_, asio::buffer(writes_.front()), [self = shared_from_this()](error_code ec, std::size_t) {
        if (ec) {
            self->writes_.clear();
            return self->markClosed();
        }
        self->writes_.pop_front();
        if (!self->writes_.empty()) self->writeNext();
    });
}

void WireClient::setHandler(Handler handler) {
    std::lock_guard lock(mutex_);
    handler_ = std::move(handler);
}

std::optional<protocol::Envelope> WireClient::take(const std::function<bool(const protocol::Envelope&)>& match,
                                                   std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    std::optional<protocol::Envelope> found;
    changed_.wait_for(lock, timeout, [&] {
        for (auto it = inbox_.begin(); it != inbox_.end(); ++it)
            if (match(*it)) {
                found = std::move(*it);
                inbox_.erase(it);
                return true;
            }
        return closed_;
    });
    return found;
}

std::optional<protocol::Message> WireClient::reply(std::uint32_t id, std::chrono::milliseconds timeout) {
    auto found = take([id](const protocol::Envelope& e) { return e.request_id == id; }, timeout);
    if (!found) return std::nullopt;
    return std::move(found->message);
}

std::optional<protocol::Message> WireClient::call(protocol::Message message, std::chrono::milliseconds timeout) {
    return reply(send(std::move(message)), timeout);
}

std::optional<protocol::Envelope> WireClient::next(std::chrono::milliseconds timeout) {
    return take([](const protocol::Envelope&) { return true; }, timeout);
}

bool WireClient::waitClosed(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [this] { return closed_; });
}

bool WireClient::closed() {
    std::lock_guard lock(mutex_);
    return closed_;
}

std::size_t WireClient::pending() {
    std::lock_guard lock(mutex_);
    return inbox_.size();
}

void WireClient::close() {
    asio::post(stream_.get_executor(), [self = shared_from_this()] {
        error_code ignored;
        self->stream_.lowest_layer().shutdown(tcp::socket::shutdown_both, ignored);
        self->stream_.lowest_layer().close(ignored);
    });
}

bool WireClient::hello(std::chrono::milliseconds timeout) {
    auto answer = call(protocol::Hello{protocol::kProtocolVersion, "vigil wire client"}, timeout);
    return answer && std::holds_alternative<protocol::HelloAck>(*answer);
}

}  // namespace vigil::wire
