// The station CA and its verify hook, exercised by real TLS 1.3 handshakes
// over loopback with the server context Vigil itself builds.
#include "protocol/TlsContext.hpp"
#include "server/security/StationCertificateAuthority.hpp"
#include "support/TestCerts.hpp"

#include <doctest/doctest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>

#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <chrono>
#include <fstream>
#include <future>
#include <thread>

using namespace vigil::server::security;
using vigil::test::TempDir;
namespace asio = boost::asio;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

namespace {

struct Fixture {
    TempDir dir{"station-ca"};
    vigil::test::TestCerts certs = vigil::test::makeTestCerts(dir.path);
    std::filesystem::path registry = dir.path / "stations.registry";
    std::filesystem::path caKey() const { return certs.dir / "ca-key.pem"; }
};

struct ClientIdentity {
    std::string certificatePem;
    std::string privateKeyPem;
};

// What the SERVER saw: with TLS 1.3 the client finishes its side of the
// handshake before the server has judged the client certificate, so the
// server's verdict is the one that counts.
struct HandshakeOutcome {
    boost::system::error_code serverError;
    bool applicationByteRead = false;
};

HandshakeOutcome handshake(StationCertificateAuthority& authority, const vigil::test::TestCerts& certs,
                           const std::optional<ClientIdentity>& client) {
    ssl::context serverCtx = vigil::protocol::makeServerTlsContext(
        {certs.cert(), certs.key(), certs.ca()});
    authority.installVerifyHook(serverCtx.native_handle());

    asio::io_context io;
    tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    const auto port = acceptor.local_endpoint().port();

    std::promise<HandshakeOutcome> serverSide;
    std::thread server([&] {
        HandshakeOutcome outcome;
        ssl::stream<tcp::socket> stream(io, serverCtx);
        boost::system::error_code ec;
        acceptor.accept(stream.next_layer(), ec);
        if (!ec) stream.handshake(ssl::stream_base::server, outcome.serverError);
        else outcome.serverError = ec;
        if (!outcome.serverError) {
            std::array<char, 1> byte{};
            asio::read(stream, asio::buffer(byte), ec);
            outcome.applicationByteRead = !ec;
            asio::write(stream, asio::buffer(byte), ec);
        }
        serverSide.set_value(outcome);
    });

    ssl::context clientCtx = vigil::protocol::makeClientTlsContext(certs.ca());
    if (client) {
        clientCtx.use_certificate_chain(asio::buffer(client->certificatePem));
        clientCtx.use_private_key(asio::buffer(client->privateKeyPem), ssl::context::pem);
    }
    ssl::stream<tcp::socket> stream(io, clientCtx);
    vigil::protocol::requireServerIdentity(stream.native_handle(), "localhost");
    boost::system::error_code ec;
    stream.next_layer().connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), ec);
    if (!ec) stream.handshake(ssl::stream_base::client, ec);
    if (!ec) {
        const char byte = 'x';
        asio::write(stream, asio::buffer(&byte, 1), ec);
        char echo = 0;
        if (!ec) asio::read(stream, asio::buffer(&echo, 1), ec);
    }
    auto future = serverSide.get_future();
    const bool finished = future.wait_for(std::chrono::seconds(20)) == std::future_status::ready;
    if (!finished) stream.next_layer().close();  // unblocks the server thread
    server.join();
    REQUIRE(finished);
    return future.get();
}

std::string readFile(const std::filesystem::path& p) {
    std::ifstream in(p);
    return {std::istreambuf_iterator<char>(in), {}};
}

using X509Ptr = std::unique_ptr<X509, decltype(&X509_free)>;

X509Ptr parsePem(const std::string& pem) {
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())),
                                                  &BIO_free);
    return X509Ptr(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr), &X509_free);
}

}  // namespace

TEST_CASE("an issued station certificate chains to the HQ CA and is for client authentication only") {
    Fixture f;
    StationCertificateAuthority authority(f.certs.ca(), f.caKey(), f.registry);
    const StationCertificate issued = authority.issue("station-north.1");
    CHECK(issued.privateKeyPem.find("PRIVATE KEY") != std::string::npos);
    X509Ptr cert = parsePem(issued.certificatePem);
    REQUIRE(cert);
    X509Ptr ca = parsePem(readFile(f.certs.ca()));
    std::unique_ptr<X509_STORE, decltype(&X509_STORE_free)> store(X509_STORE_new(), &X509_STORE_free);
    X509_STORE_add_cert(store.get(), ca.get());
    std::unique_ptr<X509_STORE_CTX, decltype(&X509_STORE_CTX_free)> ctx(X509_STORE_CTX_new(), &X509_STORE_CTX_free);
    X509_STORE_CTX_init(ctx.get(), store.get(), cert.get(), nullptr);
    X509_STORE_CTX_set_purpose(ctx.get(), X509_PURPOSE_SSL_CLIENT);
    CHECK(X509_verify_cert(ctx.get()) == 1);
    CHECK(X509_check_purpose(cert.get(), X509_PURPOSE_SSL_SERVER, 0) == 0);  // not usable as a server
    CHECK(authority.statusOf(cert.get()) == StationCertStatus::Active);
    CHECK(authority.isActive("station-north.1", issued.serialHex));
}

