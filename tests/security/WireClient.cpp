#include "WireClient.hpp"

#include "protocol/TlsContext.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>

#include <sys/socket.h>
#include <sys/time.h>

namespace vigil::test {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

struct WireClient::Impl {
    asio::io_context io;
    asio::ssl::context ctx;
    asio::ssl::stream<tcp::socket> stream;
    // The identity goes into the context before the stream exists: SSL_new
    // copies the certificate from the context at that moment.
    static asio::ssl::context makeContext(const std::filesystem::path& ca, const std::filesystem::path& certificate,
                                          const std::filesystem::path& key) {
        auto ctx = protocol::makeClientTlsContext(ca);
        if (!certificate.empty()) {
            ctx.use_certificate_chain_file(certificate.string());
            ctx.use_private_key_file(key.string(), asio::ssl::context::pem);
        }
        return ctx;
    }
    Impl(const std::filesystem::path& ca, const std::filesystem::path& certificate, const std::filesystem::path& key)
        : ctx(makeContext(ca, certificate, key)), stream(io, ctx) {}
};

WireClient::WireClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
WireClient::~WireClient() {
    boost::system::error_code ec;
    impl_->stream.next_layer().close(ec);
}

std::unique_ptr<WireClient> WireClient::connect(const std::string& host, std::uint16_t port,
                                                const std::filesystem::path& pinnedCa,
                                                const std::string& sourceAddress,
                                                const std::filesystem::path& clientCertificate,
                                                const std::filesystem::path& clientKey) {
    auto impl = std::make_unique<Impl>(pinnedCa, clientCertificate, clientKey);
    boost::system::error_code ec;
    const auto address = asio::ip::make_address(host, ec);
    if (ec) return nullptr;
    auto& socket = impl->stream.next_layer();
    socket.open(address.is_v4() ? tcp::v4() : tcp::v6(), ec);
    if (ec) return nullptr;
    if (!sourceAddress.empty()) {
        // Loopback is a whole /8: a test can be "many addresses" from one machine.
        socket.bind(tcp::endpoint(asio::ip::make_address(sourceAddress), 0), ec);
        if (ec) return nullptr;
    }
    socket.connect(tcp::endpoint(address, port), ec);
    if (ec) return nullptr;
    protocol::requireServerIdentity(impl->stream.native_handle(), "localhost");
    impl->stream.handshake(asio::ssl::stream_base::client, ec);
    if (ec) return nullptr;
    return std::unique_ptr<WireClient>(new WireClient(std::move(impl)));
}

bool WireClient::send(const protocol::Envelope& envelope) {
    boost::system::error_code ec;
    const auto frame = protocol::encodeFrame(envelope);
    asio::write(impl_->stream, asio::buffer(frame), ec);
    return !ec;
}

bool WireClient::sendRaw(const std::vector<std::uint8_t>& frames) {
    boost::system::error_code ec;
    asio::write(impl_->stream, asio::buffer(frames), ec);
    return !ec;
}

std::optional<protocol::Envelope> WireClient::receive(std::chrono::milliseconds timeout) {
    // Blocking reads with a socket-level timeout: a hung server fails the test
    // instead of hanging it.
    timeval tv{static_cast<time_t>(timeout.count() / 1000), static_cast<suseconds_t>((timeout.count() % 1000) * 1000)};
    ::setsockopt(impl_->stream.next_layer().native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    boost::system::error_code ec;
    std::array<std::uint8_t, protocol::kFrameHeaderBytes> header{};
    asio::read(impl_->stream, asio::buffer(header), ec);
    if (ec) {
        endedByPeer_ = ec != asio::error::would_block && ec != asio::error::try_again &&
                       ec != asio::error::timed_out;
        return std::nullopt;
    }
    const auto length = protocol::readFrameHeader(header, protocol::kServerToClientLimits);
    if (!length.ok()) return std::nullopt;
    std::vector<std::uint8_t> payload(length.payload_bytes);
    asio::read(impl_->stream, asio::buffer(payload), ec);
    if (ec) return std::nullopt;
    auto decoded = protocol::decodePayload(payload, protocol::kServerToClientLimits);
    if (!decoded.ok()) return std::nullopt;
    return std::move(*decoded.envelope);
}

std::optional<protocol::Message> WireClient::call(protocol::Message request, std::chrono::milliseconds timeout) {
    const std::uint32_t id = nextRequestId_++;
    if (!send(protocol::Envelope{id, std::move(request)})) return std::nullopt;
    while (auto reply = receive(timeout))
        if (reply->request_id == id) return std::move(reply->message);
    return std::nullopt;
}

bool WireClient::hello() {
    auto reply = call(protocol::Hello{protocol::kProtocolVersion, "vigil-security-tests"});
    return reply && std::holds_alternative<protocol::HelloAck>(*reply);
}

}  // namespace vigil::test
