// The whole HQ flow over real TLS with the real recognition model on real
// photos, and vigil-server as a separate process (command line writes seen
// by a running server; kill -9 mid-stream loses no acknowledged sighting).
#include "ChildProcess.hpp"
#include "ServerFixture.hpp"

#include "server/core/DataKey.hpp"
#include "server/core/RecognitionFaceEnroller.hpp"

#include <future>
#include <set>

using namespace vigil::test;

namespace {

const std::string kPassword = "river tiger lamp 42";
const std::filesystem::path kFaces = std::filesystem::path(VIGIL_SHARED_DIR) / "faces" / "dev";

// One engine for the whole run: loading the models takes a while.
std::shared_ptr<srv::FaceEnroller> realEnroller() {
    static std::shared_ptr<srv::FaceEnroller> enroller = [] {
        try {
            return std::shared_ptr<srv::FaceEnroller>(std::make_shared<srv::RecognitionFaceEnroller>());
        } catch (const std::exception& e) {
            FAIL("the recognition model is needed for this test (run tools/fetch-models): " << e.what());
            return std::shared_ptr<srv::FaceEnroller>();
        }
    }();
    return enroller;
}

template <class T>
T as(std::optional<p::Message> m) {
    REQUIRE(m);
    if (const auto* e = std::get_if<p::Error>(&*m)) FAIL("server refused: " << e->text);
    REQUIRE(std::holds_alternative<T>(*m));
    return std::get<T>(std::move(*m));
}

}  // namespace

