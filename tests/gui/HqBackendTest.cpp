// The console's backend on a real HqService (real SQLite files, scrypt,
// CAPTCHA, the recognition engine): what the console's screens rely on.
#include "server/console/HqBackend.hpp"

#include "gui/ShowcaseHq.hpp"
#include "support/TestCerts.hpp"
#include "vigil/recognition/ModelPaths.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace proto = vigil::protocol;
using namespace vigil::server;
using vigil::console::HqBackend;

namespace {

constexpr const char* kAnswer = vigil::test::kShowcaseCaptchaText;
constexpr const char* kAdminPassword = vigil::test::kShowcaseAdminPassword;
using vigil::test::KnownCaptchaText;

std::string facePath(const std::string& relative) {
    return (std::filesystem::path(VIGIL_SOURCE_DIR) / ".." / "shared" / "faces" / relative).string();
}

proto::Bytes readFile(const std::string& path) { return vigil::test::readShowcaseFile(path); }

struct Hq {
    vigil::test::TempDir dir{"console-backend"};
    ServerConfig config;
    std::unique_ptr<HqService> service;

    explicit Hq(bool with_engine = false) {
        config.data_dir = dir.path;
        config.scrypt_log2n = 14;  // the tests sign in several times; strength is tested in the server's tests
        HqDependencies deps;
        deps.captcha_text = std::make_unique<KnownCaptchaText>();
        if (with_engine) deps.enroller = vigil::test::makeShowcaseEnroller();
        service = std::make_unique<HqService>(config, std::move(deps));
        REQUIRE(service->bootstrapAdmin("admin", kAdminPassword).ok());
    }
};

proto::LoginRequest loginAs(HqBackend& backend, const std::string& user, const std::string& password,
                            const std::string& answer = kAnswer) {
    const auto captcha = backend.newCaptcha();
    REQUIRE(captcha.ok());
    CHECK_FALSE(captcha.value->png.empty());
    return {user, password, captcha.value->challenge_id, answer, ""};
}

bool haveModel() { return std::filesystem::exists(vigil::recognition::descriptorModelPath()); }
bool haveFaces() { return std::filesystem::exists(facePath("dev/obama/obama1.jpg")); }

}  // namespace

TEST_CASE("the console signs an admin in only with the right CAPTCHA answer") {
    Hq hq;
    HqBackend backend(*hq.service);
    const auto wrong = backend.login(loginAs(backend, "admin", kAdminPassword, "WRONG1"));
    REQUIRE_FALSE(wrong.ok());
    CHECK(wrong.error.code == proto::ErrorCode::CaptchaInvalid);
    CHECK(wrong.message().find("CAPTCHA") != std::string::npos);

    const auto right = backend.login(loginAs(backend, "admin", kAdminPassword));
    REQUIRE(right.ok());
    CHECK(right.value->role == proto::Role::Admin);
    CHECK(backend.users().ok());
}

TEST_CASE("every console call before signing in is refused as not authenticated") {
    Hq hq;
    HqBackend backend(*hq.service);
    CHECK(backend.persons().error.code == proto::ErrorCode::NotAuthenticated);
    CHECK(backend.users().error.code == proto::ErrorCode::NotAuthenticated);
    CHECK(backend.sightings(10).error.code == proto::ErrorCode::NotAuthenticated);
    CHECK(backend.audit(10).error.code == proto::ErrorCode::NotAuthenticated);
    CHECK(backend.removePerson(1).error.code == proto::ErrorCode::NotAuthenticated);
    CHECK(backend.checkPhoto("/nonexistent.jpg").error.code == proto::ErrorCode::NotAuthenticated);
}

TEST_CASE("a station account cannot use the console and keeps no session there") {
    Hq hq;
    const Actor admin{"admin", proto::Role::Admin, "test"};
    REQUIRE(hq.service->addUser(admin, "north", "Granite-Meadow-2026!", proto::Role::Station).ok());
    HqBackend backend(*hq.service);
    const auto refused = backend.login(loginAs(backend, "north", "Granite-Meadow-2026!"));
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error.code == proto::ErrorCode::Forbidden);
    CHECK(backend.persons().error.code == proto::ErrorCode::NotAuthenticated);
}

