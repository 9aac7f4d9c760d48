#pragma once
// When a match becomes an alert. One match is weak evidence (a blurred frame,
// a look-alike at a bad angle); an alert needs several agreeing matches of
// the same track. Once raised, the same person stays quiet for a cooldown,
// however many tracks see him. Open alerts (not yet acknowledged on screen)
// are capped: past the cap an alert is still reported to HQ and spoken but
// gets no popup of its own.

#include <cstdint>
#include <map>
#include <optional>
#include <set>

namespace vigil::client {

struct AlertPolicyOptions {
    int requiredMatches = 2;           // agreeing matches of one track
    std::int64_t cooldownMs = 60'000;  // per person
    std::size_t maxOpenAlerts = 5;
};

// One description of a track, after matching.
struct MatchObservation {
    std::int64_t trackId = 0;
    std::optional<std::uint64_t> person;  // the accepted match; empty: nobody on the list
    float distance = 0;
    std::int64_t atMs = 0;
};

struct AlertDecision {
    std::uint64_t alertId = 0;
    std::uint64_t person = 0;
    std::int64_t trackId = 0;
    float bestDistance = 0;  // smallest distance among the agreeing matches
    bool popup = true;       // false when the open-alert cap was reached
};

class AlertPolicy {
public:
    explicit AlertPolicy(AlertPolicyOptions options = {});

    std::optional<AlertDecision> observe(const MatchObservation& match);
    void acknowledge(std::uint64_t alertId);
    void forgetTrack(std::int64_t trackId);

    std::size_t openAlerts() const { return open_.size(); }
    std::size_t suppressedByCooldown() const { return suppressed_; }
    const AlertPolicyOptions& options() const { return options_; }

private:
    struct Streak {
        std::uint64_t person = 0;
        int count = 0;
        float bestDistance = 0;
    };
    AlertPolicyOptions options_;
    std::map<std::int64_t, Streak> streaks_;            // by track
    std::map<std::uint64_t, std::int64_t> lastAlertMs_;  // by person
    std::set<std::uint64_t> open_;
    std::uint64_t nextAlertId_ = 1;
    std::size_t suppressed_ = 0;
};

}  // namespace vigil::client
