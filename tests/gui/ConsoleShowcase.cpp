// gui_console_showcase: the real HQ console on a real HqService in a fresh
// data folder, filled the way HQ would fill it - an admin, a station
// account, a pending registration, a wanted person enrolled from a real
// photo by the recognition engine, a sighting reported by the station - so
// that tools/screenshots can drive every screen (VIGIL_UI_SCRIPT).
//
//   gui_console_showcase --data-dir DIR --enrol PHOTO --snapshot PHOTO

#include "server/console/Console.hpp"
#include "gui/ShowcaseHq.hpp"

#include <chrono>
#include <iostream>
#include <string>

namespace {

namespace proto = vigil::protocol;
using namespace vigil::server;
using namespace vigil::test;

}  // namespace

int main(int argc, char** argv) {
    auto args = parseShowcaseArgs(argc, argv);
    if (!args.has("--data-dir") || !args.has("--enrol") || !args.has("--snapshot")) {
        std::cerr << "usage: " << argv[0] << " --data-dir DIR --enrol PHOTO --snapshot PHOTO\n";
        return 2;
    }
    try {
        ServerConfig config;
        config.data_dir = args.values["--data-dir"];
        config.server_name = "Vigil HQ (showcase)";
        ShowcaseHq hq(config);
        HqService& service = *hq.service;
        require(service.addUser(hq.admin, "operator", "Lantern-Quarry-2026!", proto::Role::Operator), "add operator");

        // A field user registering from a station: stays pending until approved.
        const auto challenge = require(service.requestCaptcha(proto::CaptchaPurpose::Register, "10.0.0.9"), "captcha");
        proto::RegisterRequest registration{"station-south", "Copper-Willow-2026!", "South gate", challenge.challenge_id,
                                            kShowcaseCaptchaText};
        require(service.registerAccount(registration, "10.0.0.9"), "register");

        proto::PersonDetails details;
        details.name = "Demo Subject One";
        details.aliases = {"D1", "Test record"};
        details.reason = "Demonstration record enrolled from a public test photo";
        details.danger = proto::DangerLevel::High;
        details.notes = "Not a real case. Shows how a wanted-person record looks.";
        const std::uint64_t person = hq.addPerson(details, args.values["--enrol"]);

        proto::SightingReport report;
        report.report_id = "showcase-sighting-1";
        report.person_id = person;
        report.distance = 0.38f;
        report.observed_at_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                    std::chrono::system_clock::now().time_since_epoch())
                                    .count() -
                                95'000;
        report.location = {true, 52.5251, 13.3694, "Berlin Hauptbahnhof, north entrance"};
        report.snapshot_jpeg = readShowcaseFile(args.values["--snapshot"]);
        require(service.reportSighting(hq.station, report), "report sighting");

        return runConsole(service, config);
    } catch (const std::exception& error) {
        std::cerr << "gui_console_showcase: " << error.what() << "\n";
        return 3;
    }
}