TEST_CASE("an operator's console is refused the accounts and the audit log by the server") {
    Hq hq;
    const Actor admin{"admin", proto::Role::Admin, "test"};
    REQUIRE(hq.service->addUser(admin, "olga", "Lantern-Quarry-2026!", proto::Role::Operator).ok());
    HqBackend backend(*hq.service);
    REQUIRE(backend.login(loginAs(backend, "olga", "Lantern-Quarry-2026!")).ok());
    CHECK(backend.persons().ok());
    CHECK(backend.users().error.code == proto::ErrorCode::Forbidden);
    CHECK(backend.audit(10).error.code == proto::ErrorCode::Forbidden);
}

TEST_CASE("a photo with two faces is rejected with a box on each face, a portrait accepted with one") {
    if (!haveFaces()) {
        MESSAGE("skipped: shared/faces not found beside the checkout");
        return;
    }
    Hq hq;
    HqBackend backend(*hq.service);
    REQUIRE(backend.login(loginAs(backend, "admin", kAdminPassword)).ok());

    const auto portrait = backend.checkPhoto(facePath("dev/biden/biden1.jpg"));
    REQUIRE(portrait.ok());
    CHECK(portrait.value->accepted);
    REQUIRE(portrait.value->faces.size() == 1);
    CHECK(portrait.value->faces[0].width > 70);
    CHECK_FALSE(portrait.value->image.empty());
    CHECK(portrait.value->jpeg == readFile(facePath("dev/biden/biden1.jpg")));

    const auto pair = backend.checkPhoto(facePath("scenes/obama_and_biden.jpg"));
    REQUIRE(pair.ok());
    CHECK_FALSE(pair.value->accepted);
    CHECK(pair.value->faces.size() == 2);
    CHECK(pair.value->verdict.find("several faces") != std::string::npos);
}

TEST_CASE("a photo path that cannot be read or is not an image is refused with a reason") {
    Hq hq;
    HqBackend backend(*hq.service);
    REQUIRE(backend.login(loginAs(backend, "admin", kAdminPassword)).ok());
    const auto missing = backend.checkPhoto("/nonexistent/photo.jpg");
    REQUIRE_FALSE(missing.ok());
    CHECK(missing.error.code == proto::ErrorCode::InvalidRequest);
    CHECK(missing.error.text.find("/nonexistent/photo.jpg") != std::string::npos);

    const auto text = hq.dir.path / "notes.jpg";
    std::ofstream(text) << "not an image at all";
    const auto garbage = backend.checkPhoto(text.string());
    REQUIRE(garbage.ok());  // an answer, with the server's sentence as the verdict
    CHECK_FALSE(garbage.value->accepted);
    CHECK_FALSE(garbage.value->verdict.empty());
    CHECK(garbage.value->faces.empty());
}

TEST_CASE("a sighting reported by a station reaches the console as a pushed alert, with thumbnails listed") {
    if (!haveModel() || !haveFaces()) {
        MESSAGE("skipped: recognition model (tools/fetch-models) or shared/faces missing");
        return;
    }
    Hq hq(true);
    const Actor admin{"admin", proto::Role::Admin, "test"};
    REQUIRE(hq.service->addUser(admin, "north", "Granite-Meadow-2026!", proto::Role::Station).ok());
    HqBackend backend(*hq.service);
    REQUIRE(backend.login(loginAs(backend, "admin", kAdminPassword)).ok());

    proto::PersonAdd add;
    add.details.name = "Demo Subject";
    add.photos_jpeg = {readFile(facePath("dev/obama/obama1.jpg"))};
    const auto added = backend.addPerson(add);
    REQUIRE_MESSAGE(added.ok(), added.message());
    const auto persons = backend.persons();
    REQUIRE(persons.ok());
    REQUIRE(persons.value->size() == 1);
    CHECK_FALSE(persons.value->front().thumbnail_jpeg.empty());
    CHECK(persons.value->front().faces.size() == 1);

    CHECK(backend.pollAlerts().empty());
    proto::SightingReport report;
    report.report_id = "r-1";
    report.person_id = added.value->person_id;
    report.distance = 0.4f;
    report.observed_at_ms = 1'790'000'000'000;
    report.location = {true, 52.5, 13.4, "platform 3"};
    REQUIRE(hq.service->reportSighting({"north", proto::Role::Station, "10.0.0.7"}, report).ok());
    const auto pushed = backend.pollAlerts();  // the hub delivers synchronously on publish
    REQUIRE(pushed.size() == 1);
    CHECK(pushed[0].person_name == "Demo Subject");
    CHECK(pushed[0].station == "north");
    CHECK(backend.pollAlerts().empty());

    CHECK(backend.removePerson(added.value->person_id).ok());
    CHECK(backend.persons().value->empty());
}

