// Mutual TLS on the real HQ server (--require-station-certificates): a
// station with an enrolled certificate gets in; without one, with a revoked
// one, or with one the registry does not know, the connection ends in the TLS
// handshake — the server never reads an application byte (no HelloAck).
#include "WireClient.hpp"

#include "server/core/HqServer.hpp"
#include "server/core/HqService.hpp"
#include "server/security/AtomicFile.hpp"
#include "server/security/StationCertificateAuthority.hpp"
#include "support/TestCerts.hpp"

#include <doctest/doctest.h>

using namespace vigil;
using namespace vigil::server;
using vigil::test::TempDir;
using vigil::test::WireClient;

TEST_CASE("with station certificates required, only enrolled and unrevoked stations get past the handshake") {
    TempDir dir("mtls");
    ServerConfig config;
    config.data_dir = dir.path / "hq";
    std::filesystem::create_directories(config.data_dir);
    const auto certs = vigil::test::makeTestCerts(config.stationCaDir());
    config.listen_address = "127.0.0.1";
    config.port = 0;
    config.scrypt_log2n = 10;
    config.require_station_certificates = true;

    // What `vigil-server station enroll` does, in this process.
    security::StationCertificateAuthority enrol(certs.ca(), certs.dir / "ca-key.pem", config.stationRegistry());
    auto writeIdentity = [&](const security::StationCertificate& c, const std::string& name) {
        security::writeFileAtomically(dir.path / (name + ".pem"), c.certificatePem, 0644);
        security::writeFileAtomically(dir.path / (name + "-key.pem"), c.privateKeyPem, 0600);
    };
    writeIdentity(enrol.issue("north"), "north");
    writeIdentity(enrol.issue("south"), "south");
    {
        security::StationCertificateAuthority otherRegistry(certs.ca(), certs.dir / "ca-key.pem", dir.path / "other.registry");
        writeIdentity(otherRegistry.issue("rogue"), "rogue");
    }

    HqService service(config);
    HqServer server(service, config);
    auto reaches = [&](const std::string& station) {
        auto client = station.empty()
                          ? WireClient::connect("127.0.0.1", server.port(), certs.ca())
                          : WireClient::connect("127.0.0.1", server.port(), certs.ca(), {},
                                                dir.path / (station + ".pem"), dir.path / (station + "-key.pem"));
        return client && client->hello();
    };
    CHECK(reaches("north"));
    CHECK(reaches("south"));
    CHECK_FALSE(reaches(""));
    CHECK_FALSE(reaches("rogue"));

    // `vigil-server station revoke north` from another process: the running
    // server reads the changed registry at the next handshake.
    {
        security::StationCertificateAuthority commandLine(certs.ca(), certs.dir / "ca-key.pem", config.stationRegistry());
        REQUIRE(commandLine.revoke("north") == 1);
    }
    CHECK_FALSE(reaches("north"));
    CHECK(reaches("south"));
}
