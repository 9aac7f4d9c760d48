#include "server/core/Sqlite.hpp"

#include <sqlite3.h>

namespace vigil::server {
namespace {

[[noreturn]] void fail(sqlite3* db, std::string_view what) {
    throw DatabaseError(std::string(what) + ": " + (db ? sqlite3_errmsg(db) : "out of memory"));
}

}  // namespace

Statement::Statement(sqlite3* db, std::string_view sql) : db_(db), stmt_(nullptr) {
    if (sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr) != SQLITE_OK)
        fail(db, "cannot prepare statement");
}

Statement::~Statement() {
    if (stmt_) sqlite3_finalize(stmt_);
}

Statement::Statement(Statement&& other) noexcept : db_(other.db_), stmt_(other.stmt_) { other.stmt_ = nullptr; }

Statement& Statement::bind(int index, std::int64_t value) {
    if (sqlite3_bind_int64(stmt_, index, value) != SQLITE_OK) fail(db_, "bind");
    return *this;
}

Statement& Statement::bind(int index, double value) {
    if (sqlite3_bind_double(stmt_, index, value) != SQLITE_OK) fail(db_, "bind");
    return *this;
}

Statement& Statement::bind(int index, std::string_view text) {
    if (sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8) != SQLITE_OK)
        fail(db_, "bind");
    return *this;
}

Statement& Statement::bind(int index, std::span<const std::uint8_t> blob) {
    // A zero-length blob must still be a blob, not NULL.
    static const std::uint8_t empty = 0;
    const void* data = blob.empty() ? &empty : blob.data();
    if (sqlite3_bind_blob64(stmt_, index, data, blob.size(), SQLITE_TRANSIENT) != SQLITE_OK) fail(db_, "bind");
    return *this;
}

Statement& Statement::bindNull(int index) {
    if (sqlite3_bind_null(stmt_, index) != SQLITE_OK) fail(db_, "bind");
    return *this;
}

bool Statement::step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    fail(db_, "statement failed");
}

void Statement::run() {
    while (step()) {
    }
}

void Statement::reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
}

bool Statement::isNull(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }
std::int64_t Statement::int64(int column) const { return sqlite3_column_int64(stmt_, column); }
double Statement::real(int column) const { return sqlite3_column_double(stmt_, column); }

std::string Statement::text(int column) const {
    const auto* data = sqlite3_column_text(stmt_, column);
    const int size = sqlite3_column_bytes(stmt_, column);
    return data ? std::string(reinterpret_cast<const char*>(data), static_cast<std::size_t>(size)) : std::string();
}

Blob Statement::blob(int column) const {
    const auto* data = static_cast<const std::uint8_t*>(sqlite3_column_blob(stmt_, column));
    const int size = sqlite3_column_bytes(stmt_, column);
    return data ? Blob(data, data + size) : Blob();
}

Database Database::open(const std::filesystem::path& file, const std::vector<std::string>& migrations) {
    sqlite3* raw = nullptr;
    const int rc = sqlite3_open_v2(file.c_str(), &raw,
                                   SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr);
    Database db(raw);
    if (rc != SQLITE_OK) fail(raw, "cannot open database " + file.string());
    sqlite3_extended_result_codes(raw, 1);
    sqlite3_busy_timeout(raw, 10000);
    // Freed pages go back to the file system on reclaimFreedPages(); only
    // takes effect on a new file (an older one is converted below).
    db.exec("PRAGMA auto_vacuum=INCREMENTAL");
    db.exec("PRAGMA journal_mode=WAL");
    db.exec("PRAGMA foreign_keys=ON");
    db.exec("PRAGMA synchronous=FULL");
    db.exec("PRAGMA secure_delete=ON");  // removed biometric data is overwritten, not left in free pages

    const int current = db.schemaVersion();
    if (current > static_cast<int>(migrations.size()))
        throw DatabaseError(file.string() + " has schema version " + std::to_string(current) +
                            ", newer than this program knows (" + std::to_string(migrations.size()) +
                            "); use a newer vigil-server");
    for (int version = current; version < static_cast<int>(migrations.size()); ++version) {
        Transaction tx(db);
        // Re-check under the write lock: another process may have migrated meanwhile.
        if (db.schemaVersion() > version) continue;
        db.exec(migrations[static_cast<std::size_t>(version)]);
        db.exec("PRAGMA user_version=" + std::to_string(version + 1));
        tx.commit();
    }
    auto autoVacuum = db.prepare("PRAGMA auto_vacuum");
    if (autoVacuum.step() && autoVacuum.int64(0) != 2) {
        // A file from before issue 7's secure deletion: one VACUUM switches it
        // to incremental vacuuming (and rewrites it without its free pages).
        autoVacuum.reset();
        db.exec("PRAGMA auto_vacuum=INCREMENTAL");
        db.exec("VACUUM");
    }
    return db;
}

bool Database::reclaimFreedPages() {
    // secure_delete has zeroed the freed pages; give them back to the file
    // system, then copy the WAL into the database and cut the WAL to zero
    // bytes, so that older page images in it (which still hold the removed
    // records) are gone too.
    exec("PRAGMA incremental_vacuum");
    auto checkpoint = prepare("PRAGMA wal_checkpoint(TRUNCATE)");
    return checkpoint.step() && checkpoint.int64(0) == 0;  // column 0: 1 when a reader blocked it
}

Database::~Database() {
    if (db_) sqlite3_close_v2(db_);
}

Database::Database(Database&& other) noexcept : db_(other.db_) { other.db_ = nullptr; }

Statement Database::prepare(std::string_view sql) { return Statement(db_, sql); }

void Database::exec(std::string_view sql) {
    char* message = nullptr;
    const std::string text(sql);
    if (sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
        std::string what = message ? message : sqlite3_errmsg(db_);
        sqlite3_free(message);
        throw DatabaseError("SQL failed: " + what);
    }
}

std::int64_t Database::lastInsertId() const { return sqlite3_last_insert_rowid(db_); }
int Database::changes() const { return sqlite3_changes(db_); }

int Database::schemaVersion() {
    auto st = prepare("PRAGMA user_version");
    return st.step() ? static_cast<int>(st.int64(0)) : 0;
}

std::int64_t Database::dataVersion() {
    auto st = prepare("PRAGMA data_version");
    return st.step() ? st.int64(0) : 0;
}

std::string Database::integrityCheck() {
    auto st = prepare("PRAGMA integrity_check");
    std::string result;
    while (st.step()) result += (result.empty() ? "" : "; ") + st.text(0);
    return result;
}

Database::Transaction::Transaction(Database& db) : db_(db) { db_.exec("BEGIN IMMEDIATE"); }

Database::Transaction::~Transaction() {
    if (!done_) {
        try {
            db_.exec("ROLLBACK");
        } catch (...) {
            // The connection already rolled back (e.g. after SQLITE_FULL).
        }
    }
}

void Database::Transaction::commit() {
    db_.exec("COMMIT");
    done_ = true;
}

}  // namespace vigil::server
