// Flip one byte of a stored photo, descriptor or snapshot in the real SQLite
// file (what an attacker with the disk, or a bad sector, does): the server
// reports it as tampered and never serves it; untouched records still serve.
#include "server/core/WatchlistStore.hpp"
#include "support/TestCerts.hpp"

#include <doctest/doctest.h>

#include <sqlite3.h>

using namespace vigil;
using namespace vigil::server;
using vigil::test::TempDir;

namespace {

constexpr const char* kModel = "model-fp";

protocol::Bytes jpegLike(std::uint8_t seed) {
    protocol::Bytes bytes(2000);
    for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<std::uint8_t>(seed + i * 7);
    bytes[0] = 0xFF;
    bytes[1] = 0xD8;
    return bytes;
}

EnrolledPhoto photo(std::uint8_t seed) {
    EnrolledPhoto p;
    p.image = jpegLike(seed);
    for (std::size_t i = 0; i < p.descriptor.size(); ++i) p.descriptor[i] = static_cast<float>(seed) * 0.001f + i * 0.01f;
    p.quality = 0.9f;
    p.model_fingerprint = kModel;
    return p;
}

std::uint64_t addPerson(WatchlistStore& store, const std::string& name, std::uint8_t seed) {
    protocol::PersonDetails details;
    details.name = name;
    details.reason = "test";
    return store.addPerson(details, {photo(seed)}, jpegLike(static_cast<std::uint8_t>(seed + 100)), "operator", 1'800'000'000)
        .first;
}

// Direct SQL on the file, as an attacker would do it.
class RawDatabase {
public:
    explicit RawDatabase(const std::filesystem::path& file) {
        REQUIRE(sqlite3_open(file.c_str(), &db_) == SQLITE_OK);
    }
    ~RawDatabase() { sqlite3_close(db_); }
    protocol::Bytes blob(const std::string& table, const std::string& column, std::int64_t id) {
        sqlite3_stmt* st = nullptr;
        REQUIRE(sqlite3_prepare_v2(db_, ("SELECT " + column + " FROM " + table + " WHERE id = ?").c_str(), -1, &st,
                                   nullptr) == SQLITE_OK);
        sqlite3_bind_int64(st, 1, id);
        REQUIRE(sqlite3_step(st) == SQLITE_ROW);
        const auto* data = static_cast<const std::uint8_t*>(sqlite3_column_blob(st, 0));
        protocol::Bytes out(data, data + sqlite3_column_bytes(st, 0));
        sqlite3_finalize(st);
        return out;
    }
    void setBlob(const std::string& table, const std::string& column, std::int64_t id, const protocol::Bytes& value) {
        sqlite3_stmt* st = nullptr;
        REQUIRE(sqlite3_prepare_v2(db_, ("UPDATE " + table + " SET " + column + " = ? WHERE id = ?").c_str(), -1, &st,
                                   nullptr) == SQLITE_OK);
        sqlite3_bind_blob(st, 1, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
        sqlite3_bind_int64(st, 2, id);
        REQUIRE(sqlite3_step(st) == SQLITE_DONE);
        sqlite3_finalize(st);
    }
    void flipByte(const std::string& table, const std::string& column, std::int64_t id, std::size_t at) {
        auto value = blob(table, column, id);
        REQUIRE(at < value.size());
        value[at] ^= 0x01;
        setBlob(table, column, id, value);
    }

private:
    sqlite3* db_ = nullptr;
};

std::int64_t firstPhotoOf(const std::filesystem::path& file, std::uint64_t personId) {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(file.c_str(), &db) == SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, "SELECT id FROM photos WHERE person_id = ? ORDER BY id", -1, &st, nullptr) == SQLITE_OK);
    sqlite3_bind_int64(st, 1, static_cast<std::int64_t>(personId));
    REQUIRE(sqlite3_step(st) == SQLITE_ROW);
    const auto id = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return id;
}

}  // namespace

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
