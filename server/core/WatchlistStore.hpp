#pragma once
// watchlist.db: wanted persons and their photos, the watchlist version with
// tombstones for removals, sightings, and the hash-chained audit log.
//
// Biometric columns (photo images, descriptors, thumbnails, sighting
// snapshots and probes) hold AES-256-GCM records sealed with the data key and
// bound to their table, column and row id, so a record copied to another row
// fails to open. A record that fails to open is reported and never served.
// Thread-safe: one connection, one mutex. Other processes (the command line)
// may write the same file; every write bumps the version in its transaction.

#include "server/core/Sqlite.hpp"
#include "server/security/RecordSealer.hpp"

#include "protocol/Crypto.hpp"
#include "protocol/Messages.hpp"

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace vigil::server {

struct EnrolledPhoto {
    protocol::Bytes image;  // as uploaded (JPEG/PNG)
    protocol::Descriptor descriptor{};
    float quality = 0;
    std::string model_fingerprint;
};

struct PersonSummary {
    std::uint64_t id = 0;
    protocol::PersonDetails details;
    std::int64_t created_at = 0;
    std::int64_t updated_at = 0;
    std::string created_by;
    std::size_t photo_count = 0;
};

struct NewSighting {
    protocol::SightingReport report;
    std::string station;
    std::int64_t received_at_ms = 0;
    std::string runner_up_name;  // of report.runner_up_id, looked up by the caller
};

// What a review decision did (issue 9).
struct SightingDecision {
    enum class Outcome {
        Decided,        // this call made the decision
        Repeated,       // the same decision was made before; nothing changed
        Conflict,       // decided the other way before; nothing changed
        NotFound,       // no such sighting
        PersonRemoved,  // its wanted person is no longer on the watchlist
    };
    Outcome outcome = Outcome::NotFound;
    protocol::Sighting sighting;  // as stored after the call (no snapshot)
    bool negativeStored = false;  // a wrong-person dismissal kept the probe
    std::uint64_t version = 0;    // new watchlist version when a negative was stored
};

struct StoredSighting {
    std::uint64_t id = 0;
    bool duplicate = false;
    protocol::Sighting sighting;
};

struct AuditRecord {
    std::int64_t at_ms = 0;
    std::string actor;
    std::string address;
    std::string action;
    std::string target;
    std::string detail;
};

struct RetentionResult {
    std::size_t snapshots_erased = 0;
    std::size_t sightings_deleted = 0;
    bool reclaimed = true;  // freed pages vacuumed and the WAL truncated
};

class WatchlistStore {
public:
    WatchlistStore(const std::filesystem::path& file, const crypto::Key256& dataKey);

    // Returns {person id, new version}.
    std::pair<std::uint64_t, std::uint64_t> addPerson(const protocol::PersonDetails& details,
                                                      const std::vector<EnrolledPhoto>& photos,
                                                      const protocol::Bytes& thumbnailJpeg,
                                                      const std::string& createdBy, std::int64_t nowSeconds);
    // New version, or nothing when the person does not exist.
    std::optional<std::uint64_t> updatePerson(std::uint64_t id, const protocol::PersonDetails& details,
                                              std::int64_t nowSeconds);
    // Secure deletion (issue 7): the person, its photos, descriptors and
    // aliases are deleted, its sightings' snapshots and probes erased, and the
    // freed pages and the WAL reclaimed so the bytes are gone from the files.
    std::optional<std::uint64_t> removePerson(std::uint64_t id, std::int64_t nowSeconds);

    std::optional<PersonSummary> person(std::uint64_t id);
    std::vector<PersonSummary> persons();
    std::optional<protocol::WantedPerson> wantedPerson(std::uint64_t id, const std::string& modelFingerprint);
    // The enrolled photos as uploaded (for the review queue: snapshot beside them).
    std::vector<protocol::Bytes> photoImages(std::uint64_t personId);

    std::uint64_t version();
    // The change from `haveVersion` to now in pages of at most `pageSize`
    // persons. Only faces computed with `modelFingerprint` are included.
    std::vector<protocol::WatchlistDelta> deltaSince(std::uint64_t haveVersion, const std::string& modelFingerprint,
                                                     std::size_t pageSize = 64);

    // Stored durably (synchronous=FULL) before this returns: the caller may
    // acknowledge. A report_id seen before returns the earlier sighting with
    // duplicate = true and stores nothing.
    StoredSighting addSighting(const NewSighting& sighting, const std::string& personName,
                               protocol::DangerLevel danger);
    std::vector<protocol::Sighting> sightingsSince(std::int64_t sinceMs, std::size_t limit,
                                                   std::size_t snapshotBudgetBytes = 8 * 1024 * 1024);
    // Issue 9: sightings waiting for review, oldest first.
    std::vector<protocol::Sighting> pendingSightings(std::size_t limit,
                                                     std::size_t snapshotBudgetBytes = 8 * 1024 * 1024);
    std::optional<protocol::Sighting> sighting(std::uint64_t id);
    // Confirms or dismisses a pending sighting in one transaction. A
    // wrong-person dismissal stores the sighting's probe as a negative of its
    // person (computed with `modelFingerprint`) and bumps the person's version.
    SightingDecision decideSighting(std::uint64_t id, protocol::ReviewState decision, protocol::DismissReason reason,
                                    const std::string& note, const std::string& decidedBy, std::int64_t atMs,
                                    const std::string& modelFingerprint);
    // Decisions are numbered in the order they were made (any process); the
    // server pushes those it has not pushed yet, including the command line's.
    std::uint64_t lastDecisionSeq();
    // Decided sightings with a number above `afterSeq`, in order, with their
    // snapshots; `lastSeq` gets the highest number returned.
    std::vector<protocol::Sighting> decidedAfter(std::uint64_t afterSeq, std::size_t limit, std::uint64_t& lastSeq);
    // At most this many negatives per person are kept; the oldest go first.
    static constexpr std::size_t kMaxNegativesPerPerson = 64;
    bool hasSighting(const std::string& reportId);
    // Retention: snapshots (and probes) of sightings received before
    // `snapshotsBeforeMs` are erased, sightings received before
    // `sightingsBeforeMs` deleted; 0 keeps them. Freed space is reclaimed.
    RetentionResult applyRetention(std::int64_t snapshotsBeforeMs, std::int64_t sightingsBeforeMs);

    std::uint64_t appendAudit(const AuditRecord& record);
    std::vector<protocol::AuditEntry> auditAfter(std::uint64_t afterId, std::size_t limit);
    // Id of the first entry whose hash does not follow from its predecessor.
    std::optional<std::uint64_t> firstBrokenAuditLink();

    // Records that failed authentication since start (tampering or corruption).
    std::uint64_t integrityFailures() const { return integrityFailures_.load(); }
    std::string integrityCheck();

    static const std::vector<std::string>& migrations();

private:
    std::uint64_t bumpVersion();
    protocol::Bytes seal(std::span<const std::uint8_t> plain, const std::string& what, std::int64_t id);
    std::optional<protocol::Bytes> open(std::span<const std::uint8_t> record, const std::string& what, std::int64_t id);
    protocol::Bytes sealDescriptor(const protocol::Descriptor& d, const std::string& what, std::int64_t id);
    std::optional<protocol::Descriptor> openDescriptor(std::span<const std::uint8_t> record, const std::string& what,
                                                       std::int64_t id);
    void reportTampered(const std::string& what, std::int64_t id);
    protocol::PersonDetails readDetails(std::int64_t id, Statement& row);
    protocol::Sighting readSighting(Statement& row, std::size_t& snapshotBytes, std::size_t snapshotBudget);
    std::vector<protocol::Sighting> readSightings(const std::string& whereOrderLimit, std::int64_t a, std::int64_t b,
                                                  std::size_t snapshotBudget);
    std::vector<protocol::WantedPerson> readWanted(const std::string& where, std::uint64_t after,
                                                   const std::string& modelFingerprint);

    std::mutex mutex_;
    Database db_;
    security::RecordSealer sealer_;
    std::atomic<std::uint64_t> integrityFailures_{0};
};

}  // namespace vigil::server
