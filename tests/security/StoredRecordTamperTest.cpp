// Flip one byte of a stored photo, descriptor or snapshot in the real SQLite
// file (what an attacker with the disk, or a bad sector, does): the server
// reports it as tampered and never serves it; untouched records still serve.
#include "RawWatchlist.hpp"
#include "support/TestCerts.hpp"

#include <doctest/doctest.h>

using namespace vigil;
using namespace vigil::server;
using vigil::test::TempDir;

using namespace vigil::test::watchlist;

TEST_CASE("one flipped byte in a stored photo is reported as tampered and the photo is never served") {
    TempDir dir("tamper");
    const auto file = dir.path / "watchlist.db";
    const auto key = crypto::randomKey();
    std::uint64_t victim = 0, bystander = 0;
    {
        WatchlistStore store(file, key);
        victim = addPerson(store, "Victim Record", 1);
        bystander = addPerson(store, "Untouched Record", 2);
        const auto before = store.wantedPerson(victim, kModel);
        REQUIRE(before);
        CHECK(before->thumbnail_jpeg == jpegLike(101));
        CHECK(before->faces.size() == 1);
    }
    SUBCASE("the photo shown to stations (thumbnail)") {
        RawDatabase(file).flipByte("persons", "thumbnail", static_cast<std::int64_t>(victim), 100);
        WatchlistStore store(file, key);
        const auto after = store.wantedPerson(victim, kModel);
        REQUIRE(after);
        CHECK(after->thumbnail_jpeg.empty());
        CHECK(after->details.name == "Victim Record");  // non-biometric fields stay in clear
        CHECK(store.integrityFailures() == 1);
        CHECK(store.wantedPerson(bystander, kModel)->thumbnail_jpeg == jpegLike(102));
    }
    SUBCASE("the face descriptor") {
        RawDatabase(file).flipByte("photos", "descriptor", firstPhotoOf(file, victim), 40);
        WatchlistStore store(file, key);
        CHECK(store.wantedPerson(victim, kModel)->faces.empty());
        CHECK(store.integrityFailures() == 1);
        CHECK(store.wantedPerson(bystander, kModel)->faces.size() == 1);
    }
    SUBCASE("a thumbnail swapped from another person's row") {
        RawDatabase raw(file);
        raw.setBlob("persons", "thumbnail", static_cast<std::int64_t>(victim),
                    raw.blob("persons", "thumbnail", static_cast<std::int64_t>(bystander)));
        WatchlistStore store(file, key);
        CHECK(store.wantedPerson(victim, kModel)->thumbnail_jpeg.empty());
        CHECK(store.integrityFailures() == 1);
    }
    SUBCASE("every delta a station downloads leaves the tampered photo out") {
        RawDatabase(file).flipByte("persons", "thumbnail", static_cast<std::int64_t>(victim), 13);
        WatchlistStore store(file, key);
        for (const auto& page : store.deltaSince(0, kModel))
            for (const auto& person : page.upserts)
                if (person.id == victim) CHECK(person.thumbnail_jpeg.empty());
                else CHECK(person.thumbnail_jpeg == jpegLike(102));
        CHECK(store.integrityFailures() >= 1);
    }
}

TEST_CASE("a flipped byte in a stored sighting snapshot is reported and the snapshot is not served") {
    TempDir dir("tamper");
    const auto file = dir.path / "watchlist.db";
    const auto key = crypto::randomKey();
    std::uint64_t sightingId = 0;
    {
        WatchlistStore store(file, key);
        const auto person = addPerson(store, "Seen Person", 3);
        NewSighting s;
        s.report.report_id = crypto::randomHex(16);
        s.report.person_id = person;
        s.report.observed_at_ms = 1'800'000'000'000;
        s.report.snapshot_jpeg = jpegLike(50);
        s.station = "station-1";
        s.received_at_ms = 1'800'000'000'000;
        sightingId = store.addSighting(s, "Seen Person", protocol::DangerLevel::High).id;
    }
    RawDatabase(file).flipByte("sightings", "snapshot", static_cast<std::int64_t>(sightingId), 30);
    WatchlistStore store(file, key);
    const auto list = store.sightingsSince(0, 10);
    REQUIRE(list.size() == 1);
    CHECK(list[0].snapshot_jpeg.empty());
    CHECK(list[0].person_name == "Seen Person");
    CHECK(store.integrityFailures() == 1);
}
