// gui_console_showcase: the real HQ console on a real HqService in a fresh
// data folder, filled the way HQ would fill it - an admin, a station
// account, a pending registration, a wanted person enrolled from a real
// photo by the recognition engine, a sighting reported by the station - so
// that tools/screenshots can drive every screen (VIGIL_UI_SCRIPT).
//
// The only test-specific part is the CAPTCHA text source, which HqService
// takes as a dependency precisely so that tests know the answer without a
// back door in the shipped binary.
//
//   gui_console_showcase --data-dir DIR --enrol PHOTO --snapshot PHOTO

#include "server/console/Console.hpp"
#include "server/core/HqService.hpp"
#include "gui/ShowcaseEnroller.hpp"

#include <chrono>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <string>

namespace {

namespace proto = vigil::protocol;
using namespace vigil::server;

constexpr const char* kCaptchaText = "K3YW4T";  // what tools/screenshots types in
constexpr const char* kAdminPassword = "Kestrel-Harbour-2026!";

class KnownCaptchaText : public CaptchaTextSource {
public:
    std::string next() override { return kCaptchaText; }
};

proto::Bytes readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

template <class R>
auto require(R result, const char* what) {
    if (!result.ok())
        throw std::runtime_error(std::string(what) + ": " + std::string(proto::errorSentence(result.error().code)) +
                                 " (" + result.error().text + ")");
    return std::move(*result);
}

}  // namespace

int main(int argc, char** argv) {
    std::map<std::string, std::string> options;
    for (int i = 1; i + 1 < argc; i += 2) options[argv[i]] = argv[i + 1];
    if (!options.contains("--data-dir") || !options.contains("--enrol") || !options.contains("--snapshot")) {
        std::cerr << "usage: " << argv[0] << " --data-dir DIR --enrol PHOTO --snapshot PHOTO\n";
        return 2;
    }
    try {
        ServerConfig config;
        config.data_dir = options["--data-dir"];
        config.server_name = "Vigil HQ (showcase)";
        HqDependencies deps;
        deps.captcha_text = std::make_unique<KnownCaptchaText>();
        deps.enroller = vigil::test::makeShowcaseEnroller();
        HqService service(config, std::move(deps));

        require(service.bootstrapAdmin("admin", kAdminPassword), "bootstrap admin");
        const Actor admin{"admin", proto::Role::Admin, "showcase"};
        require(service.addUser(admin, "station-north", "Granite-Meadow-2026!", proto::Role::Station), "add station");
        require(service.addUser(admin, "operator", "Lantern-Quarry-2026!", proto::Role::Operator), "add operator");

        // A field user registering from a station: stays pending until approved.
        const auto challenge = require(service.requestCaptcha(proto::CaptchaPurpose::Register, "10.0.0.9"), "captcha");
        proto::RegisterRequest registration{"station-south", "Copper-Willow-2026!", "South gate", challenge.challenge_id,
                                            kCaptchaText};
        require(service.registerAccount(registration, "10.0.0.9"), "register");

        proto::PersonDetails details;
        details.name = "Demo Subject One";
        details.aliases = {"D1", "Test record"};
        details.reason = "Demonstration record enrolled from a public test photo";
        details.danger = proto::DangerLevel::High;
        details.notes = "Not a real case. Shows how a wanted-person record looks.";
        const auto added = require(service.addPerson(admin, details, {readFile(options["--enrol"])}), "add person");

        const Actor station{"station-north", proto::Role::Station, "10.0.0.7"};
        proto::SightingReport report;
        report.report_id = "showcase-sighting-1";
        report.person_id = added.person_id;
        report.distance = 0.38f;
        report.observed_at_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                    std::chrono::system_clock::now().time_since_epoch())
                                    .count() -
                                95'000;
        report.location = {true, 52.5251, 13.3694, "Berlin Hauptbahnhof, north entrance"};
        report.snapshot_jpeg = readFile(options["--snapshot"]);
        require(service.reportSighting(station, report), "report sighting");

        return runConsole(service, config);
    } catch (const std::exception& error) {
        std::cerr << "gui_console_showcase: " << error.what() << "\n";
        return 3;
    }
}
