// The shared TLS settings over real loopback sockets.
#include "protocol/TlsContext.hpp"
#include "support/TestCerts.hpp"

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <doctest/doctest.h>

#include <future>
#include <openssl/ssl.h>

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;
using namespace vigil::protocol;

namespace {

struct HandshakeOutcome {
    boost::system::error_code server;
    boost::system::error_code client;
    std::string negotiated;  // protocol version the client saw
};

// One real TLS handshake on 127.0.0.1: the server side runs in a thread and
// answers one byte so both ends prove the channel works.
HandshakeOutcome handshake(ssl::context& serverCtx, ssl::context& clientCtx, const std::string& hostToCheck) {
    asio::io_context io;
    tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    const auto port = acceptor.local_endpoint().port();
    HandshakeOutcome outcome;

    auto server = std::async(std::launch::async, [&] {
        boost::system::error_code ec;
        tcp::socket raw(io);
        acceptor.accept(raw, ec);
        if (ec) return ec;
        ssl::stream<tcp::socket> stream(std::move(raw), serverCtx);
        stream.handshake(ssl::stream_base::server, ec);
        if (!ec) {
            char byte = 0;
            asio::read(stream, asio::buffer(&byte, 1), ec);
            if (!ec) asio::write(stream, asio::buffer(&byte, 1), ec);
        }
        return ec;
    });

    asio::io_context clientIo;
    ssl::stream<tcp::socket> client(clientIo, clientCtx);
    requireServerIdentity(client.native_handle(), hostToCheck);
    client.next_layer().connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    client.handshake(ssl::stream_base::client, outcome.client);
    if (!outcome.client) {
        outcome.negotiated = SSL_get_version(client.native_handle());
        char byte = 'v';
        asio::write(client, asio::buffer(&byte, 1), outcome.client);
        if (!outcome.client) asio::read(client, asio::buffer(&byte, 1), outcome.client);
    } else {
        client.next_layer().close();
    }
    outcome.server = server.get();
    return outcome;
}

struct TlsFixture {
    vigil::test::TempDir dir{"tls"};
    vigil::test::TestCerts hq = vigil::test::makeTestCerts(dir.path / "hq");
    vigil::test::TestCerts other = vigil::test::makeTestCerts(dir.path / "other");
    ssl::context serverCtx = makeServerTlsContext({hq.cert(), hq.key(), std::nullopt});
};

}  // namespace

TEST_CASE_FIXTURE(TlsFixture, "a client pinning the right CA connects over TLS 1.3") {
    auto clientCtx = makeClientTlsContext(hq.ca());
    const auto byName = handshake(serverCtx, clientCtx, "localhost");
    CHECK_MESSAGE(!byName.client, byName.client.message());
    CHECK_MESSAGE(!byName.server, byName.server.message());
    CHECK(byName.negotiated == "TLSv1.3");

    const auto byIp = handshake(serverCtx, clientCtx, "127.0.0.1");
    CHECK_MESSAGE(!byIp.client, byIp.client.message());
}

TEST_CASE_FIXTURE(TlsFixture, "a client pinning a different CA refuses the server") {
    auto clientCtx = makeClientTlsContext(other.ca());
    const auto out = handshake(serverCtx, clientCtx, "localhost");
    CHECK(out.client);
    CHECK(out.server);
}

TEST_CASE_FIXTURE(TlsFixture, "a certificate for another host name is refused") {
    auto clientCtx = makeClientTlsContext(hq.ca());
    CHECK(handshake(serverCtx, clientCtx, "hq.example.org").client);
    CHECK(handshake(serverCtx, clientCtx, "10.9.8.7").client);
}

TEST_CASE_FIXTURE(TlsFixture, "TLS 1.2 and below are refused by the server") {
    for (int version : {TLS1_2_VERSION, TLS1_1_VERSION}) {
        ssl::context old(ssl::context::tls_client);
        SSL_CTX_set_min_proto_version(old.native_handle(), 0);
        SSL_CTX_set_max_proto_version(old.native_handle(), version);
        SSL_CTX_set_security_level(old.native_handle(), 0);
        old.load_verify_file(hq.ca().string());
        old.set_verify_mode(ssl::verify_peer);
        const auto out = handshake(serverCtx, old, "localhost");
        CHECK(out.client);
        CHECK(out.server);
    }
}

TEST_CASE("missing certificate files give a sentence naming the file") {
    try {
        makeServerTlsContext({"/nonexistent/server.pem", "/nonexistent/key.pem", std::nullopt});
        FAIL("expected an exception");
    } catch (const std::runtime_error& e) {
        CHECK(std::string(e.what()).find("/nonexistent/server.pem") != std::string::npos);
    }
}
