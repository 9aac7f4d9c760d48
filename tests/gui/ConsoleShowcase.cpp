// gui_console_showcase: the real HQ console on a real HqService in a fresh
// data folder, filled the way HQ would fill it - an admin, a station
// account, a pending registration, a wanted person enrolled from a real
// photo by the recognition engine, a sighting reported by the station - so
// that tools/screenshots can drive every screen (VIGIL_UI_SCRIPT). The
// station is also signed in over TLS on loopback, so the status screen and
// the map show a live session.
//
//   gui_console_showcase --data-dir DIR --enrol PHOTO [--enrol-also PHOTO] --snapshot PHOTO [--other PHOTO]

#include "server/console/Console.hpp"
#include "server/core/HqServer.hpp"
#include "gui/ShowcaseHq.hpp"
#include "protocol/TlsContext.hpp"
#include "support/TestCerts.hpp"
#include "WireClient.hpp"

#include <boost/asio/executor_work_guard.hpp>

#include <chrono>
#include <iostream>
#include <string>
#include <thread>

namespace {

namespace proto = vigil::protocol;
using namespace vigil::server;
using namespace vigil::test;

}  // namespace

int main(int argc, char** argv) {
    auto args = parseShowcaseArgs(argc, argv);
    if (!args.has("--data-dir") || !args.has("--enrol") || !args.has("--snapshot")) {
        std::cerr << "usage: " << argv[0]
                  << " --data-dir DIR --enrol PHOTO [--enrol-also PHOTO] --snapshot PHOTO [--other PHOTO]\n";
        return 2;
    }
    try {
        const std::filesystem::path dir = args.values["--data-dir"];
        const auto certs = makeTestCerts(dir / "certs");
        ServerConfig config;
        config.data_dir = dir / "hq";
        config.server_name = "Vigil HQ (showcase)";
        config.listen_address = "127.0.0.1";
        config.port = 0;
        config.certificate = certs.cert();
        config.private_key = certs.key();
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
        std::vector<std::string> photos{args.values["--enrol"]};
        if (args.has("--enrol-also")) photos.push_back(args.values["--enrol-also"]);
        const std::uint64_t person = hq.addPerson(details, photos);
        // Another wanted person, the runner-up of the second sighting.
        std::uint64_t other = 0;
        if (args.has("--other")) {
            proto::PersonDetails look_alike;
            look_alike.name = "Demo Subject Four";
            look_alike.reason = "Demonstration record";
            look_alike.danger = proto::DangerLevel::Medium;
            other = hq.addPerson(look_alike, {args.values["--other"]});
        }

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
        // A second one, closer to a look-alike's distance, for the review queue to dismiss.
        report.report_id = "showcase-sighting-2";
        report.distance = 0.55f;
        report.runner_up_id = other;
        report.runner_up_distance = other ? 0.62f : 0.0f;
        report.observed_at_ms += 60'000;
        report.location = {true, 52.5206, 13.3862, "Friedrichstrasse station, platform 3"};
        require(service.reportSighting(hq.station, report), "report sighting");

        // The station connected over TLS, as a field station would be.
        HqServer server(service, config);
        boost::asio::io_context io;
        auto work = boost::asio::make_work_guard(io);
        std::thread io_thread([&] { io.run(); });
        auto tls = vigil::protocol::makeClientTlsContext(certs.ca());
        auto station = vigil::wire::WireClient::create(io, tls);
        if (const auto error = station->connect("127.0.0.1", server.port(), "localhost")) throw std::runtime_error(*error);
        if (!station->hello()) throw std::runtime_error("no HelloAck from the showcase server");
        const auto login_captcha = station->call(proto::CaptchaRequest{proto::CaptchaPurpose::Login});
        if (!login_captcha || !std::holds_alternative<proto::CaptchaChallenge>(*login_captcha))
            throw std::runtime_error("no CAPTCHA for the station");
        const auto logged_in = station->call(proto::LoginRequest{
            kShowcaseStation, kShowcaseStationPassword,
            std::get<proto::CaptchaChallenge>(*login_captcha).challenge_id, kShowcaseCaptchaText, ""});
        if (!logged_in || !std::holds_alternative<proto::LoginResponse>(*logged_in))
            throw std::runtime_error("the showcase station cannot sign in");

        const int status = runConsole(service, config);
        station->close();
        server.stop();
        work.reset();
        io.stop();
        io_thread.join();
        return status;
    } catch (const std::exception& error) {
        std::cerr << "gui_console_showcase: " << error.what() << "\n";
        return 3;
    }
}
