// WatchlistStore: sightings.
#include "server/core/WatchlistStore.hpp"


namespace vigil::server {
namespace {

constexpr const char* kSightingColumns =
    "id, report_id, person_id, person_name, danger, station, has_coordinates, latitude, longitude, place, "
    "distance, observed_at_ms, received_at_ms, snapshot";

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
                "latitude, longitude, place, distance, observed_at_ms, received_at_ms, snapshot, probe) "
                "VALUES(?,?,?,?,?,?,?,?,?,?,?,?,x'',x'')")
        .bindAll(r.report_id, r.person_id, personName, static_cast<int>(danger), s.station,
                 static_cast<int>(r.location.has_coordinates), r.location.latitude, r.location.longitude,
                 r.location.place, static_cast<double>(r.distance), r.observed_at_ms, s.received_at_ms)
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

std::vector<protocol::Sighting> WatchlistStore::sightingsSince(std::int64_t sinceMs, std::size_t limit,
                                                               std::size_t snapshotBudget) {
    std::lock_guard lock(mutex_);
    auto st = db_.prepare(std::string("SELECT ") + kSightingColumns +
                          " FROM sightings WHERE received_at_ms >= ? ORDER BY received_at_ms, id LIMIT ?");
    st.bindAll(sinceMs, static_cast<std::int64_t>(limit));
    std::vector<protocol::Sighting> out;
    std::size_t snapshotBytes = 0;
    while (st.step()) {
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
        out.push_back(std::move(s));
    }
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
