// watchlist.db's audit log is made by security::AuditChain (issue 7: one
// implementation). A log written before (format 0, the older text encoding)
// still verifies after migration 3, the chain continues from its last row,
// and tampering on either side of the seam is reported at the right row.
#include "RawWatchlist.hpp"
#include "server/security/AuditChain.hpp"
#include "support/TestCerts.hpp"

using namespace vigil::test::watchlist;
using vigil::test::TempDir;

namespace {

// Writes a schema-1 watchlist.db with `count` audit rows as vigil-server
// wrote them before it used AuditChain.
void writeLegacyLog(const std::filesystem::path& file, int count) {
    auto db = Database::open(file, {WatchlistStore::migrations().front()});
    std::string previous(64, '0');
    for (int id = 1; id <= count; ++id) {
        const security::AuditEntry e{static_cast<std::uint64_t>(id), 1'700'000'000'000 + id, "admin", "cli",
                                     "user.add", "role station", "user u" + std::to_string(id)};
        const auto hash = security::legacyChainHashV0(previous, e);
        db.prepare("INSERT INTO audit(id, at_ms, actor, address, action, target, detail, prev_hash, hash) "
                   "VALUES(?,?,?,?,?,?,?,?,?)")
            .bindAll(id, e.time, e.actor, e.address, e.action, e.target, e.detail, previous, hash)
            .run();
        previous = hash;
    }
}

void execRaw(const std::filesystem::path& file, const std::string& sql) {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(file.c_str(), &db) == SQLITE_OK);
    REQUIRE(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(db);
}

}  // namespace

TEST_CASE("the legacy audit encoding is the one vigil-server wrote before issue 7") {
    // Pinned against an independent computation (Python hashlib) of the old
    // WatchlistAudit.cpp construction: SHA-256 over "len:field;" for each field.
    const security::AuditEntry e{1, 1'700'000'000'000, "admin", "cli", "user.add", "role station", "user bob"};
    CHECK(security::legacyChainHashV0(std::string(64, '0'), e) ==
          "1da6f4af5e62c7a12664a77a19e31942940a33aa2544fff35c09ef9c3e63d907");
}

TEST_CASE("an audit log from before the migration verifies, continues with AuditChain, and shows tampering on both sides") {
    TempDir dir("audit-migration");
    const auto file = dir.path / "watchlist.db";
    writeLegacyLog(file, 4);
    {
        WatchlistStore store(file, crypto::randomKey());
        CHECK_FALSE(store.firstBrokenAuditLink());
        CHECK(store.appendAudit({1'800'000'000'000, "admin", "cli", "person.add", "person 1", "Someone"}) == 5);
        CHECK(store.appendAudit({1'800'000'000'001, "op", "10.0.0.2", "person.remove", "person 1", ""}) == 6);
        CHECK_FALSE(store.firstBrokenAuditLink());
        CHECK(store.auditAfter(0, 10).size() == 6);
    }
    SUBCASE("an altered legacy row") {
        execRaw(file, "UPDATE audit SET detail = 'user mallory' WHERE id = 2");
        WatchlistStore store(file, crypto::randomKey());
        CHECK(store.firstBrokenAuditLink() == 2u);
    }
    SUBCASE("an altered new row") {
        execRaw(file, "UPDATE audit SET target = 'person 2' WHERE id = 6");
        WatchlistStore store(file, crypto::randomKey());
        CHECK(store.firstBrokenAuditLink() == 6u);
    }
    SUBCASE("a new row relabelled as legacy") {
        execRaw(file, "UPDATE audit SET format = 0 WHERE id = 5");
        WatchlistStore store(file, crypto::randomKey());
        CHECK(store.firstBrokenAuditLink() == 5u);
    }
    SUBCASE("a deleted row at the seam") {
        execRaw(file, "DELETE FROM audit WHERE id = 4");
        WatchlistStore store(file, crypto::randomKey());
        CHECK(store.firstBrokenAuditLink() == 5u);
    }
}
