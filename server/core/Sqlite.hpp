#pragma once
// RAII wrappers for SQLite: a Database owns one connection, a Statement one
// prepared statement. Every value goes in through bind(); callers never build
// SQL from data. Schema changes are numbered migrations applied at open.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace vigil::server {

using Blob = std::vector<std::uint8_t>;

class DatabaseError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class Statement {
public:
    Statement(sqlite3* db, std::string_view sql);
    ~Statement();
    Statement(Statement&& other) noexcept;
    Statement& operator=(Statement&&) = delete;
    Statement(const Statement&) = delete;

    // Parameters are 1-based, as in SQLite.
    Statement& bind(int index, std::int64_t value);
    Statement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
    Statement& bind(int index, std::uint64_t value) { return bind(index, static_cast<std::int64_t>(value)); }
    Statement& bind(int index, long long value) { return bind(index, static_cast<std::int64_t>(value)); }
    Statement& bind(int index, unsigned value) { return bind(index, static_cast<std::int64_t>(value)); }
    Statement& bind(int index, double value);
    Statement& bind(int index, std::string_view text);
    Statement& bind(int index, const std::string& text) { return bind(index, std::string_view(text)); }
    Statement& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
    Statement& bind(int index, std::span<const std::uint8_t> blob);
    Statement& bind(int index, const Blob& blob) { return bind(index, std::span<const std::uint8_t>(blob)); }
    Statement& bindNull(int index);

    template <class... T>
    Statement& bindAll(const T&... values) {
        int index = 0;
        (bind(++index, values), ...);
        return *this;
    }

    // true while a row is available; false when done. Throws on error.
    bool step();
    // Runs a statement that returns no rows.
    void run();
    void reset();

    bool isNull(int column) const;
    std::int64_t int64(int column) const;
    double real(int column) const;
    std::string text(int column) const;
    Blob blob(int column) const;

private:
    sqlite3* db_;
    sqlite3_stmt* stmt_;
};

class Database {
public:
    // Opens (creating if needed) and applies `migrations[i]` for every i at or
    // above the file's PRAGMA user_version, each in its own transaction.
    // WAL, foreign keys, a busy timeout and synchronous=FULL are set first:
    // an acknowledged write survives a kill of the process or the machine.
    static Database open(const std::filesystem::path& file, const std::vector<std::string>& migrations);

    ~Database();
    Database(Database&& other) noexcept;
    Database& operator=(Database&&) = delete;
    Database(const Database&) = delete;

    Statement prepare(std::string_view sql);
    void exec(std::string_view sql);
    std::int64_t lastInsertId() const;
    int changes() const;
    int schemaVersion();
    // Changes whenever another connection commits (PRAGMA data_version).
    std::int64_t dataVersion();
    // After deleting sensitive rows: freed pages vacuumed, the WAL checkpointed
    // and truncated. false when another connection's read kept the WAL alive
    // (the bytes are then gone at the next successful checkpoint).
    bool reclaimFreedPages();
    // "ok" or what PRAGMA integrity_check found.
    std::string integrityCheck();

    // BEGIN IMMEDIATE (takes the write lock up front so two processes never
    // deadlock upgrading read locks); rolls back unless commit() was called.
    class Transaction {
    public:
        explicit Transaction(Database& db);
        ~Transaction();
        void commit();
        Transaction(const Transaction&) = delete;
        Transaction& operator=(const Transaction&) = delete;

    private:
        Database& db_;
        bool done_ = false;
    };

private:
    explicit Database(sqlite3* db) : db_(db) {}
    sqlite3* db_;
};

}  // namespace vigil::server