TEST_CASE("register, approve, log in, sync, enrol, push, delta, sighting, alert to a second station and the console") {
    TestServer s(realEnroller());
    s.start();
    s.addUser("hq-admin", kPassword, p::Role::Admin);
    s.addUser("hq-operator", kPassword, p::Role::Operator);
    s.addUser("station-b", kPassword, p::Role::Station);
    s.seedPerson("Enrolled earlier");  // so the station holds a version > 0 before the change

    // A new field user registers with the CAPTCHA and stays pending.
    auto a = s.connect();
    const auto challenge = s.captcha(*a, p::CaptchaPurpose::Register);
    const auto& registered =
        as<p::RegisterResponse>(a->call(p::RegisterRequest{"station-a", kPassword, "Gate 3", challenge.challenge_id, kCaptchaAnswer}));
    CHECK(registered.status == p::AccountStatus::Pending);
    CHECK(std::get<p::Error>(s.tryLogin(*a, "station-a", kPassword)).code == p::ErrorCode::AccountPending);
    CHECK(std::get<p::Error>(*a->call(p::WatchlistSyncRequest{0})).code == p::ErrorCode::NotAuthenticated);

    // An admin approves it over the wire.
    auto admin = s.loggedIn("hq-admin", kPassword);
    const auto& users = as<p::UserList>(admin->call(p::UserListRequest{}));
    CHECK(std::any_of(users.users.begin(), users.users.end(), [](const p::UserInfo& u) {
        return u.username == "station-a" && u.status == p::AccountStatus::Pending;
    }));
    as<p::Ok>(admin->call(p::UserDecision{"station-a", p::UserAction::Approve, p::Role::Station}));

    // Now it logs in, subscribes and syncs the (empty) watchlist.
    const auto login = s.tryLogin(*a, "station-a", kPassword);
    REQUIRE(std::holds_alternative<p::LoginResponse>(login));
    CHECK(std::get<p::LoginResponse>(login).role == p::Role::Station);
    as<p::Ok>(a->call(p::SubscribeAlerts{}));
    const auto& first = as<p::WatchlistDelta>(a->call(p::WatchlistSyncRequest{0}));
    CHECK(first.full);
    CHECK(first.upserts.size() == 1);
    CHECK(first.model_fingerprint == realEnroller()->modelFingerprint());

    auto b = s.loggedIn("station-b", kPassword);
    as<p::Ok>(b->call(p::SubscribeAlerts{}));

    // The console subscribes in process.
    std::promise<p::Sighting> consoleAlert;
    auto consoleFuture = consoleAlert.get_future();
    bool consoleGotOne = false;
    auto subscription = s.service->subscribe(
        srv::Actor{"console-operator", p::Role::Operator, "console"},
        [&](const std::shared_ptr<const srv::PushEvent>& event) {
            if (event->kind == srv::PushEvent::Kind::Alert && !consoleGotOne) {
                consoleGotOne = true;
                consoleAlert.set_value(std::get<p::AlertPush>(event->message).sighting);
            }
        });
    REQUIRE(subscription);

    // An operator adds a wanted person with two real photos.
    auto op = s.loggedIn("hq-operator", kPassword);
    p::PersonAdd add;
    add.details.name = "Barack O'Bama \"test\"; --";
    add.details.aliases = {"B.O."};
    add.details.reason = "test subject";
    add.details.danger = p::DangerLevel::High;
    add.photos_jpeg = {readFile(kFaces / "obama" / "obama1.jpg"), readFile(kFaces / "obama" / "obama2.jpg")};
    const auto added = as<p::PersonAdded>(op->call(add, 60s));
    CHECK(added.watchlist_version > first.to_version);

    // Station A is told and pulls only the change.
    const auto changed = a->waitPush<p::WatchlistChanged>(10s);
    REQUIRE(changed);
    CHECK(changed->version == added.watchlist_version);
    const auto& delta = as<p::WatchlistDelta>(a->call(p::WatchlistSyncRequest{first.to_version}));
    CHECK_FALSE(delta.full);
    CHECK(delta.to_version == added.watchlist_version);
    REQUIRE(delta.upserts.size() == 1);
    const auto& wanted = delta.upserts[0];
    CHECK(wanted.id == added.person_id);
    CHECK(wanted.details.name == add.details.name);
    REQUIRE(wanted.faces.size() == 2);
    CHECK_FALSE(wanted.thumbnail_jpeg.empty());
    // Two photos of one person: descriptors close together (same model as stations).
    float d2 = 0;
    for (std::size_t i = 0; i < 128; ++i) {
        const float diff = wanted.faces[0].descriptor[i] - wanted.faces[1].descriptor[i];
        d2 += diff * diff;
    }
    CHECK(std::sqrt(d2) < 0.6f);

    // Station A reports a sighting; the console sees it at once, station B
    // once an operator confirmed it (danger high: review first, issue 9).
    auto report = sightingOf(added.person_id, "a-0001");
    const auto& ack = as<p::SightingAck>(a->call(report));
    CHECK_FALSE(ack.duplicate);
    REQUIRE(consoleFuture.wait_for(10s) == std::future_status::ready);
    const auto& decided = as<p::SightingDecided>(op->call(p::ReviewDecision{ack.sighting_id, true, {}, {}}));
    CHECK(decided.decided_by == "hq-operator");
    const auto alertB = b->waitPush<p::AlertPush>(10s);
    REQUIRE(alertB);
    CHECK(alertB->sighting.review == p::ReviewState::Confirmed);
    CHECK(alertB->sighting.id == ack.sighting_id);
    CHECK(alertB->sighting.person_name == add.details.name);
    CHECK(alertB->sighting.danger == p::DangerLevel::High);
    CHECK(alertB->sighting.station == "station-a");
    CHECK(consoleFuture.get().report_id == "a-0001");
    subscription->reset();

    // HQ sees it in the list.
    const auto& list = as<p::SightingList>(op->call(p::SightingListRequest{0, 10}));
    REQUIRE(list.sightings.size() == 1);
    CHECK(list.sightings[0].snapshot_jpeg == report.snapshot_jpeg);
}

TEST_CASE("a photo without a usable face is refused with the engine's sentence") {
    TestServer s(realEnroller());
    s.start();
    p::PersonDetails d;
    d.name = "Nobody";
    // A real image with no face in it: the CAPTCHA renderer's output.
    const auto png = s.captcha(*s.connect(), p::CaptchaPurpose::Login).png;
    const auto refused = s.service->addPerson(kAdmin, d, {png});
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().code == p::ErrorCode::InvalidRequest);
    CHECK(refused.error().text.find("photo 1") != std::string::npos);
    CHECK(s.service->watchlist().persons().empty());
}

TEST_CASE("a person added by vigil-server person add in another process reaches connected stations") {
    TestServer s(realEnroller());
    s.start();
    s.addUser("station-c", kPassword, p::Role::Station);
    auto c = s.loggedIn("station-c", kPassword);
    const auto& before = as<p::WatchlistDelta>(c->call(p::WatchlistSyncRequest{0}));

    const auto [code, output] = runToEnd({VIGIL_SERVER_BINARY, "person", "add", "--data-dir", s.config.data_dir.string(),
                                          "--name", "Kit Harington", "--danger", "high", "--reason", "cli test",
                                          "--photo", (kFaces / "kit_harington" / "kit1.jpg").string()});
    INFO(output);
    REQUIRE(code == 0);
    const auto changed = c->waitPush<p::WatchlistChanged>(10s);
    REQUIRE(changed);
    const auto& delta = as<p::WatchlistDelta>(c->call(p::WatchlistSyncRequest{before.to_version}));
    REQUIRE(delta.upserts.size() == 1);
    CHECK(delta.upserts[0].details.name == "Kit Harington");
    CHECK(delta.upserts[0].details.danger == p::DangerLevel::High);
    CHECK(delta.upserts[0].faces.size() == 1);  // same model fingerprint as the server's
}

