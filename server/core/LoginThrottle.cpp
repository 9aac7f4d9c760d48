#include "server/core/LoginThrottle.hpp"

#include <algorithm>

namespace vigil::server {

LoginThrottle::LoginThrottle(Clock clock, ThrottleLimits limits) : clock_(std::move(clock)), limits_(limits) {}

LoginThrottle::Decision LoginThrottle::judge(Table& table, const std::string& key, const ThrottleRules& rules,
                                             std::int64_t now) {
    auto it = table.find(key);
    if (it == table.end()) return {};
    Counter& c = it->second;
    if (c.blocked_until_ms > now) return {c.locked ? Verdict::Locked : Verdict::Delayed, c.blocked_until_ms - now};
    if (c.locked || now - c.last_failure_ms > rules.forget_after_ms) {
        // A served lock-out or a long quiet spell starts the count afresh.
        table.erase(it);
    }
    return {};
}

LoginThrottle::Decision LoginThrottle::check(const std::string& account, const std::string& address) {
    std::lock_guard lock(mutex_);
    const auto now = clock_();
    const auto byAccount = judge(accounts_, account, limits_.account, now);
    const auto byAddress = judge(addresses_, address, limits_.address, now);
    // The stricter of the two answers.
    if (byAccount.verdict == Verdict::Locked) return byAccount;
    if (byAddress.verdict == Verdict::Locked) return byAddress;
    if (byAccount.verdict == Verdict::Delayed || byAddress.verdict == Verdict::Delayed)
        return {Verdict::Delayed, std::max(byAccount.retry_after_ms, byAddress.retry_after_ms)};
    return {};
}

void LoginThrottle::fail(Table& table, const std::string& key, const ThrottleRules& rules, std::int64_t now) {
    if (table.size() >= limits_.max_tracked) prune(table, now, rules);
    Counter& c = table[key];
    ++c.failures;
    c.last_failure_ms = now;
    if (c.failures >= rules.lockout_after) {
        c.locked = true;
        c.blocked_until_ms = now + rules.lockout_ms;
    } else if (c.failures > rules.free_failures) {
        // Doubling delay: 1 s, 2 s, 4 s ... capped.
        const int doublings = std::min(c.failures - rules.free_failures - 1, 30);
        c.blocked_until_ms = now + std::min(rules.max_delay_ms, rules.base_delay_ms << doublings);
    }
}

void LoginThrottle::prune(Table& table, std::int64_t now, const ThrottleRules& rules) {
    for (auto it = table.begin(); it != table.end();) {
        const bool stale = it->second.blocked_until_ms <= now && now - it->second.last_failure_ms > rules.forget_after_ms / 4;
        it = stale ? table.erase(it) : std::next(it);
    }
    // Still full of live entries: drop unblocked ones rather than grow without bound.
    for (auto it = table.begin(); table.size() >= limits_.max_tracked && it != table.end();)
        it = it->second.blocked_until_ms <= now ? table.erase(it) : std::next(it);
}

void LoginThrottle::recordFailure(const std::string& account, const std::string& address) {
    std::lock_guard lock(mutex_);
    const auto now = clock_();
    fail(accounts_, account, limits_.account, now);
    fail(addresses_, address, limits_.address, now);
}

void LoginThrottle::recordSuccess(const std::string& account) {
    std::lock_guard lock(mutex_);
    accounts_.erase(account);
}

}  // namespace vigil::server
