// WatchlistStore: sightings and their review (issue 9).
#include "server/core/WatchlistStore.hpp"

#include <algorithm>
#include <cstring>

namespace vigil::server {
namespace {

constexpr const char* kSightingColumns =
    "id, report_id, person_id, person_name, danger, station, has_coordinates, latitude, longitude, place, "
    "distance, observed_at_ms, received_at_ms, snapshot, runner_up_id, runner_up_name, runner_up_distance, "
    "review, decided_by, decided_at_ms, dismiss_reason, review_note";

protocol::ReviewState reviewFrom(const std::string& text) {
    if (text == "confirmed") return protocol::ReviewState::Confirmed;
    if (text == "dismissed") return protocol::ReviewState::Dismissed;
    return protocol::ReviewState::Pending;
}

protocol::DismissReason reasonFrom(std::int64_t raw) {
    return raw >= 0 && raw <= static_cast<std::int64_t>(protocol::kLastDismissReason)
               ? static_cast<protocol::DismissReason>(raw)
               : protocol::DismissReason::Other;
}

}  // namespace

StoredSighting WatchlistStore::addSighting(const NewSighting& s, const std::string& personName,
                                           protocol::DangerLevel danger) {
    std::lock_guard lock(mutex_);
    const auto& r = s.report;
    StoredSighting out;
    out.sighting.report_id = r.report_id;
    out.sighting.person_id = r.person_id;
    out.sighting.person_name = personName;
    out.sighting.danger = danger;
    out.sighting.station = s.station;
    out.sighting.location = r.location;
    out.sighting.distance = r.distance;
    out.sighting.observed_at_ms = r.observed_at_ms;
    out.sighting.received_at_ms = s.received_at_ms;
    out.sighting.snapshot_jpeg = r.snapshot_jpeg;
    out.sighting.runner_up_id = r.runner_up_id;
    out.sighting.runner_up_name = s.runner_up_name;
    out.sighting.runner_up_distance = r.runner_up_distance;

