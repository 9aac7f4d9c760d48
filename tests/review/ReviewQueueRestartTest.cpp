// The review queue survives `kill -9` of vigil-server (issue 9), and the
// command line works it: `vigil-server review list|confirm|dismiss` on the
// data folder, with a running server pushing the command line's decision to
// its stations.
#include "ChildProcess.hpp"
#include "ServerFixture.hpp"

using namespace vigil;
using namespace vigil::test;

namespace {

// `vigil-server serve` as its own process, so that kill -9 is real.
struct ServeProcess {
    std::unique_ptr<ChildProcess> child;
    std::uint16_t port = 0;

    explicit ServeProcess(const TestServer& s) {
        child = std::make_unique<ChildProcess>(std::vector<std::string>{
            VIGIL_SERVER_BINARY, "serve", "--headless", "--data-dir", s.config.data_dir.string(), "--address",
            "127.0.0.1", "--port", "0", "--cert", s.certs.cert().string(), "--key", s.certs.key().string(),
            "--watch-interval-ms", "50"});
        // Blocks until the server says where it listens: its own signal, no sleep.
        for (std::string line; (line = child->readLine()) != "";) {
            const auto at = line.find("listening on 127.0.0.1:");
            if (at == std::string::npos) continue;
            port = static_cast<std::uint16_t>(std::stoi(line.substr(at + 23)));
            break;
        }
        REQUIRE_MESSAGE(port != 0, "vigil-server did not start");
    }
};

std::pair<int, std::string> review(const TestServer& s, std::vector<std::string> args) {
    std::vector<std::string> argv{VIGIL_SERVER_BINARY, "review"};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.insert(argv.end(), {"--data-dir", s.config.data_dir.string()});
    return runToEnd(argv);
}

std::shared_ptr<wire::WireClient> station(TestServer& s, std::uint16_t port, const std::string& token) {
    auto c = wire::WireClient::create(s.clientIo, s.clientTls);
    const auto error = c->connect("127.0.0.1", port, "localhost");
    REQUIRE_MESSAGE(!error, *error);
    REQUIRE(c->hello());
    const auto login = c->call(p::ResumeSession{token});
    REQUIRE((login && std::holds_alternative<p::LoginResponse>(*login)));
    const auto subscribed = c->call(p::SubscribeAlerts{});
    REQUIRE((subscribed && std::holds_alternative<p::Ok>(*subscribed)));
    return c;
}

}  // namespace

TEST_CASE("pending sightings survive kill -9 of the server, and the command line confirms and dismisses them") {
    TestServer s;
    s.start();
    s.addUser("gate-7", "a station passphrase for tests 1", p::Role::Station);
    const auto person = s.seedPerson("Mallory Queue", p::DangerLevel::High);
    const auto token = s.service->issueSessionToken(kAdmin, "gate-7")->token;
    s.stop();

    std::vector<std::uint64_t> ids;
    {
        ServeProcess server(s);
        auto gate = station(s, server.port, token);
        for (int i = 0; i < 3; ++i) {
            auto report = sightingOf(person, "queue-" + std::to_string(i));
            report.probe.fill(0.2f + 0.01f * static_cast<float>(i));
            const auto ack = gate->call(report);
            REQUIRE((ack && std::holds_alternative<p::SightingAck>(*ack)));
            ids.push_back(std::get<p::SightingAck>(*ack).sighting_id);
        }
        // Acknowledged means stored: kill the server with no chance to flush anything.
        server.child->kill(SIGKILL);
        CHECK(server.child->wait() == 128 + SIGKILL);
    }

    auto [status, out] = review(s, {"list"});
    CHECK(status == 0);
    CHECK(out.find("3 sighting(s) waiting for review") != std::string::npos);
    for (const auto id : ids) CHECK(out.find("\n" + std::to_string(id) + "\t") != std::string::npos);
    CHECK(out.find("Mallory Queue") != std::string::npos);

    std::tie(status, out) = review(s, {"confirm", std::to_string(ids[0])});
    CHECK(status == 0);
    CHECK(out.find("confirmed by cli:") != std::string::npos);
    std::tie(status, out) = review(s, {"confirm", std::to_string(ids[0])});  // harmless twice
    CHECK(status == 0);
    std::tie(status, out) = review(s, {"dismiss", std::to_string(ids[1]), "--reason", "wrong-person", "--note", "cousin"});
    CHECK(status == 0);
    CHECK(out.find("dismissed") != std::string::npos);
    CHECK(out.find("wrong-person") != std::string::npos);
    CHECK(review(s, {"dismiss", std::to_string(ids[2])}).first == 2);                        // no reason
    CHECK(review(s, {"dismiss", std::to_string(ids[2]), "--reason", "bored"}).first == 2);   // not a reason
    CHECK(review(s, {"confirm", "12abc"}).first == 2);
    CHECK(review(s, {"confirm", "999999"}).first == 1);                                      // no such sighting
    CHECK(review(s, {"confirm", std::to_string(ids[1])}).first == 1);                        // decided otherwise

    // With the server running again, a command-line decision reaches the stations.
    ServeProcess server(s);
    auto gate = station(s, server.port, token);
    std::tie(status, out) = review(s, {"confirm", std::to_string(ids[2])});
    CHECK(status == 0);
    const auto pushed = gate->waitPush<p::AlertPush>(20s);
    REQUIRE(pushed);
    CHECK(pushed->sighting.id == ids[2]);
    CHECK(pushed->sighting.review == p::ReviewState::Confirmed);
    CHECK(pushed->sighting.decided_by.rfind("cli:", 0) == 0);
    const auto decided = gate->waitPush<p::SightingDecided>(20s);  // the reporting station is told too
    REQUIRE(decided);
    CHECK(decided->sighting_id == ids[2]);

    std::tie(status, out) = review(s, {"list"});
    CHECK(out.find("0 sighting(s) waiting for review") != std::string::npos);
    const auto [auditStatus, audit] = runToEnd({VIGIL_SERVER_BINARY, "audit", "verify", "--data-dir", s.config.data_dir.string()});
    CHECK(auditStatus == 0);
    gate->close();
    server.child->kill(SIGTERM);
    server.child->wait();
}
