// Databases on real SQLite files: migrations, stores, audit chain.
#include "server/core/CredentialStore.hpp"
#include "server/core/DataKey.hpp"
#include "server/core/Sqlite.hpp"
#include "server/core/WatchlistStore.hpp"
#include "support/TestCerts.hpp"

#include <doctest/doctest.h>

#include <sqlite3.h>

using namespace vigil::server;
namespace p = vigil::protocol;
using vigil::test::TempDir;

namespace {

const std::string kNasty = "Robert'); DROP TABLE persons;-- \"%_\\ \x01 ünï ? ?1 :name";

p::PersonDetails nastyDetails() {
    p::PersonDetails d;
    d.name = kNasty;
    d.aliases = {kNasty + "a", "O'Brien", "x\"y"};
    d.reason = kNasty + " reason";
    d.notes = kNasty + " notes\nline two";
    d.danger = p::DangerLevel::Extreme;
    return d;
}

EnrolledPhoto photo(float value) {
    EnrolledPhoto ph;
    ph.image = {0xFF, 0xD8, 0xFF, 0x01, 0x02};
    ph.descriptor.fill(value);
    ph.quality = 0.8f;
    ph.model_fingerprint = "fp";
    return ph;
}

}  // namespace

TEST_CASE("migrations bring an old schema to the current one and are applied once") {
    TempDir dir("migrate");
    const auto file = dir.path / "m.db";
    {
        auto db = Database::open(file, {"CREATE TABLE a(x INTEGER);"});
        CHECK(db.schemaVersion() == 1);
        db.prepare("INSERT INTO a(x) VALUES(?)").bindAll(42).run();
    }
    {
        auto db = Database::open(file, {"CREATE TABLE a(x INTEGER);", "ALTER TABLE a ADD COLUMN y TEXT DEFAULT 'new';"});
        CHECK(db.schemaVersion() == 2);
        auto st = db.prepare("SELECT x, y FROM a");
        REQUIRE(st.step());
        CHECK(st.int64(0) == 42);
        CHECK(st.text(1) == "new");
    }
    // Reopening with the same list changes nothing.
    auto db = Database::open(file, {"CREATE TABLE a(x INTEGER);", "ALTER TABLE a ADD COLUMN y TEXT DEFAULT 'new';"});
    CHECK(db.schemaVersion() == 2);
    CHECK(db.integrityCheck() == "ok");
}

TEST_CASE("a database newer than the program is refused with a sentence") {
    TempDir dir("newer");
    { auto db = Database::open(dir.path / "n.db", {"CREATE TABLE a(x);", "CREATE TABLE b(y);"}); }
    CHECK_THROWS_WITH_AS(Database::open(dir.path / "n.db", {"CREATE TABLE a(x);"}),
                         doctest::Contains("newer than this program knows"), DatabaseError);
}

TEST_CASE("a failing migration leaves the schema version unchanged") {
    TempDir dir("failmig");
    { auto db = Database::open(dir.path / "f.db", {"CREATE TABLE a(x);"}); }
    CHECK_THROWS_AS(Database::open(dir.path / "f.db", {"CREATE TABLE a(x);", "CREATE TABLE b(y); SELECT nonsense("}),
                    DatabaseError);
    auto db = Database::open(dir.path / "f.db", {"CREATE TABLE a(x);"});
    CHECK(db.schemaVersion() == 1);
}

TEST_CASE("the databases run in WAL mode with foreign keys on") {
    TempDir dir("pragmas");
    auto db = Database::open(dir.path / "p.db", WatchlistStore::migrations());
    auto mode = db.prepare("PRAGMA journal_mode");
    REQUIRE(mode.step());
    CHECK(mode.text(0) == "wal");
    auto fk = db.prepare("PRAGMA foreign_keys");
    REQUIRE(fk.step());
    CHECK(fk.int64(0) == 1);
}

