#include "server/core/CredentialStore.hpp"

namespace vigil::server {
namespace {

UserRecord readUser(const Statement& st) {
    UserRecord u;
    u.username = st.text(0);
    u.display_name = st.text(1);
    u.password_hash = st.text(2);
    u.role = static_cast<protocol::Role>(st.int64(3));
    u.status = static_cast<protocol::AccountStatus>(st.int64(4));
    u.created_at = st.int64(5);
    u.last_login_at = st.int64(6);
    return u;
}

constexpr const char* kUserColumns =
    "username, display_name, password_hash, role, status, created_at, last_login_at";

}  // namespace

const std::vector<std::string>& CredentialStore::migrations() {
    // Numbered migrations: index i brings the schema from version i to i+1.
    // Never edit a released one; append.
    static const std::vector<std::string> list{
        R"sql(
        CREATE TABLE users(
            username      TEXT PRIMARY KEY COLLATE NOCASE,
            display_name  TEXT NOT NULL,
            password_hash TEXT NOT NULL,
            role          INTEGER NOT NULL CHECK (role BETWEEN 0 AND 3),
            status        INTEGER NOT NULL CHECK (status BETWEEN 0 AND 2),
            created_at    INTEGER NOT NULL,
            last_login_at INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE sessions(
            token_hash    TEXT PRIMARY KEY,
            username      TEXT NOT NULL REFERENCES users(username) ON DELETE CASCADE,
            created_at_ms INTEGER NOT NULL,
            last_seen_ms  INTEGER NOT NULL,
            expires_at_ms INTEGER NOT NULL
        );
        CREATE INDEX sessions_by_user ON sessions(username);
        CREATE TABLE registration_log(
            id      INTEGER PRIMARY KEY,
            address TEXT NOT NULL,
            at_ms   INTEGER NOT NULL
        );
        CREATE INDEX registration_by_time ON registration_log(at_ms);
        CREATE INDEX registration_by_address ON registration_log(address, at_ms);
        )sql",
        // 2 (issue 7): second factor of HQ staff. The TOTP secret is sealed with
        // the data key at {"users.totp", username}; recovery codes are hashed.
        R"sql(
        ALTER TABLE users ADD COLUMN totp_secret BLOB;
        ALTER TABLE users ADD COLUMN totp_last_step INTEGER;
        ALTER TABLE users ADD COLUMN recovery_codes TEXT;
        )sql",
        // 3 (issue 7): per-account login failure counters survive a restart.
        // Keyed by the name as typed (case folded): unknown names are throttled
        // like real ones, so this is not a list of accounts.
        R"sql(
        CREATE TABLE login_failures(
            account          TEXT PRIMARY KEY,
            failures         INTEGER NOT NULL,
            last_failure_ms  INTEGER NOT NULL,
            blocked_until_ms INTEGER NOT NULL,
            locked           INTEGER NOT NULL
        );
        )sql",
    };
    return list;
}

CredentialStore::CredentialStore(const std::filesystem::path& file) : db_(Database::open(file, migrations())) {}

bool CredentialStore::createUser(const UserRecord& u) {
    std::lock_guard lock(mutex_);
    auto st = db_.prepare(
        "INSERT INTO users(username, display_name, password_hash, role, status, created_at, last_login_at) "
        "VALUES(?,?,?,?,?,?,?) ON CONFLICT(username) DO NOTHING");
    st.bindAll(u.username, u.display_name, u.password_hash, static_cast<int>(u.role), static_cast<int>(u.status),
               u.created_at, u.last_login_at);
    st.run();
    return db_.changes() == 1;
}

std::optional<UserRecord> CredentialStore::findUser(const std::string& username) {
    std::lock_guard lock(mutex_);
    auto st = db_.prepare(std::string("SELECT ") + kUserColumns + " FROM users WHERE username = ?");
    st.bind(1, username);
    if (!st.step()) return std::nullopt;
    return readUser(st);
}

std::vector<UserRecord> CredentialStore::listUsers() {
    std::lock_guard lock(mutex_);
    auto st = db_.prepare(std::string("SELECT ") + kUserColumns + " FROM users ORDER BY status, username");
    std::vector<UserRecord> out;
    while (st.step()) out.push_back(readUser(st));
    return out;
}