    Database::Transaction tx(db_);
    auto existing = db_.prepare("SELECT id FROM sightings WHERE report_id = ?");
    existing.bind(1, r.report_id);
    if (existing.step()) {
        out.id = static_cast<std::uint64_t>(existing.int64(0));
        out.sighting.id = out.id;
        out.duplicate = true;
        return out;
    }
    db_.prepare("INSERT INTO sightings(report_id, person_id, person_name, danger, station, has_coordinates, "
                "latitude, longitude, place, distance, observed_at_ms, received_at_ms, snapshot, probe, "
                "runner_up_id, runner_up_name, runner_up_distance) "
                "VALUES(?,?,?,?,?,?,?,?,?,?,?,?,x'',x'',?,?,?)")
        .bindAll(r.report_id, r.person_id, personName, static_cast<int>(danger), s.station,
                 static_cast<int>(r.location.has_coordinates), r.location.latitude, r.location.longitude,
                 r.location.place, static_cast<double>(r.distance), r.observed_at_ms, s.received_at_ms,
                 r.runner_up_id, s.runner_up_name, static_cast<double>(r.runner_up_distance))
        .run();
    const auto id = db_.lastInsertId();
    db_.prepare("UPDATE sightings SET snapshot = ?, probe = ? WHERE id = ?")
        .bindAll(seal(r.snapshot_jpeg, "sighting.snapshot", id), sealDescriptor(r.probe, "sighting.probe", id), id)
        .run();
    tx.commit();
    out.id = static_cast<std::uint64_t>(id);
    out.sighting.id = out.id;
    return out;
}

bool WatchlistStore::hasSighting(const std::string& reportId) {
    std::lock_guard lock(mutex_);
    auto st = db_.prepare("SELECT 1 FROM sightings WHERE report_id = ?");
    st.bind(1, reportId);
    return st.step();
}

protocol::Sighting WatchlistStore::readSighting(Statement& st, std::size_t& snapshotBytes, std::size_t snapshotBudget) {
    protocol::Sighting s;
    s.id = static_cast<std::uint64_t>(st.int64(0));
    s.report_id = st.text(1);
    s.person_id = static_cast<std::uint64_t>(st.int64(2));
    s.person_name = st.text(3);
    s.danger = static_cast<protocol::DangerLevel>(st.int64(4));
    s.station = st.text(5);
    s.location.has_coordinates = st.int64(6) != 0;
    s.location.latitude = st.real(7);
    s.location.longitude = st.real(8);
    s.location.place = st.text(9);
    s.distance = static_cast<float>(st.real(10));
    s.observed_at_ms = st.int64(11);
    s.received_at_ms = st.int64(12);
    // Snapshots ride along while they fit one frame comfortably; later
    // entries of a long list come without (ask again with a later `since`).
    const auto sealed = st.blob(13);
    // Empty: erased (its person was removed, or past snapshot retention).
    if (!sealed.empty() && snapshotBytes + sealed.size() <= snapshotBudget) {
        if (auto plain = open(sealed, "sighting.snapshot", st.int64(0))) {
            snapshotBytes += plain->size();
            s.snapshot_jpeg = std::move(*plain);
        }
    }
    s.runner_up_id = static_cast<std::uint64_t>(st.int64(14));
    s.runner_up_name = st.text(15);
    s.runner_up_distance = static_cast<float>(st.real(16));
    s.review = reviewFrom(st.text(17));
    s.decided_by = st.text(18);
    s.decided_at_ms = st.int64(19);
    s.dismiss_reason = reasonFrom(st.int64(20));
    s.review_note = st.text(21);
    return s;
}

std::vector<protocol::Sighting> WatchlistStore::readSightings(const std::string& whereOrderLimit, std::int64_t a,
                                                              std::int64_t b, std::size_t snapshotBudget) {
    auto st = db_.prepare(std::string("SELECT ") + kSightingColumns + " FROM sightings " + whereOrderLimit);
    st.bindAll(a, b);
    std::vector<protocol::Sighting> out;
    std::size_t snapshotBytes = 0;
    while (st.step()) out.push_back(readSighting(st, snapshotBytes, snapshotBudget));
    return out;
}

std::vector<protocol::Sighting> WatchlistStore::sightingsSince(std::int64_t sinceMs, std::size_t limit,
                                                               std::size_t snapshotBudget) {
    std::lock_guard lock(mutex_);
    return readSightings("WHERE received_at_ms >= ? ORDER BY received_at_ms, id LIMIT ?", sinceMs,
                         static_cast<std::int64_t>(limit), snapshotBudget);
}

std::vector<protocol::Sighting> WatchlistStore::pendingSightings(std::size_t limit, std::size_t snapshotBudget) {
    std::lock_guard lock(mutex_);
    return readSightings("WHERE review = 'pending' AND id > ? ORDER BY id LIMIT ?", 0,
                         static_cast<std::int64_t>(limit), snapshotBudget);
}

std::optional<protocol::Sighting> WatchlistStore::sighting(std::uint64_t id) {
    std::lock_guard lock(mutex_);
    auto found = readSightings("WHERE id = ? LIMIT ?", static_cast<std::int64_t>(id), 1, 2 * protocol::kMaxSnapshotBytes);
    if (found.empty()) return std::nullopt;
    return std::move(found.front());
}

std::uint64_t WatchlistStore::lastDecisionSeq() {
    std::lock_guard lock(mutex_);
    auto st = db_.prepare("SELECT value FROM meta WHERE key = 'decisions'");
    return st.step() ? static_cast<std::uint64_t>(st.int64(0)) : 0;
}

std::vector<protocol::Sighting> WatchlistStore::decidedAfter(std::uint64_t afterSeq, std::size_t limit,
                                                             std::uint64_t& lastSeq) {
    std::lock_guard lock(mutex_);
    lastSeq = afterSeq;
    auto seqs = db_.prepare("SELECT MAX(decision_seq) FROM (SELECT decision_seq FROM sightings WHERE decision_seq > ? "
                            "ORDER BY decision_seq LIMIT ?)");
    seqs.bindAll(afterSeq, static_cast<std::int64_t>(limit));
    if (seqs.step() && !seqs.isNull(0)) lastSeq = static_cast<std::uint64_t>(seqs.int64(0));
    return readSightings("WHERE decision_seq > ? AND decision_seq <= ? ORDER BY decision_seq",
                         static_cast<std::int64_t>(afterSeq), static_cast<std::int64_t>(lastSeq),
                         8 * 1024 * 1024);
}

SightingDecision WatchlistStore::decideSighting(std::uint64_t id, protocol::ReviewState decision,
                                                protocol::DismissReason reason, const std::string& note,
                                                const std::string& decidedBy, std::int64_t atMs,
                                                const std::string& fingerprint) {
    using Outcome = SightingDecision::Outcome;
    std::lock_guard lock(mutex_);
    SightingDecision out;
    // One write transaction: two operators deciding at once are serialised
    // here, the second sees the first's decision.
    Database::Transaction tx(db_);
    auto rows = readSightings("WHERE id = ? LIMIT ?", static_cast<std::int64_t>(id), 1, 0);
    if (rows.empty()) return out;
    out.sighting = std::move(rows.front());
    if (out.sighting.review != protocol::ReviewState::Pending) {
        out.outcome = out.sighting.review == decision ? Outcome::Repeated : Outcome::Conflict;
        return out;
    }
    auto person = db_.prepare("SELECT 1 FROM persons WHERE id = ?");
    person.bind(1, out.sighting.person_id);
    if (!person.step()) {
        out.outcome = Outcome::PersonRemoved;
        return out;
    }
    const bool confirmed = decision == protocol::ReviewState::Confirmed;
    if (confirmed) reason = protocol::DismissReason::None;
    db_.prepare("UPDATE meta SET value = value + 1 WHERE key = 'decisions'").run();
    db_.prepare("UPDATE sightings SET review = ?, decided_by = ?, decided_at_ms = ?, dismiss_reason = ?, "
                "review_note = ?, decision_seq = (SELECT value FROM meta WHERE key = 'decisions') WHERE id = ?")
        .bindAll(confirmed ? "confirmed" : "dismissed", decidedBy, atMs, static_cast<int>(reason), note, id)
        .run();
    out.sighting.review = decision;
    out.sighting.decided_by = decidedBy;
    out.sighting.decided_at_ms = atMs;
    out.sighting.dismiss_reason = reason;
    out.sighting.review_note = note;
    out.outcome = Outcome::Decided;

    if (reason == protocol::DismissReason::WrongPerson) {
        auto probeRow = db_.prepare("SELECT probe FROM sightings WHERE id = ?");
        probeRow.bind(1, id);
        probeRow.step();
        const auto sealedProbe = probeRow.blob(0);  // empty once erased by retention
        const auto probe = sealedProbe.empty() ? std::nullopt
                                               : open(sealedProbe, "sighting.probe", static_cast<std::int64_t>(id));
        // A probe of zeros: a station too old to send its face; nothing to learn.
        const bool usable = probe && probe->size() == sizeof(float) * protocol::kDescriptorSize &&
                            std::any_of(probe->begin(), probe->end(), [](std::uint8_t b) { return b != 0; });
        if (usable) {
            db_.prepare("INSERT INTO person_negatives(person_id, sighting_id, descriptor, model_fingerprint, "
                        "created_at, created_by) VALUES(?, ?, x'', ?, ?, ?)")
                .bindAll(out.sighting.person_id, id, fingerprint, atMs / 1000, decidedBy)
                .run();
            const auto negativeId = db_.lastInsertId();
            db_.prepare("UPDATE person_negatives SET descriptor = ? WHERE id = ?")
                .bindAll(seal(*probe, "negative.descriptor", negativeId), negativeId)
                .run();
            db_.prepare("DELETE FROM person_negatives WHERE person_id = ? AND id NOT IN (SELECT id FROM "
                        "person_negatives WHERE person_id = ? ORDER BY id DESC LIMIT ?)")
                .bindAll(out.sighting.person_id, out.sighting.person_id,
                         static_cast<std::int64_t>(kMaxNegativesPerPerson))
                .run();
            out.version = bumpVersion();
            db_.prepare("UPDATE persons SET version = ? WHERE id = ?").bindAll(out.version, out.sighting.person_id).run();
            out.negativeStored = true;
        }
    }
    tx.commit();
    return out;
}

RetentionResult WatchlistStore::applyRetention(std::int64_t snapshotsBeforeMs, std::int64_t sightingsBeforeMs) {
    std::lock_guard lock(mutex_);
    RetentionResult result;
    {
        Database::Transaction tx(db_);
        if (snapshotsBeforeMs > 0) {
            db_.prepare("UPDATE sightings SET snapshot = x'', probe = x'' "
                        "WHERE received_at_ms < ? AND (length(snapshot) > 0 OR length(probe) > 0)")
                .bindAll(snapshotsBeforeMs)
                .run();
            result.snapshots_erased = static_cast<std::size_t>(db_.changes());
        }
        if (sightingsBeforeMs > 0) {
            db_.prepare("DELETE FROM sightings WHERE received_at_ms < ?").bindAll(sightingsBeforeMs).run();
            result.sightings_deleted = static_cast<std::size_t>(db_.changes());
        }
        tx.commit();
    }
    if (result.snapshots_erased + result.sightings_deleted > 0) result.reclaimed = db_.reclaimFreedPages();
    return result;
}

}  // namespace vigil::server