TEST_CASE("SQL metacharacters in every text field are stored verbatim") {
    TempDir dir("verbatim");
    const auto key = vigil::crypto::randomKey();
    WatchlistStore store(dir.path / "w.db", key);
    const auto [id, version] = store.addPerson(nastyDetails(), {photo(0.5f)}, {1, 2, 3}, kNasty, 10);
    CHECK(version == 1);
    const auto back = store.person(id);
    REQUIRE(back);
    CHECK(back->details.name == kNasty);
    CHECK(back->details.aliases == nastyDetails().aliases);
    CHECK(back->details.reason == kNasty + " reason");
    CHECK(back->details.notes == kNasty + " notes\nline two");
    CHECK(back->created_by == kNasty);
    CHECK(store.persons().size() == 1);  // the table is still there

    NewSighting s;
    s.report.report_id = "r1";
    s.report.person_id = id;
    s.report.location.place = kNasty;
    s.station = kNasty;
    store.addSighting(s, kNasty, p::DangerLevel::High);
    const auto sightings = store.sightingsSince(0, 10);
    REQUIRE(sightings.size() == 1);
    CHECK(sightings[0].location.place == kNasty);
    CHECK(sightings[0].station == kNasty);
    CHECK(sightings[0].person_name == kNasty);

    store.appendAudit({1, kNasty, kNasty, kNasty, kNasty, kNasty});
    const auto audit = store.auditAfter(0, 10);
    REQUIRE(audit.size() == 1);
    CHECK(audit[0].actor == kNasty);
    CHECK(audit[0].detail == kNasty);

    CredentialStore creds(dir.path / "c.db");
    UserRecord u;
    u.username = "eve";
    u.display_name = kNasty;
    u.password_hash = kNasty;
    REQUIRE(creds.createUser(u));
    CHECK(creds.findUser("eve")->display_name == kNasty);
    CHECK(creds.findUser("eve")->password_hash == kNasty);
}

TEST_CASE("the watchlist delta carries only what changed since the station's version") {
    TempDir dir("delta");
    WatchlistStore store(dir.path / "w.db", vigil::crypto::randomKey());
    p::PersonDetails a, b, c;
    a.name = "A";
    b.name = "B";
    c.name = "C";
    const auto idA = store.addPerson(a, {photo(0.1f)}, {}, "t", 1).first;
    const auto idB = store.addPerson(b, {photo(0.2f), photo(0.3f)}, {}, "t", 1).first;
    const auto v2 = store.version();
    CHECK(v2 == 2);

    auto full = store.deltaSince(0, "fp");
    REQUIRE(full.size() == 1);
    CHECK(full[0].full);
    CHECK(full[0].to_version == 2);
    REQUIRE(full[0].upserts.size() == 2);
    CHECK(full[0].upserts[1].faces.size() == 2);
    CHECK(full[0].upserts[1].faces[0].descriptor[5] == doctest::Approx(0.2f));

    const auto idC = store.addPerson(c, {photo(0.4f)}, {}, "t", 1).first;
    REQUIRE(store.removePerson(idA, 2));
    b.reason = "updated";
    REQUIRE(store.updatePerson(idB, b, 3));
    auto delta = store.deltaSince(v2, "fp");
    REQUIRE(delta.size() == 1);
    CHECK_FALSE(delta[0].full);
    CHECK(delta[0].from_version == 2);
    CHECK(delta[0].to_version == 5);
    REQUIRE(delta[0].upserts.size() == 2);
    CHECK(delta[0].upserts[0].id == idB);
    CHECK(delta[0].upserts[0].details.reason == "updated");
    CHECK(delta[0].upserts[1].id == idC);
    CHECK(delta[0].removed_ids == std::vector<std::uint64_t>{idA});

    CHECK(store.deltaSince(5, "fp")[0].upserts.empty());
    CHECK(store.deltaSince(99, "fp")[0].full);  // a station ahead of us starts over
    // Faces of another model are not served.
    CHECK(store.deltaSince(0, "other-model")[0].upserts[0].faces.empty());
    CHECK_FALSE(store.removePerson(idA, 4));
}

