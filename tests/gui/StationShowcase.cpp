// gui_station_showcase: the real station window on a real StationCore,
// connected over TLS on loopback to a real HQ server in a fresh folder, with
// a wanted person enrolled from a real photo and a real video clip as the
// camera - so the alert tools/screenshots captures is one the pipeline
// raised itself.
//
//   gui_station_showcase --data-dir DIR --enrol PHOTO --video CLIP [--fresh]
//
// By default the station was provisioned earlier (an admin issued it a
// session token), so it signs in by itself and matches the clip from its
// first frames. --fresh starts it without a token: the sign-in and
// registration screens, with HQ's CAPTCHA (a known text source, as in
// every test of the server).
//
// Two script actions stand for an HQ operator (match review): `hq-confirm`
// confirms and `hq-dismiss` dismisses (wrong person) every sighting waiting
// for review, through the same HqService calls the console makes.

#include "client/core/StationCore.hpp"
#include "client/gui/StationApp.hpp"
#include "server/core/HqServer.hpp"
#include "gui/ShowcaseHq.hpp"
#include "support/TestCerts.hpp"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

namespace {

namespace proto = vigil::protocol;
using namespace vigil::server;
using namespace vigil::test;

}  // namespace

int main(int argc, char** argv) {
    auto args = parseShowcaseArgs(argc, argv);
    const bool fresh = args.flags.contains("--fresh");
    if (!args.has("--data-dir") || !args.has("--enrol") || !args.has("--video")) {
        std::cerr << "usage: " << argv[0] << " --data-dir DIR --enrol PHOTO --video CLIP [--fresh]\n";
        return 2;
    }
    try {
        const std::filesystem::path dir = args.values["--data-dir"];
        std::filesystem::create_directories(dir / "station");
        const auto certs = vigil::test::makeTestCerts(dir / "certs");

        ServerConfig server_config;
        server_config.data_dir = dir / "hq";
        server_config.listen_address = "127.0.0.1";
        server_config.port = 0;
        server_config.certificate = certs.cert();
        server_config.private_key = certs.key();
        server_config.server_name = "Vigil HQ (showcase)";
        ShowcaseHq hq(server_config);
        HqService& service = *hq.service;
        const Actor& admin = hq.admin;
        proto::PersonDetails details;
        details.name = "Demo Subject Two";
        details.aliases = {"D2"};
        details.reason = "Demonstration record enrolled from a public test photo";
        details.danger = proto::DangerLevel::Extreme;
        details.notes = "Not a real case.";
        hq.addPerson(details, {args.values["--enrol"]});
        HqServer server(service, server_config);

        vigil::client::StationConfig config;
        config.serverHost = "localhost";
        config.serverPort = server.port();
        config.caFile = certs.ca();
        config.username = kShowcaseStation;
        config.dataDir = dir / "station";
        config.keyFile = dir / "station" / "at-rest.key";
        config.source = args.values["--video"];
        config.realtime = true;
        config.speech = "off";
        config.address = "Berlin Hauptbahnhof, north entrance";
        config.latitude = 52.5251;
        config.longitude = 13.3694;
        config.nominatimUrl = "http://127.0.0.1:9";  // never asked: the coordinates are given
        config.configFile = dir / "station" / "station.conf";  // where the settings screen saves
        if (!fresh) {
            // Provisioned earlier: a token issued by an admin, kept like the
            // station keeps its own (owner-only file).
            const auto issued = require(service.issueSessionToken(admin, kShowcaseStation), "issue token");
            config.sessionTokenFile = dir / "station" / "session.token";
            std::ofstream(config.sessionTokenFile) << issued.token << "\n";
            ::chmod(config.sessionTokenFile.c_str(), 0600);
        }
        vigil::client::StationCore core(config);
        require(service.addUser(admin, "duty-officer", "Lantern-Quarry-2026!", proto::Role::Operator), "add operator");
        const Actor reviewer{"duty-officer", proto::Role::Operator, "showcase"};
        vigil::client::StationAppExtras extras;
        extras.script_actions = [&](std::string_view action) {
            if (action != "hq-confirm" && action != "hq-dismiss") return false;
            const auto pending = service.listPendingSightings(reviewer);
            if (!pending.ok() || pending->empty()) return false;
            for (const auto& sighting : *pending) {
                const auto decided = action == "hq-confirm"
                                         ? service.confirmSighting(reviewer, sighting.id)
                                         : service.dismissSighting(reviewer, sighting.id, proto::DismissReason::WrongPerson,
                                                                   "a look-alike: different ears");
                if (!decided.ok()) return false;
            }
            return true;
        };
        const int status = runStationApp(core, config, std::move(extras));
        server.stop();
        return status;
    } catch (const std::exception& error) {
        std::cerr << "gui_station_showcase: " << error.what() << "\n";
        return 3;
    }
}
