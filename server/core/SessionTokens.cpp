#include "server/core/SessionTokens.hpp"

#include "protocol/Crypto.hpp"

namespace vigil::server {

SessionTokens::SessionTokens(CredentialStore& store, Clock clock, SessionLimits limits)
    : store_(store), clock_(std::move(clock)), limits_(limits) {}

std::string SessionTokens::hashOf(const std::string& token) { return crypto::toHex(crypto::sha256(token)); }

IssuedToken SessionTokens::issue(const std::string& username) {
    const auto now = clock_();
    store_.deleteExpiredSessions(now, limits_.idle_ms);
    IssuedToken issued{crypto::randomHex(32), now + limits_.absolute_ms};
    store_.insertSession(SessionRecord{hashOf(issued.token), username, now, now, issued.expires_at_ms});
    return issued;
}

std::optional<SessionRecord> SessionTokens::resume(const std::string& token) {
    // Only well-formed tokens reach the database. The lookup is by the hash
    // of a 256-bit secret, so its timing tells an attacker nothing usable.
    if (token.size() != 64 || !crypto::fromHex(token)) return std::nullopt;
    const auto hash = hashOf(token);
    auto record = store_.findSession(hash);
    if (!record) return std::nullopt;
    const auto now = clock_();
    if (now >= record->expires_at_ms || now - record->last_seen_ms >= limits_.idle_ms) {
        store_.deleteSession(hash);
        return std::nullopt;
    }
    store_.touchSession(hash, now);
    record->last_seen_ms = now;
    return record;
}

void SessionTokens::revoke(const std::string& token) { store_.deleteSession(hashOf(token)); }

void SessionTokens::revokeAllOf(const std::string& username) { store_.deleteSessionsOf(username); }

}  // namespace vigil::server
