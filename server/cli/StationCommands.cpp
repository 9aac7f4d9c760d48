// vigil-server station enroll|revoke|list: client certificates for field
// stations (issue 7), signed by the HQ CA in <data-dir>/certs, recorded in
// <data-dir>/stations.registry. A running server with
// --require-station-certificates re-reads the registry at the next handshake,
// so a revocation takes effect without a restart.
#include "server/cli/Commands.hpp"

#include "server/core/Clock.hpp"
#include "server/security/AtomicFile.hpp"
#include "server/security/StationCertificateAuthority.hpp"

#include <boost/program_options.hpp>

#include <iostream>

namespace po = boost::program_options;

namespace vigil::server::cli {

int station(const Args& args) {
    ServerConfig config;
    std::filesystem::path out;
    int days = 365;
    po::options_description extra("station");
    extra.add_options()("out", po::value(&out), "folder for NAME.pem and NAME-key.pem (default: current folder)")(
        "days", po::value(&days)->default_value(days), "validity of the certificate");
    po::variables_map vm;
    const auto positional = parseServerConfig(args, config, extra, vm);
    const bool named = positional.size() == 2 && (positional[0] == "enroll" || positional[0] == "revoke");
    if (!named && !(positional.size() == 1 && positional[0] == "list")) {
        std::cerr << "usage: vigil-server station enroll NAME [--out DIR] [--days N] | revoke NAME | list [--data-dir DIR]\n";
        return kUsage;
    }
    security::StationCertificateAuthority authority(config.stationCaDir() / "ca.pem", config.stationCaDir() / "ca-key.pem",
                                                    config.stationRegistry());
    if (positional[0] == "list") {
        for (const auto& e : authority.entries())
            std::cout << e.stationName << "\t" << e.serialHex << "\t"
                      << (e.status == security::StationCertStatus::Active ? "active" : "revoked") << "\t"
                      << formatTime(e.issuedAt) << "\n";
        return kOk;
    }
    const std::string& name = positional[1];
    HqService service(config);  // for the audit log
    const Actor admin = localAdmin();
    if (positional[0] == "revoke") {
        // A running server refuses the next handshake at once and ends the
        // station's live sessions within --session-check-ms.
        auto revoked = service.revokeStation(admin, name);
        if (!revoked) return refused(revoked.error());
        std::cout << "vigil-server: revoked the certificate of station '" << name << "'\n";
        return kOk;
    }
    if (!security::StationCertificateAuthority::validStationName(name)) {
        std::cerr << "vigil-server: a station name is 1-64 letters, digits, '.', '_' or '-'\n";
        return kUsage;
    }
    const auto issued = authority.issue(name, days);
    const auto dir = out.empty() ? std::filesystem::current_path() : out;
    std::filesystem::create_directories(dir);
    security::writeFileAtomically(dir / (name + ".pem"), issued.certificatePem, 0644);
    security::writeFileAtomically(dir / (name + "-key.pem"), issued.privateKeyPem, 0600);
    service.watchlist().appendAudit(
        {systemNowMs(), admin.username, admin.address, "station.enroll", name, "serial " + issued.serialHex});
    std::cout << "vigil-server: station '" << name << "' enrolled (serial " << issued.serialHex << "); give it\n  "
              << (dir / (name + ".pem")).string() << " and " << (dir / (name + "-key.pem")).string()
              << " (private key, mode 0600; HQ keeps no copy)\n";
    return kOk;
}

}  // namespace vigil::server::cli
