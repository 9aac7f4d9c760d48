// Secure deletion (issue 7): removing a person, or sightings passing their
// retention, must take the bytes out of the files — not only out of the
// answers. Each test finds the sealed records in the raw database and WAL
// bytes first (so the search is known to work), then removes, then finds
// nothing of them while the records of others are still there.
#include "RawWatchlist.hpp"
#include "support/TestCerts.hpp"

using namespace vigil::test::watchlist;
using vigil::test::TempDir;

namespace {

constexpr std::int64_t kDayMs = 24LL * 3600 * 1000;
constexpr std::int64_t kNowMs = 1'800'000'000'000;

std::uint64_t addSighting(WatchlistStore& store, std::uint64_t personId, const std::string& reportId,
                          std::int64_t receivedAtMs, std::uint8_t seed) {
    NewSighting s;
    s.report.report_id = reportId;
    s.report.person_id = personId;
    s.report.distance = 0.4f;
    s.report.observed_at_ms = receivedAtMs;
    s.report.location.place = "Gate 3";
    s.report.snapshot_jpeg = jpegLike(seed);
    for (std::size_t i = 0; i < s.report.probe.size(); ++i) s.report.probe[i] = seed * 0.01f + i * 0.001f;
    s.station = "north";
    s.received_at_ms = receivedAtMs;
    return store.addSighting(s, "someone", protocol::DangerLevel::High).id;
}

// 48 bytes from the middle of a sealed record: ciphertext, unique to it.
protocol::Bytes fingerprintOf(const protocol::Bytes& sealed) {
    REQUIRE(sealed.size() > 96);
    const auto middle = sealed.begin() + static_cast<std::ptrdiff_t>(sealed.size() / 2);
    return protocol::Bytes(middle, middle + 48);
}

std::uintmax_t walSize(const std::filesystem::path& database) {
    std::error_code ec;
    const auto size = std::filesystem::file_size(database.string() + "-wal", ec);
    return ec ? 0 : size;
}

}  // namespace

