#include "client/core/AlertPolicy.hpp"

#include <algorithm>

namespace vigil::client {

AlertPolicy::AlertPolicy(AlertPolicyOptions options) : options_(options) {
    options_.requiredMatches = std::max(options_.requiredMatches, 1);
}

std::optional<AlertDecision> AlertPolicy::observe(const MatchObservation& match) {
    if (!match.person) {
        // A description that matches nobody breaks the streak: agreement must be consecutive.
        streaks_.erase(match.trackId);
        return std::nullopt;
    }
    Streak& streak = streaks_[match.trackId];
    if (streak.count == 0 || streak.person != *match.person) {
        streak = Streak{*match.person, 0, match.distance};
    }
    ++streak.count;
    streak.bestDistance = std::min(streak.bestDistance, match.distance);
    if (streak.count < options_.requiredMatches) return std::nullopt;

    if (auto last = lastAlertMs_.find(streak.person);
        last != lastAlertMs_.end() && match.atMs - last->second < options_.cooldownMs) {
        ++suppressed_;
        return std::nullopt;
    }
    lastAlertMs_[streak.person] = match.atMs;
    AlertDecision decision{nextAlertId_++, streak.person, match.trackId, streak.bestDistance, true};
    if (open_.size() >= options_.maxOpenAlerts)
        decision.popup = false;
    else
        open_.insert(decision.alertId);
    streak.count = 0;
    return decision;
}

void AlertPolicy::acknowledge(std::uint64_t alertId) { open_.erase(alertId); }

void AlertPolicy::forgetTrack(std::int64_t trackId) { streaks_.erase(trackId); }

}  // namespace vigil::client