TEST_CASE("an enrolled station passes mutual TLS and a revoked one is refused at the next handshake") {
    Fixture f;
    StationCertificateAuthority authority(f.certs.ca(), f.caKey(), f.registry);
    const StationCertificate issued = authority.issue("station-a");
    const ClientIdentity identity{issued.certificatePem, issued.privateKeyPem};

    const HandshakeOutcome accepted = handshake(authority, f.certs, identity);
    CHECK_FALSE(accepted.serverError);
    CHECK(accepted.applicationByteRead);

    CHECK(authority.revoke("station-a") == 1);
    const HandshakeOutcome refused = handshake(authority, f.certs, identity);
    CHECK(refused.serverError);
    CHECK_FALSE(refused.applicationByteRead);
}

TEST_CASE("mutual TLS refuses a client without a certificate or with one the registry does not know") {
    Fixture f;
    StationCertificateAuthority authority(f.certs.ca(), f.caKey(), f.registry);
    SUBCASE("no certificate") {
        const HandshakeOutcome outcome = handshake(authority, f.certs, std::nullopt);
        CHECK(outcome.serverError);
        CHECK_FALSE(outcome.applicationByteRead);
    }
    SUBCASE("signed by the CA but issued by another registry (e.g. restored from an old backup)") {
        StationCertificateAuthority elsewhere(f.certs.ca(), f.caKey(), f.dir.path / "other.registry");
        const StationCertificate foreign = elsewhere.issue("station-a");
        const HandshakeOutcome outcome =
            handshake(authority, f.certs, ClientIdentity{foreign.certificatePem, foreign.privateKeyPem});
        CHECK(outcome.serverError);
        CHECK_FALSE(outcome.applicationByteRead);
    }
    SUBCASE("the server's own certificate presented as a client") {
        const HandshakeOutcome outcome = handshake(
            authority, f.certs, ClientIdentity{readFile(f.certs.cert()), readFile(f.certs.key())});
        CHECK(outcome.serverError);
    }
}

TEST_CASE("revocations survive a restart and enrolling again replaces the earlier certificate") {
    Fixture f;
    std::string first, second, other;
    {
        StationCertificateAuthority authority(f.certs.ca(), f.caKey(), f.registry);
        first = authority.issue("station-a").serialHex;
        second = authority.issue("station-a").serialHex;  // re-enrolment
        other = authority.issue("station-b").serialHex;
        CHECK(authority.revoke("station-b") == 1);
        CHECK(authority.revoke("station-b") == 0);
        CHECK(authority.revoke("nobody") == 0);
    }
    StationCertificateAuthority reloaded(f.certs.ca(), f.caKey(), f.registry);
    CHECK_FALSE(reloaded.isActive("station-a", first));
    CHECK(reloaded.isActive("station-a", second));
    CHECK_FALSE(reloaded.isActive("station-b", other));
    CHECK_FALSE(reloaded.isActive("station-b", second));  // serial of another station
    CHECK(reloaded.entries().size() == 3);
}

TEST_CASE("station names outside the safe alphabet and broken CA files are refused") {
    Fixture f;
    StationCertificateAuthority authority(f.certs.ca(), f.caKey(), f.registry);
    for (const char* bad : {"", "a b", "a/b", "x\nactive", "ünicode", "CN=evil,O=x"})
        CHECK_THROWS_AS((void)authority.issue(bad), std::invalid_argument);
    CHECK_THROWS_AS((void)authority.issue(std::string(65, 'a')), std::invalid_argument);
    CHECK_THROWS_AS(StationCertificateAuthority(f.dir.path / "missing.pem", f.caKey(), f.registry),
                    std::runtime_error);
    // The server key does not belong to the CA certificate.
    CHECK_THROWS_AS(StationCertificateAuthority(f.certs.ca(), f.certs.key(), f.registry), std::runtime_error);
    std::ofstream(f.dir.path / "broken.registry") << "zz station-a maybe 0\n";
    CHECK_THROWS_AS(StationCertificateAuthority(f.certs.ca(), f.caKey(), f.dir.path / "broken.registry"),
                    std::runtime_error);
}

TEST_CASE("a revocation written by another process is refused at the next handshake of a running server") {
    Fixture f;
    StationCertificateAuthority serving(f.certs.ca(), f.caKey(), f.registry);  // the server's instance
    const StationCertificate issued = serving.issue("station-x");
    const ClientIdentity identity{issued.certificatePem, issued.privateKeyPem};
    CHECK_FALSE(handshake(serving, f.certs, identity).serverError);
    {
        // `vigil-server station revoke station-x` in another process.
        StationCertificateAuthority commandLine(f.certs.ca(), f.caKey(), f.registry);
        CHECK(commandLine.revoke("station-x") == 1);
    }
    CHECK(handshake(serving, f.certs, identity).serverError);
    CHECK_FALSE(serving.isActive("station-x", issued.serialHex));
}