bool CredentialStore::setStatus(const std::string& username, protocol::AccountStatus status) {
    std::lock_guard lock(mutex_);
    db_.prepare("UPDATE users SET status = ? WHERE username = ?").bindAll(static_cast<int>(status), username).run();
    return db_.changes() == 1;
}

bool CredentialStore::setRole(const std::string& username, protocol::Role role) {
    std::lock_guard lock(mutex_);
    db_.prepare("UPDATE users SET role = ? WHERE username = ?").bindAll(static_cast<int>(role), username).run();
    return db_.changes() == 1;
}

bool CredentialStore::setPasswordHash(const std::string& username, const std::string& hash) {
    std::lock_guard lock(mutex_);
    db_.prepare("UPDATE users SET password_hash = ? WHERE username = ?").bindAll(hash, username).run();
    return db_.changes() == 1;
}

void CredentialStore::setLastLogin(const std::string& username, std::int64_t at) {
    std::lock_guard lock(mutex_);
    db_.prepare("UPDATE users SET last_login_at = ? WHERE username = ?").bindAll(at, username).run();
}

std::optional<security::StoredSecondFactor> CredentialStore::secondFactor(const std::string& username) {
    std::lock_guard lock(mutex_);
    auto st = db_.prepare("SELECT totp_secret, totp_last_step, recovery_codes FROM users WHERE username = ?");
    st.bind(1, username);
    if (!st.step() || st.isNull(0)) return std::nullopt;
    security::StoredSecondFactor f;
    f.sealedTotpSecret = st.blob(0);
    if (!st.isNull(1)) f.lastTotpStep = static_cast<std::uint64_t>(st.int64(1));
    f.recoveryCodes = st.isNull(2) ? std::string() : st.text(2);
    return f;
}

void CredentialStore::setSecondFactor(const std::string& username, const std::optional<security::StoredSecondFactor>& f) {
    std::lock_guard lock(mutex_);
    auto st = db_.prepare("UPDATE users SET totp_secret = ?, totp_last_step = NULL, recovery_codes = ? WHERE username = ?");
    if (f) st.bindAll(f->sealedTotpSecret, f->recoveryCodes, username);
    else st.bindNull(1).bindNull(2).bind(3, username);
    st.run();
}

bool CredentialStore::advanceSecondFactor(const std::string& username, const security::StoredSecondFactor& previous,
                                          const security::StoredSecondFactor& updated) {
    std::lock_guard lock(mutex_);
    // Compare-and-set: two logins racing with the same code cannot both win.
    auto st = db_.prepare(
        "UPDATE users SET totp_last_step = ?, recovery_codes = ? "
        "WHERE username = ? AND totp_last_step IS ? AND recovery_codes IS ?");
    if (updated.lastTotpStep) st.bind(1, *updated.lastTotpStep);
    else st.bindNull(1);
    st.bind(2, updated.recoveryCodes).bind(3, username);
    if (previous.lastTotpStep) st.bind(4, *previous.lastTotpStep);
    else st.bindNull(4);
    st.bind(5, previous.recoveryCodes);
    st.run();
    return db_.changes() == 1;
}

std::size_t CredentialStore::countUsers() {
    std::lock_guard lock(mutex_);
    auto st = db_.prepare("SELECT COUNT(*) FROM users");
    return st.step() ? static_cast<std::size_t>(st.int64(0)) : 0;
}

void CredentialStore::insertSession(const SessionRecord& s) {
    std::lock_guard lock(mutex_);
    db_.prepare("INSERT INTO sessions(token_hash, username, created_at_ms, last_seen_ms, expires_at_ms) "
                "VALUES(?,?,?,?,?)")
        .bindAll(s.token_hash, s.username, s.created_at_ms, s.last_seen_ms, s.expires_at_ms)
        .run();
}

std::optional<SessionRecord> CredentialStore::findSession(const std::string& tokenHash) {
    std::lock_guard lock(mutex_);
    auto st = db_.prepare(
        "SELECT token_hash, username, created_at_ms, last_seen_ms, expires_at_ms FROM sessions WHERE token_hash = ?");
    st.bind(1, tokenHash);
    if (!st.step()) return std::nullopt;
    return SessionRecord{st.text(0), st.text(1), st.int64(2), st.int64(3), st.int64(4)};
}

