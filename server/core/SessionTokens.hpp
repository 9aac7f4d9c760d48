#pragma once
// Session tokens: 256 random bits handed to the client once, stored only as
// their SHA-256. A token dies after `idle_ms` without use or `absolute_ms`
// after it was issued, whichever comes first; within its life a reconnecting
// station resumes without a new login.

#include "server/core/Clock.hpp"
#include "server/core/CredentialStore.hpp"

#include <optional>
#include <string>

namespace vigil::server {

struct SessionLimits {
    std::int64_t idle_ms = 12 * 3600 * 1000LL;
    std::int64_t absolute_ms = 7 * 24 * 3600 * 1000LL;
};

struct IssuedToken {
    std::string token;  // hex, 64 characters; never stored
    std::int64_t expires_at_ms = 0;
};

class SessionTokens {
public:
    SessionTokens(CredentialStore& store, Clock clock, SessionLimits limits = {});

    IssuedToken issue(const std::string& username);
    // The session's record when the token is valid; refreshes its idle timer.
    std::optional<SessionRecord> resume(const std::string& token);
    void revoke(const std::string& token);
    void revokeAllOf(const std::string& username);

    static std::string hashOf(const std::string& token);

private:
    CredentialStore& store_;
    Clock clock_;
    SessionLimits limits_;
};

}  // namespace vigil::server
