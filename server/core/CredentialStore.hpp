#pragma once
// credentials.db: accounts, sessions (token hashes only) and the
// registration log that keeps rate limits alive across restarts.
// Thread-safe: one connection, one mutex.

#include "server/core/LoginThrottle.hpp"
#include "server/core/Sqlite.hpp"
#include "server/security/SecondFactor.hpp"

#include "protocol/WireTypes.hpp"

#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace vigil::server {

struct UserRecord {
    std::string username;
    std::string display_name;
    std::string password_hash;
    protocol::Role role = protocol::Role::Station;
    protocol::AccountStatus status = protocol::AccountStatus::Pending;
    std::int64_t created_at = 0;     // unix seconds
    std::int64_t last_login_at = 0;  // unix seconds, 0 = never
};

struct SessionRecord {
    std::string token_hash;
    std::string username;
    std::int64_t created_at_ms = 0;
    std::int64_t last_seen_ms = 0;
    std::int64_t expires_at_ms = 0;  // absolute expiry
};

class CredentialStore {
public:
    explicit CredentialStore(const std::filesystem::path& file);

    // false when the name is taken (compared case-insensitively).
    bool createUser(const UserRecord& user);
    std::optional<UserRecord> findUser(const std::string& username);
    std::vector<UserRecord> listUsers();
    bool setStatus(const std::string& username, protocol::AccountStatus status);
    bool setRole(const std::string& username, protocol::Role role);
    bool setPasswordHash(const std::string& username, const std::string& hash);
    void setLastLogin(const std::string& username, std::int64_t at);
    std::size_t countUsers();

    // Second factor of HQ staff (issue 7); nothing when not enrolled.
    std::optional<security::StoredSecondFactor> secondFactor(const std::string& username);
    void setSecondFactor(const std::string& username, const std::optional<security::StoredSecondFactor>& factor);
    // Stores `updated` only if the stored state is still `previous` (replay-safe under concurrency).
    bool advanceSecondFactor(const std::string& username, const security::StoredSecondFactor& previous,
                             const security::StoredSecondFactor& updated);

    void insertSession(const SessionRecord& session);
    std::optional<SessionRecord> findSession(const std::string& tokenHash);
    void touchSession(const std::string& tokenHash, std::int64_t nowMs);
    void deleteSession(const std::string& tokenHash);
    void deleteSessionsOf(const std::string& username);
    void deleteExpiredSessions(std::int64_t nowMs, std::int64_t idleMs);

    void logRegistration(const std::string& address, std::int64_t atMs);
    std::size_t registrationsSince(std::int64_t sinceMs);
    std::size_t registrationsFromSince(const std::string& address, std::int64_t sinceMs);

    // Per-account login failure counters (issue 7: a restart keeps a lock-out).
    std::vector<AccountFailures> loginFailures();
    // Stores each counter, deleting those with failures == 0; one transaction.
    void storeLoginFailures(const std::vector<AccountFailures>& changes);

    // Changes whenever another process commits to credentials.db.
    std::int64_t dataVersion();

    static const std::vector<std::string>& migrations();

private:
    std::mutex mutex_;
    Database db_;
};

}  // namespace vigil::server
