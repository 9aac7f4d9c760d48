// The SessionRegistry over real TLS (issue 7): HqService lists who is
// connected (user, role, address, station certificate, since, activity), and
// ending an account or a station ends its live sessions at once — the client
// receives an Error saying why, then the connection closes. Changes made by
// another process (the command line) are noticed by the running server.
#include "ServerFixture.hpp"

#include "server/security/AtomicFile.hpp"
#include "server/security/StationCertificateAuthority.hpp"

using namespace vigil::test;
namespace wire = vigil::wire;

namespace {

// Mutual TLS on: the station CA is the test CA, copied where `init` puts it.
struct StationServer : TestServer {
    StationServer() {
        namespace fs = std::filesystem;
        fs::create_directories(config.stationCaDir());
        fs::copy_file(certs.ca(), config.stationCaDir() / "ca.pem");
        fs::copy_file(certs.dir / "ca-key.pem", config.stationCaDir() / "ca-key.pem");
        config.require_station_certificates = true;
        config.session_check_ms = 50;
    }

    // What `vigil-server station enroll NAME` hands the station.
    void enrol(const std::string& station) {
        srv::security::StationCertificateAuthority authority(config.stationCaDir() / "ca.pem",
                                                             config.stationCaDir() / "ca-key.pem",
                                                             config.stationRegistry());
        const auto issued = authority.issue(station);
        srv::security::writeFileAtomically(dir.path / (station + ".pem"), issued.certificatePem, 0644);
        srv::security::writeFileAtomically(dir.path / (station + "-key.pem"), issued.privateKeyPem, 0600);
    }

    // A logged-in connection that presents the station's certificate.
    std::shared_ptr<wire::WireClient> stationLoggedIn(const std::string& station, const std::string& password) {
        auto tls = std::make_unique<boost::asio::ssl::context>(p::makeClientTlsContext(certs.ca()));
        tls->use_certificate_chain_file((dir.path / (station + ".pem")).string());
        tls->use_private_key_file((dir.path / (station + "-key.pem")).string(), boost::asio::ssl::context::pem);
        auto client = wire::WireClient::create(clientIo, *tls);
        stationTls.push_back(std::move(tls));
        const auto error = client->connect("127.0.0.1", port(), "localhost");
        REQUIRE_MESSAGE(!error, *error);
        REQUIRE(client->hello());
        const auto reply = tryLogin(*client, station, password);
        REQUIRE(std::holds_alternative<p::LoginResponse>(reply));
        return client;
    }

    std::vector<std::unique_ptr<boost::asio::ssl::context>> stationTls;
};

// The Error pushed before the close, and that the close followed.
p::Error endOf(wire::WireClient& client) {
    auto why = client.waitPush<p::Error>(15s);
    REQUIRE_MESSAGE(why, "the server closed the session without saying why");
    CHECK(client.waitClosed(15s));
    return *why;
}

const srv::Actor kOperator{"test-operator", p::Role::Operator, "console"};

}  // namespace

TEST_CASE("the connected sessions list names each logged-in account, its address, station certificate and activity") {
    StationServer hq;
    hq.enrol("north");
    hq.start();
    hq.addUser("north", "lighthouse keeper 41", p::Role::Station);
    hq.addUser("watcher", "viewer account password", p::Role::Viewer);
    auto north = hq.stationLoggedIn("north", "lighthouse keeper 41");
    REQUIRE(north->call(p::Ping{7}));
    REQUIRE(north->call(p::Ping{8}));

    const auto sessions = hq.service->connectedSessions(kOperator);
    REQUIRE(sessions.ok());
    REQUIRE(sessions->size() == 1);
    const auto& s = sessions->front();
    CHECK(s.username == "north");
    CHECK(s.role == p::Role::Station);
    CHECK(s.address == "127.0.0.1");
    CHECK(s.station_certificate == "north");
    CHECK_FALSE(s.certificate_serial.empty());
    CHECK(s.connected_since_ms > 0);
    CHECK(s.last_activity_ms >= s.connected_since_ms);
    CHECK(s.requests_served >= 5);  // Hello, CAPTCHA, login, two pings

    const auto refused = hq.service->connectedSessions(srv::Actor{"watcher", p::Role::Viewer, "127.0.0.1"});
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().code == p::ErrorCode::Forbidden);

}