void CredentialStore::touchSession(const std::string& tokenHash, std::int64_t nowMs) {
    std::lock_guard lock(mutex_);
    db_.prepare("UPDATE sessions SET last_seen_ms = ? WHERE token_hash = ?").bindAll(nowMs, tokenHash).run();
}

void CredentialStore::deleteSession(const std::string& tokenHash) {
    std::lock_guard lock(mutex_);
    db_.prepare("DELETE FROM sessions WHERE token_hash = ?").bindAll(tokenHash).run();
}

void CredentialStore::deleteSessionsOf(const std::string& username) {
    std::lock_guard lock(mutex_);
    db_.prepare("DELETE FROM sessions WHERE username = ?").bindAll(username).run();
}

void CredentialStore::deleteExpiredSessions(std::int64_t nowMs, std::int64_t idleMs) {
    std::lock_guard lock(mutex_);
    db_.prepare("DELETE FROM sessions WHERE expires_at_ms <= ? OR last_seen_ms <= ?")
        .bindAll(nowMs, nowMs - idleMs)
        .run();
}

void CredentialStore::logRegistration(const std::string& address, std::int64_t atMs) {
    std::lock_guard lock(mutex_);
    db_.prepare("INSERT INTO registration_log(address, at_ms) VALUES(?,?)").bindAll(address, atMs).run();
    // Entries older than a day are no longer needed by any limit.
    db_.prepare("DELETE FROM registration_log WHERE at_ms < ?").bindAll(atMs - 24 * 3600 * 1000LL).run();
}

std::size_t CredentialStore::registrationsSince(std::int64_t sinceMs) {
    std::lock_guard lock(mutex_);
    auto st = db_.prepare("SELECT COUNT(*) FROM registration_log WHERE at_ms > ?");
    st.bind(1, sinceMs);
    return st.step() ? static_cast<std::size_t>(st.int64(0)) : 0;
}

std::size_t CredentialStore::registrationsFromSince(const std::string& address, std::int64_t sinceMs) {
    std::lock_guard lock(mutex_);
    auto st = db_.prepare("SELECT COUNT(*) FROM registration_log WHERE address = ? AND at_ms > ?");
    st.bindAll(address, sinceMs);
    return st.step() ? static_cast<std::size_t>(st.int64(0)) : 0;
}

std::int64_t CredentialStore::dataVersion() {
    std::lock_guard lock(mutex_);
    return db_.dataVersion();
}

std::vector<AccountFailures> CredentialStore::loginFailures() {
    std::lock_guard lock(mutex_);
    auto st = db_.prepare("SELECT account, failures, last_failure_ms, blocked_until_ms, locked FROM login_failures");
    std::vector<AccountFailures> out;
    while (st.step())
        out.push_back({st.text(0), static_cast<int>(st.int64(1)), st.int64(2), st.int64(3), st.int64(4) != 0});
    return out;
}

void CredentialStore::storeLoginFailures(const std::vector<AccountFailures>& changes) {
    if (changes.empty()) return;
    std::lock_guard lock(mutex_);
    Database::Transaction tx(db_);
    auto upsert = db_.prepare(
        "INSERT INTO login_failures(account, failures, last_failure_ms, blocked_until_ms, locked) VALUES(?,?,?,?,?) "
        "ON CONFLICT(account) DO UPDATE SET failures = excluded.failures, last_failure_ms = excluded.last_failure_ms, "
        "blocked_until_ms = excluded.blocked_until_ms, locked = excluded.locked");
    auto erase = db_.prepare("DELETE FROM login_failures WHERE account = ?");
    for (const auto& f : changes) {
        if (f.failures > 0) {
            upsert.bindAll(f.account, f.failures, f.last_failure_ms, f.blocked_until_ms, f.locked ? 1 : 0).run();
            upsert.reset();
        } else {
            erase.bindAll(f.account).run();
            erase.reset();
        }
    }
    tx.commit();
}

}  // namespace vigil::server
