// Match review end to end (issue 9): a real vigil-server core on loopback TLS,
// two real stations (client/core, real recognition on a video made from
// ../shared photos) and an HQ operator's console connection watching alerts.
#include "ReviewStation.hpp"

#include "client/SceneVideo.hpp"
#include "server/core/RecognitionFaceEnroller.hpp"

using namespace vigil;
using namespace vigil::test;
namespace fs = std::filesystem;

namespace {

const fs::path kFaces = fs::path(VIGIL_SHARED_DIR) / "faces" / "dev";

bool haveShared() {
    if (fs::exists(kFaces)) return true;
    MESSAGE("skipped: " << kFaces.string() << " (shared photos) is not present");
    return false;
}

std::shared_ptr<srv::FaceEnroller> realEnroller() {
    try {
        return std::make_shared<srv::RecognitionFaceEnroller>();
    } catch (const std::exception& e) {
        FAIL("the recognition model is needed for this test (run tools/fetch-models): " << e.what());
        return nullptr;
    }
}

std::uint64_t enrol(TestServer& s, const std::string& name, const fs::path& photo, p::DangerLevel danger) {
    p::PersonDetails details;
    details.name = name;
    details.danger = danger;
    auto added = s.service->addPerson(kAdmin, details, {readFile(photo)});
    REQUIRE_MESSAGE(added, added.error().text);
    return added->person_id;
}

// A network client that logs in with an issued token and subscribes to alerts.
std::shared_ptr<wire::WireClient> watcher(TestServer& s, const std::string& account) {
    auto c = s.connect();
    const auto token = s.service->issueSessionToken(kAdmin, account);
    REQUIRE(token);
    const auto login = c->call(p::ResumeSession{token->token});
    REQUIRE((login && std::holds_alternative<p::LoginResponse>(*login)));
    const auto subscribed = c->call(p::SubscribeAlerts{});
    REQUIRE((subscribed && std::holds_alternative<p::Ok>(*subscribed)));
    return c;
}

bool hasEvent(const client::StationSnapshot& s, const std::string& text) {
    return std::any_of(s.events.begin(), s.events.end(),
                       [&](const std::string& e) { return e.find(text) != std::string::npos; });
}

}  // namespace