TEST_CASE("revoking a station's certificate closes its live session with an error that says so") {
    StationServer hq;
    hq.enrol("north");
    hq.enrol("south");
    hq.start();
    hq.addUser("north", "lighthouse keeper 41", p::Role::Station);
    hq.addUser("south", "harbour master 77", p::Role::Station);
    auto north = hq.stationLoggedIn("north", "lighthouse keeper 41");
    auto south = hq.stationLoggedIn("south", "harbour master 77");

    SUBCASE("through HqService (the console)") {
        const auto revoked = hq.service->revokeStation(kAdmin, "north");
        REQUIRE(revoked.ok());
        CHECK(*revoked == 1);
    }
    SUBCASE("from another process (`vigil-server station revoke north`)") {
        srv::security::StationCertificateAuthority commandLine(
            hq.config.stationCaDir() / "ca.pem", hq.config.stationCaDir() / "ca-key.pem", hq.config.stationRegistry());
        REQUIRE(commandLine.revoke("north") == 1);
    }
    const auto why = endOf(*north);
    CHECK(why.code == p::ErrorCode::SessionExpired);
    CHECK(why.text.find("certificate of station north was revoked") != std::string::npos);
    // The other station goes on.
    CHECK(south->call(p::Ping{1}));
    CHECK_FALSE(south->closed());
}

TEST_CASE("disabling an account, changing its role or resetting its password ends its live sessions at once") {
    TestServer hq;
    hq.start();
    hq.addUser("north", "lighthouse keeper 41", p::Role::Station);
    hq.addUser("south", "harbour master 77", p::Role::Station);
    auto first = hq.loggedIn("north", "lighthouse keeper 41");
    auto second = hq.loggedIn("north", "lighthouse keeper 41");
    auto other = hq.loggedIn("south", "harbour master 77");
    auto anonymous = hq.connect();  // not logged in: not listed
    REQUIRE(hq.service->connectedSessions(kAdmin)->size() == 3);

    std::string expected;
    p::ErrorCode code{};
    SUBCASE("disable") {
        REQUIRE(hq.service->decideUser(kAdmin, {"north", p::UserAction::Disable, p::Role::Station}).ok());
        expected = "disabled this account";
        code = p::ErrorCode::AccountDisabled;
    }
    SUBCASE("role change") {
        REQUIRE(hq.service->decideUser(kAdmin, {"north", p::UserAction::SetRole, p::Role::Viewer}).ok());
        expected = "role to viewer";
        code = p::ErrorCode::SessionExpired;
    }
    SUBCASE("password reset") {
        REQUIRE(hq.service->resetPassword(kAdmin, "north", "fresh tide table 2026").ok());
        expected = "reset this account's password";
        code = p::ErrorCode::SessionExpired;
    }
    for (auto* client : {first.get(), second.get()}) {
        const auto why = endOf(*client);
        CHECK(why.code == code);
        CHECK_MESSAGE(why.text.find(expected) != std::string::npos, why.text);
    }
    CHECK(other->call(p::Ping{1}));
    const auto left = hq.service->connectedSessions(kAdmin);
    REQUIRE(left->size() == 1);
    CHECK(left->front().username == "south");
}

TEST_CASE("an account disabled or reset by another process loses its live sessions on the running server") {
    TestServer hq;
    hq.config.session_check_ms = 50;
    hq.start();
    hq.addUser("north", "lighthouse keeper 41", p::Role::Station);
    hq.addUser("south", "harbour master 77", p::Role::Station);
    auto north = hq.loggedIn("north", "lighthouse keeper 41");
    auto south = hq.loggedIn("south", "harbour master 77");

    // `vigil-server user disable north` / `user password south`: another
    // HqService on the same data folder, with its own database connections.
    {
        srv::HqService commandLine(hq.config);
        REQUIRE(commandLine.decideUser(kAdmin, {"north", p::UserAction::Disable, p::Role::Station}).ok());
    }
    auto why = endOf(*north);
    CHECK(why.code == p::ErrorCode::AccountDisabled);
    CHECK_FALSE(south->closed());
    {
        srv::HqService commandLine(hq.config);
        REQUIRE(commandLine.resetPassword(kAdmin, "south", "fresh tide table 2026").ok());
    }
    why = endOf(*south);
    CHECK(why.text.find("reset this account's password") != std::string::npos);
    // The new password works; the old one does not.
    auto again = hq.connect();
    CHECK(std::holds_alternative<p::Error>(hq.tryLogin(*again, "south", "harbour master 77")));
    CHECK(std::holds_alternative<p::LoginResponse>(hq.tryLogin(*again, "south", "fresh tide table 2026")));
}
