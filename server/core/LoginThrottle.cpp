#include "server/core/LoginThrottle.hpp"

#include <algorithm>

namespace vigil::server {

namespace {

// Account names compare case-insensitively (ASCII, as SQLite's NOCASE): the
// throttle must count "Admin" and "admin" as one account.
std::string folded(const std::string& account) {
    std::string out = account;
    for (auto& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

}  // namespace

LoginThrottle::LoginThrottle(Clock clock, ThrottleLimits limits) : clock_(std::move(clock)), limits_(limits) {}

void LoginThrottle::forget(Table& table, Table::iterator it) {
    if (&table == &accounts_) changedAccounts_.insert(it->first);
    table.erase(it);
}

LoginThrottle::Decision LoginThrottle::judge(Table& table, const std::string& key, const ThrottleRules& rules,
                                             std::int64_t now) {
    auto it = table.find(key);
    if (it == table.end()) return {};
    Counter& c = it->second;
    if (c.blocked_until_ms > now) return {c.locked ? Verdict::Locked : Verdict::Delayed, c.blocked_until_ms - now};
    if (c.locked || now - c.last_failure_ms > rules.forget_after_ms) {
        // A served lock-out or a long quiet spell starts the count afresh.
        forget(table, it);
    }
    return {};
}

LoginThrottle::Decision LoginThrottle::check(const std::string& account, const std::string& address) {
    std::lock_guard lock(mutex_);
    const auto now = clock_();
    const auto byAccount = judge(accounts_, folded(account), limits_.account, now);
    const auto byAddress = judge(addresses_, address, limits_.address, now);
    // The stricter of the two answers.
    if (byAccount.verdict == Verdict::Locked) return byAccount;
    if (byAddress.verdict == Verdict::Locked) return byAddress;
    if (byAccount.verdict == Verdict::Delayed || byAddress.verdict == Verdict::Delayed)
        return {Verdict::Delayed, std::max(byAccount.retry_after_ms, byAddress.retry_after_ms)};
    return {};
}

LoginThrottle::Decision LoginThrottle::checkAddress(const std::string& address) {
    std::lock_guard lock(mutex_);
    return judge(addresses_, address, limits_.address, clock_());
}

void LoginThrottle::fail(Table& table, const std::string& key, const ThrottleRules& rules, std::int64_t now) {
    if (table.size() >= limits_.max_tracked) prune(table, now, rules);
    if (&table == &accounts_) changedAccounts_.insert(key);
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
        if (stale && &table == &accounts_) changedAccounts_.insert(it->first);
        it = stale ? table.erase(it) : std::next(it);
    }
    // Still full of live entries: drop unblocked ones rather than grow without bound.
    for (auto it = table.begin(); table.size() >= limits_.max_tracked && it != table.end();) {
        if (it->second.blocked_until_ms > now) {
            ++it;
            continue;
        }
        if (&table == &accounts_) changedAccounts_.insert(it->first);
        it = table.erase(it);
    }
}

bool LoginThrottle::recordFailure(const std::string& account, const std::string& address) {
    std::lock_guard lock(mutex_);
    const auto now = clock_();
    const auto key = folded(account);
    const bool wasLocked = accounts_.count(key) != 0 && accounts_[key].locked;
    fail(accounts_, key, limits_.account, now);
    fail(addresses_, address, limits_.address, now);
    const auto it = accounts_.find(key);
    return !wasLocked && it != accounts_.end() && it->second.locked;
}

void LoginThrottle::recordSuccess(const std::string& account) {
    std::lock_guard lock(mutex_);
    if (const auto it = accounts_.find(folded(account)); it != accounts_.end()) forget(accounts_, it);
}

void LoginThrottle::restore(const std::vector<AccountFailures>& stored) {
    std::lock_guard lock(mutex_);
    const auto now = clock_();
    for (const auto& f : stored) {
        const bool stale = f.blocked_until_ms <= now &&
                           (f.locked || now - f.last_failure_ms > limits_.account.forget_after_ms);
        if (f.failures <= 0 || stale) {
            changedAccounts_.insert(folded(f.account));  // delete the stored row
            continue;
        }
        if (accounts_.size() >= limits_.max_tracked) break;
        accounts_[folded(f.account)] = Counter{f.failures, f.last_failure_ms, f.blocked_until_ms, f.locked};
    }
}

std::vector<AccountFailures> LoginThrottle::takeAccountChanges() {
    std::lock_guard lock(mutex_);
    std::vector<AccountFailures> out;
    out.reserve(changedAccounts_.size());
    for (const auto& key : changedAccounts_) {
        AccountFailures f{key, 0, 0, 0, false};
        if (const auto it = accounts_.find(key); it != accounts_.end()) {
            f.failures = it->second.failures;
            f.last_failure_ms = it->second.last_failure_ms;
            f.blocked_until_ms = it->second.blocked_until_ms;
            f.locked = it->second.locked;
        }
        out.push_back(std::move(f));
    }
    changedAccounts_.clear();
    return out;
}

}  // namespace vigil::server
