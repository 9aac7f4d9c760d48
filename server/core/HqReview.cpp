// HqService: match review (issue 9). An operator or admin confirms a pending
// sighting (it then reaches every station) or dismisses it with a reason (the
// reporting station withdraws its alert; "wrong-person" keeps the face as a
// negative example of the wanted person). Every decision is audited.
#include "server/core/HqService.hpp"

namespace vigil::server {
namespace {

using protocol::ErrorCode;

constexpr std::size_t kMaxReviewNoteBytes = 500;

protocol::SightingDecided decidedFrom(const protocol::Sighting& s) {
    return protocol::SightingDecided{s.id,         s.report_id,      s.person_id,  s.station,      s.review,
                                     s.dismiss_reason, s.review_note, s.decided_by, s.decided_at_ms};
}

std::string formatDistance(float d) {
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "%.3f", static_cast<double>(d));
    return buffer;
}

}  // namespace

Result<std::vector<protocol::Sighting>> HqService::listPendingSightings(const Actor& actor, std::uint32_t limit) {
    if (auto no = deny(actor, Capability::ReviewSightings, "review queue")) return *no;
    return watchlist_.pendingSightings(std::min<std::uint32_t>(limit == 0 ? 200 : limit, 1000));
}

Result<protocol::SightingDecided> HqService::confirmSighting(const Actor& actor, std::uint64_t id) {
    return decideSighting(actor, protocol::ReviewDecision{id, true, protocol::DismissReason::None, {}});
}

Result<protocol::SightingDecided> HqService::dismissSighting(const Actor& actor, std::uint64_t id,
                                                             protocol::DismissReason reason, const std::string& note) {
    return decideSighting(actor, protocol::ReviewDecision{id, false, reason, note});
}

Result<protocol::SightingDecided> HqService::decideSighting(const Actor& actor, const protocol::ReviewDecision& d) {
    using Outcome = SightingDecision::Outcome;
    const auto target = "sighting " + std::to_string(d.sighting_id);
    if (auto no = deny(actor, Capability::ReviewSightings, target)) return *no;
    if (!d.confirm && d.reason == protocol::DismissReason::None)
        return refuse(ErrorCode::InvalidRequest,
                      "a dismissal needs a reason: wrong-person, poor-image, duplicate or other");
    if (d.note.size() > kMaxReviewNoteBytes)
        return refuse(ErrorCode::InvalidRequest, "the note is longer than 500 characters");
    const auto decision = d.confirm ? protocol::ReviewState::Confirmed : protocol::ReviewState::Dismissed;
    const auto reason = d.confirm ? protocol::DismissReason::None : d.reason;
    const auto result =
        watchlist_.decideSighting(d.sighting_id, decision, reason, d.note, actor.username, clock_(), modelFingerprint());
    const auto& s = result.sighting;
    switch (result.outcome) {
    case Outcome::NotFound: return refuse(ErrorCode::NotFound, "no sighting with id " + std::to_string(d.sighting_id));
    case Outcome::PersonRemoved:
        audit(actor, "sighting.review.refused", target, "person " + std::to_string(s.person_id) + " was removed");
        return refuse(ErrorCode::NotFound, "the wanted person of " + target + " (" + s.person_name +
                                               ") was removed from the watchlist; it can no longer be confirmed "
                                               "or dismissed");
    case Outcome::Conflict:
        return refuse(ErrorCode::InvalidRequest, target + " was already " + std::string(protocol::describe(s.review)) +
                                                     " by " + s.decided_by + "; a decision is final");
    case Outcome::Repeated: return decidedFrom(s);  // harmless: same answer, nothing pushed again
    case Outcome::Decided: break;
    }

    std::string detail = s.person_name + " seen by " + s.station + ", distance " + formatDistance(s.distance);
    if (!d.confirm) detail += ", reason " + std::string(protocol::describe(reason));
    if (!d.note.empty()) detail += ", note: " + d.note;
    if (result.negativeStored) detail += "; face kept as a negative example";
    audit(actor, d.confirm ? "sighting.confirm" : "sighting.dismiss", target, detail);

    publishNewDecisions();
    if (result.negativeStored) announceVersion(result.version);
    return decidedFrom(s);
}

void HqService::publishNewDecisions() {
    std::lock_guard lock(decisionsMutex_);
    for (;;) {
        std::uint64_t last = publishedDecisions_;
        const auto decided = watchlist_.decidedAfter(publishedDecisions_, 64, last);
        if (decided.empty()) return;
        for (const auto& s : decided) {
            // Whoever was alerted before the review hears of the decision; a
            // confirmation reaches everyone.
            const bool pushedAtOnce = config_.pushesAtOnce(s.danger);
            hub_.publish(AlertHub::decision(decidedFrom(s), pushedAtOnce ? PushEvent::Audience::Everyone
                                                                         : PushEvent::Audience::StaffAndAccount));
            if (s.review == protocol::ReviewState::Confirmed)
                hub_.publish(AlertHub::alert(s, 0, PushEvent::Audience::Everyone));
        }
        publishedDecisions_ = last;
    }
}

Result<std::vector<protocol::Bytes>> HqService::personPhotos(const Actor& actor, std::uint64_t personId) {
    if (auto no = deny(actor, Capability::ReviewSightings, "photos of person " + std::to_string(personId))) return *no;
    if (!watchlist_.person(personId)) return refuse(ErrorCode::NotFound, "no person with id " + std::to_string(personId));
    return watchlist_.photoImages(personId);
}

}  // namespace vigil::server