TEST_CASE("removing a person erases its photos, descriptors, thumbnail and sighting snapshots from the files") {
    TempDir dir("secure-delete");
    const auto file = dir.path / "watchlist.db";
    WatchlistStore store(file, crypto::randomKey());
    const auto victim = addPerson(store, "Victim", 1);
    const auto bystander = addPerson(store, "Bystander", 60);
    const auto victimSighting = addSighting(store, victim, "r-victim", kNowMs, 120);
    const auto bystanderSighting = addSighting(store, bystander, "r-bystander", kNowMs, 180);

    std::vector<protocol::Bytes> victimRecords, bystanderRecords;
    {
        RawDatabase raw(file);
        const auto photo = firstPhotoOf(file, victim);
        victimRecords = {fingerprintOf(raw.blob("photos", "image", photo)),
                         fingerprintOf(raw.blob("photos", "descriptor", photo)),
                         fingerprintOf(raw.blob("persons", "thumbnail", static_cast<std::int64_t>(victim))),
                         fingerprintOf(raw.blob("sightings", "snapshot", static_cast<std::int64_t>(victimSighting))),
                         fingerprintOf(raw.blob("sightings", "probe", static_cast<std::int64_t>(victimSighting)))};
        bystanderRecords = {
            fingerprintOf(raw.blob("photos", "image", firstPhotoOf(file, bystander))),
            fingerprintOf(raw.blob("sightings", "snapshot", static_cast<std::int64_t>(bystanderSighting)))};
    }
    for (const auto& record : victimRecords) REQUIRE(databaseHolds(file, record));
    // Sealed at rest: the photo's own bytes never reach the files.
    const auto plainPhoto = jpegLike(1);
    CHECK_FALSE(databaseHolds(file, protocol::Bytes(plainPhoto.begin() + 500, plainPhoto.begin() + 548)));

    REQUIRE(store.removePerson(victim, 1'800'000'100));

    for (std::size_t i = 0; i < victimRecords.size(); ++i)
        CHECK_MESSAGE(!databaseHolds(file, victimRecords[i]), "record " << i << " of the removed person is still on disk");
    for (const auto& record : bystanderRecords) CHECK(databaseHolds(file, record));
    CHECK(walSize(file) == 0);  // checkpointed and truncated

    // The sighting stays as a record of what happened, without the face.
    const auto sightings = store.sightingsSince(0, 10);
    REQUIRE(sightings.size() == 2);
    CHECK(sightings[0].person_id == victim);
    CHECK(sightings[0].snapshot_jpeg.empty());
    CHECK_FALSE(sightings[1].snapshot_jpeg.empty());
    CHECK(store.integrityFailures() == 0);  // an erased snapshot is not a tampered one
    CHECK(store.integrityCheck() == "ok");
}

TEST_CASE("sighting retention erases old snapshots, deletes older sightings and leaves recent ones") {
    TempDir dir("retention");
    const auto file = dir.path / "watchlist.db";
    WatchlistStore store(file, crypto::randomKey());
    const auto person = addPerson(store, "Someone", 3);
    const auto ancient = addSighting(store, person, "r-ancient", kNowMs - 400 * kDayMs, 10);
    const auto old = addSighting(store, person, "r-old", kNowMs - 100 * kDayMs, 70);
    const auto recent = addSighting(store, person, "r-recent", kNowMs - 2 * kDayMs, 140);

    protocol::Bytes ancientSnapshot, oldSnapshot, recentSnapshot;
    {
        RawDatabase raw(file);
        ancientSnapshot = fingerprintOf(raw.blob("sightings", "snapshot", static_cast<std::int64_t>(ancient)));
        oldSnapshot = fingerprintOf(raw.blob("sightings", "snapshot", static_cast<std::int64_t>(old)));
        recentSnapshot = fingerprintOf(raw.blob("sightings", "snapshot", static_cast<std::int64_t>(recent)));
    }
    REQUIRE(databaseHolds(file, ancientSnapshot));
    REQUIRE(databaseHolds(file, oldSnapshot));

    const auto result = store.applyRetention(kNowMs - 90 * kDayMs, kNowMs - 365 * kDayMs);
    CHECK(result.snapshots_erased == 2);  // ancient and old
    CHECK(result.sightings_deleted == 1);  // ancient
    CHECK(result.reclaimed);

    CHECK_FALSE(databaseHolds(file, ancientSnapshot));
    CHECK_FALSE(databaseHolds(file, oldSnapshot));
    CHECK(databaseHolds(file, recentSnapshot));
    const auto left = store.sightingsSince(0, 10);
    REQUIRE(left.size() == 2);
    CHECK(left[0].report_id == "r-old");
    CHECK(left[0].snapshot_jpeg.empty());
    CHECK(left[1].report_id == "r-recent");
    CHECK(left[1].snapshot_jpeg == jpegLike(140));

    // Applied again: nothing more to do.
    const auto again = store.applyRetention(kNowMs - 90 * kDayMs, kNowMs - 365 * kDayMs);
    CHECK(again.snapshots_erased == 0);
    CHECK(again.sightings_deleted == 0);
}

TEST_CASE("a watchlist file from before secure deletion is converted to incremental vacuuming at open") {
    TempDir dir("old-file");
    const auto file = dir.path / "watchlist.db";
    {
        sqlite3* db = nullptr;
        REQUIRE(sqlite3_open(file.c_str(), &db) == SQLITE_OK);
        REQUIRE(sqlite3_exec(db, "PRAGMA journal_mode=WAL; CREATE TABLE early(x);", nullptr, nullptr, nullptr) ==
                SQLITE_OK);
        sqlite3_close(db);
    }
    WatchlistStore store(file, crypto::randomKey());
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(file.c_str(), &db) == SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, "PRAGMA auto_vacuum", -1, &st, nullptr) == SQLITE_OK);
    REQUIRE(sqlite3_step(st) == SQLITE_ROW);
    CHECK(sqlite3_column_int(st, 0) == 2);  // INCREMENTAL
    sqlite3_finalize(st);
    sqlite3_close(db);
}
