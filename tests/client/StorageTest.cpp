// What the station keeps on disk: the sealed watchlist cache, the offline
// sighting queue, the at-rest key. Real files, real SQLite.
#include "client/core/AtRestKey.hpp"
#include "client/core/SightingQueue.hpp"
#include "client/core/WatchlistCache.hpp"
#include "support/TestCerts.hpp"

#include <doctest/doctest.h>

#include <sys/stat.h>

#include <fstream>
#include <iterator>
#include <set>

using namespace vigil;
using namespace vigil::client;
using vigil::test::TempDir;

namespace {

const std::string kModel(64, 'a');
const std::string kOtherModel(64, 'b');

protocol::WantedPerson person(std::uint64_t id, const std::string& name) {
    protocol::WantedPerson p;
    p.id = id;
    p.details.name = name;
    p.details.danger = protocol::DangerLevel::High;
    protocol::FaceTemplate face;
    face.photo_id = id * 10;
    face.descriptor.fill(static_cast<float>(id) / 100.0f);
    p.faces.push_back(face);
    return p;
}

protocol::WatchlistDelta delta(std::uint64_t from, std::uint64_t to, std::vector<protocol::WantedPerson> upserts,
                               std::vector<std::uint64_t> removed = {}, bool full = false) {
    protocol::WatchlistDelta d;
    d.from_version = from;
    d.to_version = to;
    d.full = full;
    d.model_fingerprint = kModel;
    d.upserts = std::move(upserts);
    d.removed_ids = std::move(removed);
    return d;
}

std::string fileText(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

protocol::SightingReport report(std::uint64_t personId) {
    protocol::SightingReport r;
    r.report_id = SightingQueue::newReportId();
    r.person_id = personId;
    r.distance = 0.42f;
    r.observed_at_ms = 1'700'000'000'000;
    r.location.place = "Platform 9, Central Station";
    r.snapshot_jpeg = {0xff, 0xd8, 0xff, 0xe0, 1, 2, 3};
    return r;
}

}  // namespace

TEST_CASE("the watchlist cache applies deltas by version and a restarted station finds it on disk") {
    TempDir dir("cache");
    const auto key = crypto::randomKey();
    {
        WatchlistCache cache(dir.path / "watchlist.sealed", key, kModel);
        CHECK(cache.load().empty());
        CHECK(cache.apply(delta(0, 3, {person(1, "Alice Example"), person(2, "Bob Example")})).outcome ==
              DeltaOutcome::Applied);
        CHECK(cache.apply(delta(3, 4, {person(3, "Carol Example")}, {1})).outcome == DeltaOutcome::Applied);
    }
    WatchlistCache restarted(dir.path / "watchlist.sealed", key, kModel);
    CHECK(restarted.load().empty());
    CHECK(restarted.version() == 4);
    const auto persons = restarted.persons();
    CHECK(persons->size() == 2);
    CHECK(persons->count(1) == 0);
    CHECK(persons->at(3).details.name == "Carol Example");
    CHECK(persons->at(2).faces.at(0).descriptor[5] == doctest::Approx(0.02f));
}

TEST_CASE("the cache on disk shows no name or descriptor in clear") {
    TempDir dir("cache-clear");
    WatchlistCache cache(dir.path / "watchlist.sealed", crypto::randomKey(), kModel);
    cache.apply(delta(0, 1, {person(1, "Distinctive Surname Zyxw")}));
    const std::string raw = fileText(dir.path / "watchlist.sealed");
    CHECK(raw.size() > 100);
    CHECK(raw.find("Zyxw") == std::string::npos);
}

TEST_CASE("a cache sealed under another key, or altered, is refused with a reason and not used") {
    TempDir dir("cache-key");
    {
        WatchlistCache cache(dir.path / "watchlist.sealed", crypto::randomKey(), kModel);
        cache.apply(delta(0, 1, {person(1, "Alice Example")}));
    }
    WatchlistCache stranger(dir.path / "watchlist.sealed", crypto::randomKey(), kModel);
    const std::string why = stranger.load();
    CHECK(why.find("cannot be opened") != std::string::npos);
    CHECK(stranger.size() == 0);
    CHECK(stranger.version() == 0);
}

TEST_CASE("a watchlist computed with another recognition model is refused with a clear message") {
    TempDir dir("cache-model");
    WatchlistCache cache(dir.path / "watchlist.sealed", crypto::randomKey(), kModel);
    auto foreign = delta(0, 1, {person(1, "Alice Example")});
    foreign.model_fingerprint = kOtherModel;
    const auto result = cache.apply(foreign);
    CHECK(result.outcome == DeltaOutcome::ModelMismatch);
    CHECK(result.message.find("bbbbbbbbbbbb") != std::string::npos);
    CHECK(result.message.find("aaaaaaaaaaaa") != std::string::npos);
    CHECK(cache.size() == 0);
}

TEST_CASE("an empty watchlist from an HQ that has no model yet is accepted, not called a mismatch") {
    TempDir dir("cache-empty");
    WatchlistCache cache(dir.path / "watchlist.sealed", crypto::randomKey(), kModel);
    auto empty = delta(0, 0, {}, {}, true);
    empty.model_fingerprint.clear();
    CHECK(cache.apply(empty).outcome == DeltaOutcome::Applied);
    CHECK(cache.size() == 0);
}

TEST_CASE("a cache written for another model is not loaded after the station's model changed") {
    TempDir dir("cache-model-restart");
    const auto key = crypto::randomKey();
    {
        WatchlistCache cache(dir.path / "watchlist.sealed", key, kModel);
        cache.apply(delta(0, 1, {person(1, "Alice Example")}));
    }
    WatchlistCache upgraded(dir.path / "watchlist.sealed", key, kOtherModel);
    CHECK(upgraded.load().find("another recognition model") != std::string::npos);
    CHECK(upgraded.size() == 0);
}

TEST_CASE("a delta that does not start at the cached version asks for a full list") {
    TempDir dir("cache-gap");
    WatchlistCache cache(dir.path / "watchlist.sealed", crypto::randomKey(), kModel);
    cache.apply(delta(0, 2, {person(1, "Alice Example")}));
    CHECK(cache.apply(delta(5, 6, {person(2, "Bob Example")})).outcome == DeltaOutcome::VersionGap);
    CHECK(cache.version() == 2);
    CHECK(cache.apply(delta(0, 6, {person(2, "Bob Example")}, {}, /*full=*/true)).outcome == DeltaOutcome::Applied);
    CHECK(cache.size() == 1);
    CHECK(cache.persons()->count(2) == 1);
}

TEST_CASE("a paged delta becomes visible only with its last page") {
    TempDir dir("cache-pages");
    WatchlistCache cache(dir.path / "watchlist.sealed", crypto::randomKey(), kModel);
    auto page1 = delta(0, 9, {person(1, "A")}, {}, true);
    page1.more = true;
    auto page2 = delta(0, 9, {person(2, "B")}, {}, true);
    CHECK(cache.apply(page1).outcome == DeltaOutcome::Applied);
    CHECK(cache.size() == 0);
    CHECK(cache.version() == 0);
    CHECK(cache.apply(page2).outcome == DeltaOutcome::Applied);
    CHECK(cache.size() == 2);
    CHECK(cache.version() == 9);
}

TEST_CASE("the at-rest key is created 0600 and reused, and an exposed key file is refused") {
    TempDir dir("key");
    const auto file = dir.path / "config" / "station.key";
    const auto key = loadOrCreateAtRestKey(file);
    struct stat st {};
    REQUIRE(::stat(file.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    CHECK(loadOrCreateAtRestKey(file) == key);
    ::chmod(file.c_str(), 0644);
    CHECK_THROWS_WITH_AS(loadOrCreateAtRestKey(file), doctest::Contains("readable by other users"),
                         std::runtime_error);
}

TEST_CASE("a damaged key file is refused rather than replaced") {
    TempDir dir("key-short");
    const auto file = dir.path / "station.key";
    writeFileAtomically(file, std::vector<std::uint8_t>(7, 1));
    CHECK_THROWS_WITH_AS(loadOrCreateAtRestKey(file), doctest::Contains("damaged"), std::runtime_error);
}

TEST_CASE("queued sightings survive a restart and each is delivered exactly once") {
    TempDir dir("queue");
    const auto key = crypto::randomKey();
    std::vector<std::string> ids;
    {
        SightingQueue queue(dir.path / "sightings.db", key);
        for (std::uint64_t p = 1; p <= 3; ++p) {
            auto r = report(p);
            ids.push_back(r.report_id);
            queue.add(r);
            queue.add(r);  // a second add of the same report is a no-op
        }
        CHECK(queue.size() == 3);
        queue.markDelivered(ids[0]);
    }  // "crash": the process ends with two reports undelivered

    SightingQueue restarted(dir.path / "sightings.db", key);
    const auto pending = restarted.pending();
    REQUIRE(pending.size() == 2);
    CHECK(pending[0].report_id == ids[1]);
    CHECK(pending[1].report_id == ids[2]);
    CHECK(pending[0].person_id == 2);
    CHECK(pending[0].location.place == "Platform 9, Central Station");
    CHECK(pending[0].snapshot_jpeg == report(2).snapshot_jpeg);
    // A delivery loop: everything acknowledged once, nothing left to send twice.
    std::set<std::string> sent;
    for (const auto& r : restarted.pending()) {
        CHECK(sent.insert(r.report_id).second);
        restarted.markDelivered(r.report_id);
    }
    CHECK(restarted.size() == 0);
    CHECK(restarted.pending().empty());
    CHECK(sent.size() == 2);
}

TEST_CASE("the offline queue keeps snapshots sealed and skips rows it cannot open") {
    TempDir dir("queue-sealed");
    auto r = report(5);
    r.location.place = "Unmistakable Place Qwzx";
    {
        SightingQueue queue(dir.path / "sightings.db", crypto::randomKey());
        queue.add(r);
    }
    CHECK(fileText(dir.path / "sightings.db").find("Qwzx") == std::string::npos);
    SightingQueue wrongKey(dir.path / "sightings.db", crypto::randomKey());
    CHECK(wrongKey.pending().empty());
    CHECK(wrongKey.unreadable() == 1);
    CHECK(wrongKey.size() == 1);  // kept for recovery with the right key, not deleted
}

TEST_CASE("report ids are 128 random bits in hex and do not repeat") {
    std::set<std::string> ids;
    for (int i = 0; i < 1000; ++i) ids.insert(SightingQueue::newReportId());
    CHECK(ids.size() == 1000);
    CHECK(ids.begin()->size() == 32);
}
