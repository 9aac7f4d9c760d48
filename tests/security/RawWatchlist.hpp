#pragma once
// watchlist.db as an attacker with the disk sees it: direct SQL on the file,
// and the raw bytes of the database and its WAL. Shared by the tamper and
// secure-deletion tests.
#include "server/core/WatchlistStore.hpp"

#include <doctest/doctest.h>

#include <sqlite3.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace vigil::test::watchlist {

using namespace vigil;
using namespace vigil::server;

inline constexpr const char* kModel = "model-fp";

inline protocol::Bytes jpegLike(std::uint8_t seed) {
    protocol::Bytes bytes(2000);
    for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<std::uint8_t>(seed + i * 7);
    bytes[0] = 0xFF;
    bytes[1] = 0xD8;
    return bytes;
}

inline EnrolledPhoto photo(std::uint8_t seed) {
    EnrolledPhoto p;
    p.image = jpegLike(seed);
    for (std::size_t i = 0; i < p.descriptor.size(); ++i) p.descriptor[i] = static_cast<float>(seed) * 0.001f + i * 0.01f;
    p.quality = 0.9f;
    p.model_fingerprint = kModel;
    return p;
}

inline std::uint64_t addPerson(WatchlistStore& store, const std::string& name, std::uint8_t seed) {
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

inline std::int64_t firstPhotoOf(const std::filesystem::path& file, std::uint64_t personId) {
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


// True when `needle` occurs in the file's bytes (a missing file holds nothing).
inline bool fileContains(const std::filesystem::path& file, const protocol::Bytes& needle) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return false;
    const std::vector<std::uint8_t> bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    return std::search(bytes.begin(), bytes.end(), needle.begin(), needle.end()) != bytes.end();
}

// The database file or its WAL holds `needle`.
inline bool databaseHolds(const std::filesystem::path& database, const protocol::Bytes& needle) {
    return fileContains(database, needle) || fileContains(database.string() + "-wal", needle);
}

}  // namespace vigil::test::watchlist
