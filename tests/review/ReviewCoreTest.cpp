// Match review (issue 9) in the server core, on real SQLite files: the
// sighting lifecycle, its audit entries, the role checks, "not this person"
// negatives (sealed, synced, removed with their person) and the push policy.
#include "server/core/HqService.hpp"
#include "support/TestCerts.hpp"

#include <doctest/doctest.h>

#include <sqlite3.h>

#include <mutex>

using namespace vigil::server;
namespace p = vigil::protocol;
using vigil::test::TempDir;

namespace {

const Actor kAdmin{"boss", p::Role::Admin, "test"};
const Actor kOperator{"olga", p::Role::Operator, "10.0.0.2"};
const Actor kStation{"gate-3", p::Role::Station, "10.0.0.9"};
const Actor kViewer{"vera", p::Role::Viewer, "10.0.0.7"};

// A fixed model fingerprint; enrolment itself is not what these tests are about.
class FixedEnroller : public FaceEnroller {
public:
    EnrolmentVerdict enrol(std::span<const std::uint8_t>) override { return {true, {}, {}, 1.0f}; }
    std::string modelFingerprint() const override { return "test-model"; }
};

// Everything the hub publishes, as an in-process console sees it.
struct Recorder {
    std::mutex mutex;
    std::vector<std::shared_ptr<const PushEvent>> events;
    AlertHub::Subscription subscription;
    explicit Recorder(AlertHub& hub) {
        subscription = hub.subscribe([this](const std::shared_ptr<const PushEvent>& e) {
            std::lock_guard lock(mutex);
            events.push_back(e);
        });
    }
    std::vector<std::shared_ptr<const PushEvent>> of(PushEvent::Kind kind) {
        std::lock_guard lock(mutex);
        std::vector<std::shared_ptr<const PushEvent>> out;
        for (const auto& e : events)
            if (e->kind == kind) out.push_back(e);
        return out;
    }
};

struct Hq {
    TempDir dir{"review-core"};
    ServerConfig config;
    std::unique_ptr<HqService> service;

    Hq() {
        config.data_dir = dir.path / "data";
        config.scrypt_log2n = 10;
        open();
    }
    void open() {
        HqDependencies deps;
        deps.enroller = std::make_unique<FixedEnroller>();
        service = std::make_unique<HqService>(config, std::move(deps));
    }
    std::uint64_t person(const std::string& name, p::DangerLevel danger, float value) {
        p::PersonDetails d;
        d.name = name;
        d.danger = danger;
        EnrolledPhoto photo;
        photo.image = {0xFF, 0xD8, 0xFF};
        photo.descriptor.fill(value);
        photo.model_fingerprint = "test-model";
        return service->watchlist().addPerson(d, {photo}, {0xFF, 0xD8}, "test", 0).first;
    }
    std::uint64_t report(std::uint64_t personId, const std::string& reportId, float probeValue = 0.3f) {
        p::SightingReport r;
        r.report_id = reportId;
        r.person_id = personId;
        r.distance = 0.45f;
        r.observed_at_ms = 1'700'000'000'000;
        r.location.place = "Gate 3";
        r.snapshot_jpeg = {0xFF, 0xD8, 0xFF, 0xE0, 7};
        r.probe.fill(probeValue);
        auto ack = service->reportSighting(kStation, r, 77);
        REQUIRE_MESSAGE(ack, ack.error().text);
        return ack->sighting_id;
    }
    std::vector<p::AuditEntry> auditWith(const std::string& action) {
        std::vector<p::AuditEntry> out;
        const auto all = service->listAudit(kAdmin, 0, 1000);
        REQUIRE(all);
        for (const auto& e : *all)
            if (e.action == action) out.push_back(e);
        return out;
    }
};

}  // namespace