TEST_CASE("the command line refuses bad input with exit codes a script can act on") {
    TempDir dir("cli");
    const auto data = (dir.path / "data").string();
    CHECK(runToEnd({VIGIL_SERVER_BINARY, "frobnicate"}).first == 2);
    CHECK(runToEnd({VIGIL_SERVER_BINARY, "user", "list", "--no-such-option"}).first == 2);
    CHECK(runToEnd({VIGIL_SERVER_BINARY, "person", "add", "--data-dir", data, "--name", "X"}).first == 2);
    CHECK(runToEnd({VIGIL_SERVER_BINARY, "person", "add", "--data-dir", data, "--name", "X", "--photo",
                    (dir.path / "missing.jpg").string()})
              .first == 3);
    CHECK(runToEnd({VIGIL_SERVER_BINARY, "user", "approve", "nobody", "--data-dir", data}).first == 1);
    CHECK(runToEnd({VIGIL_SERVER_BINARY, "person", "remove", "12", "--data-dir", data}).first == 1);
    CHECK(runToEnd({VIGIL_SERVER_BINARY, "audit", "verify", "--data-dir", data}).first == 0);
}

TEST_CASE("a server killed mid-stream loses no acknowledged sighting") {
    TempDir dir("kill");
    const auto certs = makeTestCerts(dir.path / "certs");
    srv::ServerConfig config;
    config.data_dir = dir.path / "data";
    config.scrypt_log2n = 10;
    std::string token;
    std::uint64_t person = 0;
    {
        srv::HqService service(config);
        REQUIRE(service.addUser(kAdmin, "station-k", kPassword, p::Role::Station));
        p::PersonDetails d;
        d.name = "Kill Test";
        srv::EnrolledPhoto ph;
        ph.image = {0xFF, 0xD8, 0xFF};
        person = service.watchlist().addPerson(d, {ph}, {}, "test", 0).first;
        token = service.issueSessionToken(kAdmin, "station-k")->token;
    }
    ChildProcess server({VIGIL_SERVER_BINARY, "serve", "--headless", "--data-dir", config.data_dir.string(),
                         "--address", "127.0.0.1", "--port", "0", "--cert", certs.cert().string(), "--key",
                         certs.key().string(), "--messages-per-second", "100000"});
    const auto banner = server.readLine();
    INFO(banner);
    const auto colon = banner.find("127.0.0.1:");
    REQUIRE(colon != std::string::npos);
    const auto port = static_cast<std::uint16_t>(std::stoi(banner.substr(colon + 10)));

    boost::asio::io_context io;
    auto guard = boost::asio::make_work_guard(io);
    std::thread ioThread([&] { io.run(); });
    auto tls = p::makeClientTlsContext(certs.ca());
    {
        auto c = vigil::wire::WireClient::create(io, tls);
        REQUIRE_FALSE(c->connect("127.0.0.1", port, "localhost"));
        REQUIRE(c->hello());
        REQUIRE(std::holds_alternative<p::LoginResponse>(*c->call(p::ResumeSession{token})));
        for (int i = 0; i < 400; ++i) c->send(sightingOf(person, "k-" + std::to_string(i)));
        std::set<std::string> acked;
        while (acked.size() < 60) {
            auto m = c->next(10s);
            REQUIRE(m);
            if (auto* ack = std::get_if<p::SightingAck>(&m->message)) acked.insert(ack->report_id);
        }
        server.kill(SIGKILL);
        CHECK(server.wait() == 128 + SIGKILL);
        // Acks already in flight count too: the server sent them.
        while (auto m = c->next(500ms))
            if (auto* ack = std::get_if<p::SightingAck>(&m->message)) acked.insert(ack->report_id);
        c->close();

        srv::WatchlistStore store(config.watchlistDb(), srv::loadOrCreateDataKey(config));
        CHECK(store.integrityCheck() == "ok");
        for (const auto& id : acked) CHECK_MESSAGE(store.hasSighting(id), "acknowledged but lost: " << id);
        MESSAGE(acked.size() << " acknowledged sightings survived kill -9");
    }
    guard.reset();
    io.stop();
    ioThread.join();
}