TEST_CASE("a sighting reaches the other station only after an operator confirms it; a dismissal withdraws the reporter's alert; stations and viewers cannot decide") {
    if (!haveShared()) return;
    TestServer s(realEnroller());
    s.start();
    for (const auto& name : {"station-a", "station-b"}) s.addUser(name, "a station passphrase for tests 1", p::Role::Station);
    s.addUser("olga", "an operator passphrase for tests 1", p::Role::Operator);
    s.addUser("vera", "a viewer passphrase for tests 1", p::Role::Viewer);
    const auto obama = enrol(s, "Barack Obama", kFaces / "obama" / "obama1.jpg", p::DangerLevel::High);
    const auto biden = enrol(s, "Joe Biden", kFaces / "biden" / "biden1.jpg", p::DangerLevel::Medium);

    // Station A sees both wanted persons (two alerts, other photos than the
    // enrolled ones); station B sees nothing itself.
    const fs::path video = s.dir.path / "gate-a.avi";
    writeSceneVideo(video, {{kFaces / "obama" / "obama2.jpg", 2.0}, {fs::path(), 1.0}, {kFaces / "biden" / "biden2.jpg", 2.0}},
                    15.0);
    ReviewStation a(s, "station-a", s.dir.path / "a", video);
    ReviewStation b(s, "station-b", s.dir.path / "b");
    auto console = watcher(s, "olga");

    a.watchVideo();
    REQUIRE(a.waitAlerts([](const auto& alerts) { return alerts.size() == 2; }));
    for (const auto& alert : a.core->snapshot().alerts) {
        CHECK((alert.personId == obama || alert.personId == biden));
        CHECK(alert.review == client::AlertReview::Unconfirmed);
        CHECK(client::reviewLine(alert) == "unconfirmed");
    }

    // The console sees both at once, pending, with the runner-up.
    std::vector<p::Sighting> pending;
    for (int i = 0; i < 2; ++i) {
        const auto push = console->waitPush<p::AlertPush>(20s);
        REQUIRE(push);
        pending.push_back(push->sighting);
    }
    // pending[0]: Obama's, pending[1]: Biden's; each other's runner-up.
    if (pending[0].person_id != obama) std::swap(pending[0], pending[1]);
    REQUIRE(pending[0].person_id == obama);
    REQUIRE(pending[1].person_id == biden);
    CHECK(pending[0].runner_up_name == "Joe Biden");
    CHECK(pending[1].runner_up_name == "Barack Obama");
    for (const auto& sighting : pending) {
        CHECK(sighting.review == p::ReviewState::Pending);
        CHECK(sighting.station == "station-a");
        CHECK(sighting.runner_up_distance > sighting.distance);
        CHECK(sighting.snapshot_jpeg.size() > 1000);
    }
    // Station B heard nothing: the sightings were only shown to HQ staff.
    CHECK(b.core->snapshot().alerts.empty());

    // A station account and a viewer cannot confirm or dismiss: refused and audited.
    for (const auto& account : {"station-b", "vera"}) {
        auto intruder = watcher(s, account);
        const auto confirm = intruder->call(p::ReviewDecision{pending[0].id, true, {}, {}});
        REQUIRE((confirm && std::holds_alternative<p::Error>(*confirm)));
        CHECK(std::get<p::Error>(*confirm).code == p::ErrorCode::Forbidden);
        const auto dismiss = intruder->call(p::ReviewDecision{pending[0].id, false, p::DismissReason::WrongPerson, {}});
        REQUIRE((dismiss && std::holds_alternative<p::Error>(*dismiss)));
        CHECK(std::get<p::Error>(*dismiss).code == p::ErrorCode::Forbidden);
        const auto list = intruder->call(p::ReviewListRequest{});
        REQUIRE((list && std::holds_alternative<p::Error>(*list)));
        CHECK(std::get<p::Error>(*list).code == p::ErrorCode::Forbidden);
    }
    const auto audit = s.service->listAudit(kAdmin, 0, 1000);
    REQUIRE(audit);
    std::size_t refusals = 0;
    for (const auto& e : *audit)
        if (e.action == "forbidden" && (e.actor == "station-b" || e.actor == "vera") && e.address == "127.0.0.1") ++refusals;
    CHECK(refusals == 6);
    const auto queue = console->call(p::ReviewListRequest{});
    REQUIRE((queue && std::holds_alternative<p::SightingList>(*queue)));
    CHECK(std::get<p::SightingList>(*queue).sightings.size() == 2);  // nothing was decided

    // The operator confirms the first: both stations and the console get it, confirmed by olga.
    const auto confirmed = console->call(p::ReviewDecision{pending[0].id, true, {}, {}});
    REQUIRE((confirmed && std::holds_alternative<p::SightingDecided>(*confirmed)));
    CHECK(std::get<p::SightingDecided>(*confirmed).decided_by == "olga");
    const auto consoleConfirmed = console->waitPush<p::AlertPush>(20s);
    REQUIRE(consoleConfirmed);
    CHECK(consoleConfirmed->sighting.id == pending[0].id);
    CHECK(consoleConfirmed->sighting.review == p::ReviewState::Confirmed);
    CHECK(consoleConfirmed->sighting.decided_by == "olga");
    CHECK(a.waitAlerts([&](const auto& alerts) {
        return std::any_of(alerts.begin(), alerts.end(), [&](const client::StationAlert& x) {
            return x.reportId == pending[0].report_id && x.review == client::AlertReview::Confirmed &&
                   x.decidedBy == "olga" && x.sightingId == pending[0].id;
        });
    }));
    REQUIRE(b.waitAlerts([](const auto& alerts) { return alerts.size() == 1; }));
    const auto atB = b.core->snapshot().alerts.front();
    CHECK(atB.fromHq);
    CHECK(atB.station == "station-a");
    CHECK(atB.personId == obama);
    CHECK(atB.name == "Barack Obama");
    CHECK(atB.review == client::AlertReview::Confirmed);
    CHECK(client::reviewLine(atB) == "confirmed by olga");
    CHECK(!atB.snapshotJpeg.empty());
    CHECK(!atB.thumbnailJpeg.empty());  // from B's own watchlist

    // The operator dismisses Biden's as a poor image: station A withdraws it.
    const auto dismissed =
        console->call(p::ReviewDecision{pending[1].id, false, p::DismissReason::PoorImage, "too blurred"});
    REQUIRE((dismissed && std::holds_alternative<p::SightingDecided>(*dismissed)));
    CHECK(a.waitAlerts([&](const auto& alerts) {
        return std::any_of(alerts.begin(), alerts.end(), [&](const client::StationAlert& x) {
            return x.reportId == pending[1].report_id && x.review == client::AlertReview::Withdrawn &&
                   x.withdrawnReason == p::DismissReason::PoorImage && client::reviewLine(x) ==
                   "withdrawn by olga: poor image (too blurred)";
        });
    }));
    // Confirming again is harmless: the same answer, nothing pushed twice.
    const auto again = console->call(p::ReviewDecision{pending[0].id, true, {}, {}});
    REQUIRE((again && std::holds_alternative<p::SightingDecided>(*again)));
    CHECK(std::get<p::SightingDecided>(*again).decided_at_ms ==
          std::get<p::SightingDecided>(*confirmed).decided_at_ms);

    // A round trip on B's own connection orders everything pushed before it:
    // B never heard of the unconfirmed or the dismissed sighting.
    auto bProbe = watcher(s, "station-b");
    CHECK(std::holds_alternative<p::Pong>(*bProbe->call(p::Ping{1})));
    const auto finalB = b.core->snapshot();
    CHECK(finalB.alerts.size() == 1);
    CHECK(!hasEvent(finalB, "unconfirmed"));
    CHECK(!hasEvent(finalB, "withdrew"));
    CHECK(s.service->listPendingSightings(kAdmin)->empty());
    CHECK(!s.service->verifyAudit(kAdmin)->has_value());
}