TEST_CASE("a reported sighting waits in the review queue with its runner-up, and a restart keeps the queue") {
    Hq hq;
    const auto wanted = hq.person("Mallory", p::DangerLevel::High, 0.1f);
    const auto other = hq.person("Trudy", p::DangerLevel::Low, 0.2f);
    p::SightingReport r;
    r.report_id = "r-1";
    r.person_id = wanted;
    r.distance = 0.41f;
    r.runner_up_id = other;
    r.runner_up_distance = 0.58f;
    r.snapshot_jpeg = {0xFF, 0xD8, 0xFF, 0xE0, 1};
    REQUIRE(hq.service->reportSighting(kStation, r));

    hq.service.reset();
    hq.open();
    const auto pending = hq.service->listPendingSightings(kOperator);
    REQUIRE(pending);
    REQUIRE(pending->size() == 1);
    const auto& s = pending->front();
    CHECK(s.review == p::ReviewState::Pending);
    CHECK(s.person_name == "Mallory");
    CHECK(s.runner_up_id == other);
    CHECK(s.runner_up_name == "Trudy");
    CHECK(s.runner_up_distance == doctest::Approx(0.58f));
    CHECK(s.snapshot_jpeg == r.snapshot_jpeg);
    CHECK(s.decided_by.empty());
}

TEST_CASE("confirming a sighting records who and when, audits it, pushes it to everyone, and a second confirmation is harmless") {
    Hq hq;
    const auto wanted = hq.person("Mallory", p::DangerLevel::High, 0.1f);
    Recorder console(hq.service->hub());
    const auto id = hq.report(wanted, "r-1");
    // Below the push-at-once levels only HQ staff hear of a new sighting.
    REQUIRE(console.of(PushEvent::Kind::Alert).size() == 1);
    CHECK(console.of(PushEvent::Kind::Alert)[0]->audience == PushEvent::Audience::Staff);

    const auto first = hq.service->confirmSighting(kOperator, id);
    REQUIRE_MESSAGE(first, first.error().text);
    CHECK(first->decision == p::ReviewState::Confirmed);
    CHECK(first->decided_by == "olga");
    CHECK(first->report_id == "r-1");
    CHECK(first->station == "gate-3");
    CHECK(first->decided_at_ms > 0);

    const auto alerts = console.of(PushEvent::Kind::Alert);
    REQUIRE(alerts.size() == 2);
    CHECK(alerts[1]->audience == PushEvent::Audience::Everyone);
    const auto& pushed = std::get<p::AlertPush>(alerts[1]->message).sighting;
    CHECK(pushed.review == p::ReviewState::Confirmed);
    CHECK(pushed.decided_by == "olga");
    CHECK(!pushed.snapshot_jpeg.empty());
    const auto decisions = console.of(PushEvent::Kind::Decision);
    REQUIRE(decisions.size() == 1);
    CHECK(decisions[0]->account == "gate-3");

    const auto again = hq.service->confirmSighting(kAdmin, id);
    REQUIRE(again);
    CHECK(again->decided_by == "olga");  // the same answer, not a new decision
    CHECK(again->decided_at_ms == first->decided_at_ms);
    CHECK(console.of(PushEvent::Kind::Alert).size() == 2);
    CHECK(hq.auditWith("sighting.confirm").size() == 1);
    CHECK(hq.service->listPendingSightings(kOperator)->empty());
    CHECK(!hq.service->verifyAudit(kAdmin)->has_value());
}

TEST_CASE("a decided sighting cannot be decided the other way, and a dismissal needs a reason") {
    Hq hq;
    const auto wanted = hq.person("Mallory", p::DangerLevel::Medium, 0.1f);
    const auto id = hq.report(wanted, "r-1");
    const auto noReason = hq.service->dismissSighting(kOperator, id, p::DismissReason::None);
    REQUIRE(!noReason);
    CHECK(noReason.error().code == p::ErrorCode::InvalidRequest);
    const auto longNote = hq.service->dismissSighting(kOperator, id, p::DismissReason::Other, std::string(501, 'x'));
    REQUIRE(!longNote);
    CHECK(longNote.error().code == p::ErrorCode::InvalidRequest);

    REQUIRE(hq.service->dismissSighting(kOperator, id, p::DismissReason::PoorImage, "too dark"));
    const auto confirm = hq.service->confirmSighting(kAdmin, id);
    REQUIRE(!confirm);
    CHECK(confirm.error().code == p::ErrorCode::InvalidRequest);
    CHECK(confirm.error().text.find("dismissed by olga") != std::string::npos);
    const auto missing = hq.service->confirmSighting(kOperator, 9999);
    REQUIRE(!missing);
    CHECK(missing.error().code == p::ErrorCode::NotFound);
    const auto stored = hq.service->listSightings(kAdmin, 0, 10);
    REQUIRE(stored->size() == 1);
    CHECK(stored->front().review == p::ReviewState::Dismissed);
    CHECK(stored->front().dismiss_reason == p::DismissReason::PoorImage);
    CHECK(stored->front().review_note == "too dark");
}