TEST_CASE("the audit view accumulates new entries across refreshes without repeating any") {
    Hq hq;
    HqBackend backend(*hq.service);
    REQUIRE(backend.login(loginAs(backend, "admin", kAdminPassword)).ok());
    const auto first = backend.audit(2);  // small pages: several per call
    REQUIRE(first.ok());
    const std::size_t before = first.value->size();
    CHECK(before >= 2);
    const Actor admin{"admin", proto::Role::Admin, "test"};
    REQUIRE(hq.service->addUser(admin, "viv", "Copper-Willow-2026!", proto::Role::Viewer).ok());
    const auto second = backend.audit(2);
    REQUIRE(second.ok());
    CHECK(second.value->size() == before + 1);
    for (std::size_t i = 1; i < second.value->size(); ++i)
        CHECK((*second.value)[i].id > (*second.value)[i - 1].id);
}

TEST_CASE("the console's review queue: pending sightings listed with the enrolled photos, confirmed and dismissed through the server, decisions pushed; a viewer is refused") {
    if (!haveModel() || !haveFaces()) {
        MESSAGE("skipped: recognition model (tools/fetch-models) or shared/faces missing");
        return;
    }
    Hq hq(true);
    const Actor admin{"admin", proto::Role::Admin, "test"};
    REQUIRE(hq.service->addUser(admin, "north", "Granite-Meadow-2026!", proto::Role::Station).ok());
    REQUIRE(hq.service->addUser(admin, "viv", "Copper-Willow-2026!", proto::Role::Viewer).ok());
    HqBackend backend(*hq.service);
    REQUIRE(backend.login(loginAs(backend, "admin", kAdminPassword)).ok());
    proto::PersonAdd add;
    add.details.name = "Demo Subject";
    add.details.danger = proto::DangerLevel::Medium;  // reviewed before anyone else is told
    add.photos_jpeg = {readFile(facePath("dev/obama/obama1.jpg")), readFile(facePath("dev/obama/obama2.jpg"))};
    const auto added = backend.addPerson(add);
    REQUIRE_MESSAGE(added.ok(), added.message());

    const Actor north{"north", proto::Role::Station, "10.0.0.7"};
    for (const char* id : {"r-1", "r-2"}) {
        proto::SightingReport report;
        report.report_id = id;
        report.person_id = added.value->person_id;
        report.distance = 0.4f;
        report.observed_at_ms = 1'790'000'000'000;
        report.location = {true, 52.5, 13.4, "platform 3"};
        REQUIRE(hq.service->reportSighting(north, report).ok());
    }
    const auto pending = backend.pendingSightings();
    REQUIRE_MESSAGE(pending.ok(), pending.message());
    REQUIRE(pending.value->size() == 2);
    CHECK((*pending.value)[0].review == proto::ReviewState::Pending);
    const auto photos = backend.personPhotos(added.value->person_id);
    REQUIRE(photos.ok());
    CHECK(photos.value->size() == 2);
    backend.pollDecisions();

    const auto confirmed = backend.confirmSighting((*pending.value)[0].id);
    REQUIRE_MESSAGE(confirmed.ok(), confirmed.message());
    CHECK(confirmed.value->decision == proto::ReviewState::Confirmed);
    CHECK(confirmed.value->decided_by == "admin");
    const auto dismissed = backend.dismissSighting((*pending.value)[1].id, proto::DismissReason::PoorImage, "blurred");
    REQUIRE_MESSAGE(dismissed.ok(), dismissed.message());
    CHECK(dismissed.value->decision == proto::ReviewState::Dismissed);
    CHECK(backend.pendingSightings().value->empty());

    // Both decisions reach the console's feed (pushed, and in the stored list).
    const auto decided = backend.pollDecisions();
    CHECK(std::any_of(decided.begin(), decided.end(), [&](const auto& d) {
        return d.sighting_id == (*pending.value)[1].id && d.reason == proto::DismissReason::PoorImage;
    }));
    const auto stored = backend.sightings(10);
    REQUIRE(stored.ok());
    for (const auto& sighting : *stored.value) {
        CHECK(sighting.review != proto::ReviewState::Pending);
        CHECK(sighting.decided_by == "admin");
    }

    HqBackend viewer(*hq.service);
    REQUIRE(viewer.login(loginAs(viewer, "viv", "Copper-Willow-2026!")).ok());
    const auto refused = viewer.pendingSightings();
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error.code == proto::ErrorCode::Forbidden);
    CHECK_FALSE(viewer.confirmSighting((*pending.value)[0].id).ok());
}
