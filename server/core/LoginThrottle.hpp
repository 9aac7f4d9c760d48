#pragma once
// Brute-force brakes for logins, per account name and per address.
//
// After `free_failures` failures an account name must wait a delay that
// doubles with each further failure (capped); after `lockout_after` failures
// it is locked for `lockout_ms`. Addresses have the same shape with larger
// numbers. There is no global lock-out: an attacker spraying from many
// addresses locks the names it attacks, never everyone else.
// Keys are the names as typed (ASCII case folded, as account names compare),
// so an unknown user is throttled exactly like a real one and the answers
// reveal nothing about which names exist, and "Admin" counts as "admin".
//
// Account counters survive a restart (issue 7): the owner restores them at
// start and stores takeAccountChanges() in credentials.db; address counters
// stay in memory (addresses change hands, and a restart forgetting them
// blocks nobody).

#include "server/core/Clock.hpp"

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace vigil::server {

struct ThrottleRules {
    int free_failures = 3;
    std::int64_t base_delay_ms = 1000;
    std::int64_t max_delay_ms = 60'000;
    int lockout_after = 10;
    std::int64_t lockout_ms = 15 * 60'000;
    // Failures older than this are forgotten (sliding reset).
    std::int64_t forget_after_ms = 60 * 60'000;
};

struct ThrottleLimits {
    ThrottleRules account{};
    ThrottleRules address{5, 1000, 30'000, 100, 15 * 60'000, 60 * 60'000};
    std::size_t max_tracked = 200'000;  // entries kept before the oldest are pruned
};

// An account's failure count as stored in credentials.db.
struct AccountFailures {
    std::string account;  // case folded
    int failures = 0;
    std::int64_t last_failure_ms = 0;
    std::int64_t blocked_until_ms = 0;
    bool locked = false;
};

class LoginThrottle {
public:
    enum class Verdict { Allowed, Delayed, Locked };
    struct Decision {
        Verdict verdict = Verdict::Allowed;
        std::int64_t retry_after_ms = 0;
    };

    LoginThrottle(Clock clock, ThrottleLimits limits = {});

    // Ask before checking the password; a refusal costs the attacker nothing
    // but also teaches nothing.
    Decision check(const std::string& account, const std::string& address);
    // The address alone: a blocked address is refused a login CAPTCHA before
    // one is drawn, so a spraying client costs us almost nothing.
    Decision checkAddress(const std::string& address);
    // True when this failure locked the account (store it at once).
    bool recordFailure(const std::string& account, const std::string& address);
    // A successful login clears the account's counter (not the address's:
    // one valid account must not whitewash an address that sprays others).
    void recordSuccess(const std::string& account);

    // Counters stored before a restart (stale ones are dropped).
    void restore(const std::vector<AccountFailures>& stored);
    // Account counters changed since the last call: the current state, or
    // failures = 0 for a counter that is gone (delete it).
    std::vector<AccountFailures> takeAccountChanges();

private:
    struct Counter {
        int failures = 0;
        std::int64_t last_failure_ms = 0;
        std::int64_t blocked_until_ms = 0;
        bool locked = false;
    };
    using Table = std::unordered_map<std::string, Counter>;

    Decision judge(Table& table, const std::string& key, const ThrottleRules& rules, std::int64_t now);
    void forget(Table& table, Table::iterator it);
    void fail(Table& table, const std::string& key, const ThrottleRules& rules, std::int64_t now);
    void prune(Table& table, std::int64_t now, const ThrottleRules& rules);

    Clock clock_;
    ThrottleLimits limits_;
    std::mutex mutex_;
    Table accounts_;
    Table addresses_;
    std::unordered_set<std::string> changedAccounts_;
};

}  // namespace vigil::server