TEST_CASE("deciding on a sighting whose person was removed gets a clear error") {
    Hq hq;
    const auto wanted = hq.person("Mallory", p::DangerLevel::High, 0.1f);
    const auto id = hq.report(wanted, "r-1");
    REQUIRE(hq.service->removePerson(kOperator, wanted));
    for (const auto& result : {hq.service->confirmSighting(kOperator, id),
                               hq.service->dismissSighting(kOperator, id, p::DismissReason::WrongPerson)}) {
        REQUIRE(!result);
        CHECK(result.error().code == p::ErrorCode::NotFound);
        CHECK(result.error().text.find("removed from the watchlist") != std::string::npos);
    }
    CHECK(hq.auditWith("sighting.review.refused").size() == 2);
}

TEST_CASE("station and viewer accounts cannot see the queue or decide, and every refusal is audited") {
    Hq hq;
    const auto wanted = hq.person("Mallory", p::DangerLevel::High, 0.1f);
    const auto id = hq.report(wanted, "r-1");
    for (const auto& actor : {kStation, kViewer}) {
        CAPTURE(actor.username);
        const auto confirm = hq.service->confirmSighting(actor, id);
        REQUIRE(!confirm);
        CHECK(confirm.error().code == p::ErrorCode::Forbidden);
        const auto dismiss = hq.service->dismissSighting(actor, id, p::DismissReason::WrongPerson);
        REQUIRE(!dismiss);
        CHECK(dismiss.error().code == p::ErrorCode::Forbidden);
        CHECK(!hq.service->listPendingSightings(actor));
    }
    const auto refusals = hq.auditWith("forbidden");
    REQUIRE(refusals.size() == 6);
    CHECK(refusals[0].actor == "gate-3");
    CHECK(refusals[0].target == "sighting " + std::to_string(id));
    CHECK(refusals[3].actor == "vera");
    CHECK(hq.service->listPendingSightings(kOperator)->size() == 1);  // nothing was decided
}