TEST_CASE("large deltas come in pages marked more") {
    TempDir dir("pages");
    WatchlistStore store(dir.path / "w.db", vigil::crypto::randomKey());
    for (int i = 0; i < 5; ++i) {
        p::PersonDetails d;
        d.name = "P" + std::to_string(i);
        store.addPerson(d, {photo(0.1f)}, {}, "t", 1);
    }
    const auto pages = store.deltaSince(0, "fp", 2);
    REQUIRE(pages.size() == 3);
    CHECK(pages[0].more);
    CHECK(pages[1].more);
    CHECK_FALSE(pages[2].more);
    CHECK(pages[2].upserts.size() == 1);
}

TEST_CASE("a sighting is stored once per report id") {
    TempDir dir("dedup");
    WatchlistStore store(dir.path / "w.db", vigil::crypto::randomKey());
    NewSighting s;
    s.report.report_id = "abc";
    s.report.snapshot_jpeg = {9, 8, 7};
    const auto first = store.addSighting(s, "X", p::DangerLevel::Low);
    const auto second = store.addSighting(s, "X", p::DangerLevel::Low);
    CHECK_FALSE(first.duplicate);
    CHECK(second.duplicate);
    CHECK(second.id == first.id);
    const auto list = store.sightingsSince(0, 10);
    REQUIRE(list.size() == 1);
    CHECK(list[0].snapshot_jpeg == p::Bytes{9, 8, 7});
}

TEST_CASE("biometric columns are sealed and a tampered record is never served") {
    TempDir dir("sealed");
    const auto file = dir.path / "w.db";
    WatchlistStore store(file, vigil::crypto::randomKey());
    p::PersonDetails d;
    d.name = "Sealed";
    store.addPerson(d, {photo(0.25f)}, {}, "t", 1);
    {
        auto raw = Database::open(file, WatchlistStore::migrations());
        auto st = raw.prepare("SELECT descriptor FROM photos");
        REQUIRE(st.step());
        auto sealed = st.blob(0);
        CHECK(sealed.size() == 128 * 4 + vigil::crypto::kSealOverhead);
        sealed[20] ^= 0x01;
        raw.prepare("UPDATE photos SET descriptor = ?").bindAll(sealed).run();
    }
    const auto delta = store.deltaSince(0, "fp");
    REQUIRE(delta[0].upserts.size() == 1);
    CHECK(delta[0].upserts[0].faces.empty());
    CHECK(store.integrityFailures() == 1);
}

TEST_CASE("the audit chain reports the first altered entry") {
    TempDir dir("chain");
    const auto file = dir.path / "w.db";
    WatchlistStore store(file, vigil::crypto::randomKey());
    for (int i = 0; i < 5; ++i) store.appendAudit({i, "admin", "cli", "action", "target " + std::to_string(i), ""});
    CHECK_FALSE(store.firstBrokenAuditLink());
    {
        auto raw = Database::open(file, WatchlistStore::migrations());
        raw.exec("UPDATE audit SET target = 'forged' WHERE id = 3");
    }
    REQUIRE(store.firstBrokenAuditLink());
    CHECK(*store.firstBrokenAuditLink() == 3);
}

TEST_CASE("user names are unique regardless of case") {
    TempDir dir("users");
    CredentialStore creds(dir.path / "c.db");
    UserRecord u;
    u.username = "Alice";
    CHECK(creds.createUser(u));
    u.username = "alice";
    CHECK_FALSE(creds.createUser(u));
    CHECK(creds.findUser("ALICE"));
}

TEST_CASE("the data key is created private and reused") {
    // Issue 7: the data key is stored only wrapped (data.vault) under the key
    // file kek.key; see tests/security for the vault itself.
    TempDir dir("key");
    ServerConfig config;
    config.data_dir = dir.path;
    const auto first = loadOrCreateDataKey(config);
    const auto file = dir.path / "kek.key";
    CHECK((std::filesystem::status(file).permissions() & std::filesystem::perms::others_read) ==
          std::filesystem::perms::none);
    CHECK(loadOrCreateDataKey(config) == first);
    std::filesystem::permissions(file, std::filesystem::perms::others_read, std::filesystem::perm_options::add);
    CHECK_THROWS_WITH(loadOrCreateDataKey(config), doctest::Contains("chmod 600"));
}