TEST_CASE("a wrong-person dismissal keeps the face as a sealed negative that syncs with the watchlist and goes with its person") {
    Hq hq;
    const auto wanted = hq.person("Mallory", p::DangerLevel::High, 0.1f);
    const auto versionBefore = hq.service->watchlistVersion();
    Recorder console(hq.service->hub());
    const auto id = hq.report(wanted, "r-1", 0.25f);
    const auto decided = hq.service->dismissSighting(kOperator, id, p::DismissReason::WrongPerson, "his brother");
    REQUIRE(decided);
    CHECK(decided->reason == p::DismissReason::WrongPerson);
    CHECK(hq.service->watchlistVersion() == versionBefore + 1);
    REQUIRE(console.of(PushEvent::Kind::WatchlistChanged).size() == 1);
    const auto audit = hq.auditWith("sighting.dismiss");
    REQUIRE(audit.size() == 1);
    CHECK(audit[0].detail.find("wrong-person") != std::string::npos);
    CHECK(audit[0].detail.find("negative") != std::string::npos);

    const auto delta = hq.service->syncWatchlist(kStation, versionBefore);
    REQUIRE(delta);
    REQUIRE(delta->front().upserts.size() == 1);
    const auto& person = delta->front().upserts.front();
    CHECK(person.id == wanted);
    REQUIRE(person.negatives.size() == 1);
    CHECK(person.negatives[0][0] == doctest::Approx(0.25f));
    CHECK(person.negatives[0][127] == doctest::Approx(0.25f));

    // At rest the descriptor is sealed: the plain floats are nowhere in the row.
    const auto file = hq.config.watchlistDb();
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, "SELECT descriptor FROM person_negatives", -1, &st, nullptr) == SQLITE_OK);
    REQUIRE(sqlite3_step(st) == SQLITE_ROW);
    const auto* blob = static_cast<const std::uint8_t*>(sqlite3_column_blob(st, 0));
    const std::vector<std::uint8_t> sealed(blob, blob + sqlite3_column_bytes(st, 0));
    sqlite3_finalize(st);
    sqlite3_close(db);
    float plain = 0.25f;
    std::vector<std::uint8_t> needle(4);
    std::memcpy(needle.data(), &plain, 4);
    needle.insert(needle.end(), needle.begin(), needle.end());  // two floats in a row
    CHECK(std::search(sealed.begin(), sealed.end(), needle.begin(), needle.end()) == sealed.end());

    // Removing the person removes its negatives (ON DELETE CASCADE).
    REQUIRE(hq.service->removePerson(kOperator, wanted));
    console.subscription.reset();
    hq.service.reset();
    REQUIRE(sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
    REQUIRE(sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM person_negatives", -1, &st, nullptr) == SQLITE_OK);
    REQUIRE(sqlite3_step(st) == SQLITE_ROW);
    CHECK(sqlite3_column_int(st, 0) == 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
}

TEST_CASE("other dismissal reasons keep no negative and leave the watchlist alone") {
    Hq hq;
    const auto wanted = hq.person("Mallory", p::DangerLevel::High, 0.1f);
    const auto version = hq.service->watchlistVersion();
    for (auto reason : {p::DismissReason::PoorImage, p::DismissReason::Duplicate, p::DismissReason::Other}) {
        const auto id = hq.report(wanted, "r-" + std::string(p::describe(reason)));
        REQUIRE(hq.service->dismissSighting(kOperator, id, reason));
    }
    CHECK(hq.service->watchlistVersion() == version);
    CHECK(hq.service->showPerson(kOperator, wanted)->negatives.empty());
}

TEST_CASE("the push policy: a danger level pushed at once reaches everyone unconfirmed, the others only HQ staff") {
    Hq hq;
    CHECK(hq.config.pushesAtOnce(p::DangerLevel::Extreme));
    CHECK(!hq.config.pushesAtOnce(p::DangerLevel::High));
    const auto extreme = hq.person("Carlos", p::DangerLevel::Extreme, 0.1f);
    const auto low = hq.person("Eve", p::DangerLevel::Low, 0.2f);
    Recorder console(hq.service->hub());
    hq.report(extreme, "r-1");
    hq.report(low, "r-2");
    const auto alerts = console.of(PushEvent::Kind::Alert);
    REQUIRE(alerts.size() == 2);
    CHECK(alerts[0]->audience == PushEvent::Audience::Everyone);
    CHECK(std::get<p::AlertPush>(alerts[0]->message).sighting.review == p::ReviewState::Pending);
    CHECK(alerts[0]->origin_connection == 77);  // the reporting station is not told of its own sighting
    CHECK(alerts[1]->audience == PushEvent::Audience::Staff);
}

TEST_CASE("the push-at-once setting takes danger level names, none or all, and rejects anything else") {
    using p::DangerLevel;
    CHECK(parseDangerLevels("none")->empty());
    CHECK(parseDangerLevels("all")->size() == 4);
    CHECK(*parseDangerLevels("high,extreme") == std::vector<DangerLevel>{DangerLevel::High, DangerLevel::Extreme});
    CHECK(!parseDangerLevels("high,"));
    CHECK(!parseDangerLevels("urgent"));
    CHECK(!parseDangerLevels(""));
    ServerConfig config;
    boost::program_options::variables_map vm;
    parseServerConfig({"--push-at-once", "low,medium"}, config, {}, vm);
    CHECK(config.pushesAtOnce(DangerLevel::Low));
    CHECK(!config.pushesAtOnce(DangerLevel::Extreme));
    ServerConfig bad;
    boost::program_options::variables_map vm2;
    CHECK_THROWS_WITH_AS(parseServerConfig({"--push-at-once", "urgent"}, bad, {}, vm2),
                         doctest::Contains("--push-at-once"), std::runtime_error);
}
