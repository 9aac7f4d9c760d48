#include "client/core/SightingQueue.hpp"

#include "protocol/FrameCodec.hpp"

#include <chrono>
#include <filesystem>

namespace vigil::client {
namespace {

std::string associatedData(const std::string& reportId) { return "vigil-sighting-queue:" + reportId; }

std::filesystem::path prepared(const std::filesystem::path& file) {
    if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path());
    return file;
}

}  // namespace

SightingQueue::SightingQueue(const std::filesystem::path& file, const crypto::Key256& key)
    : key_(key), db_(prepared(file)) {
    db_.exec("PRAGMA journal_mode=WAL");
    db_.exec("PRAGMA synchronous=FULL");
    db_.exec(
        "CREATE TABLE IF NOT EXISTS pending_sightings ("
        " report_id TEXT PRIMARY KEY,"
        " queued_at_ms INTEGER NOT NULL,"
        " sealed BLOB NOT NULL)");
}

std::string SightingQueue::newReportId() { return crypto::randomHex(protocol::kReportIdBytes); }

void SightingQueue::add(const protocol::SightingReport& report) {
    const auto plain = protocol::encodePayload(protocol::Envelope{0, report});
    const auto sealed = crypto::seal(key_, plain, associatedData(report.report_id));
    const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    std::lock_guard lock(mutex_);
    SqliteStatement insert(db_.handle(),
                           "INSERT OR IGNORE INTO pending_sightings(report_id, queued_at_ms, sealed) "
                           "VALUES(?1, ?2, ?3)");
    insert.bind(1, report.report_id).bind(2, static_cast<std::int64_t>(now)).bind(3, sealed).run();
}

std::vector<protocol::SightingReport> SightingQueue::pending(std::size_t limit) const {
    std::lock_guard lock(mutex_);
    SqliteStatement select(db_.handle(),
                           "SELECT report_id, sealed FROM pending_sightings "
                           "ORDER BY queued_at_ms, rowid LIMIT ?1");
    select.bind(1, static_cast<std::int64_t>(limit));
    std::vector<protocol::SightingReport> out;
    std::size_t unreadable = 0;
    while (select.step()) {
        const std::string id = select.text(0);
        const auto plain = crypto::open(key_, select.blob(1), associatedData(id));
        if (!plain) {
            ++unreadable;
            continue;
        }
        auto decoded = protocol::decodePayload(*plain, protocol::kSessionLimits);
        auto* report = decoded.ok() ? std::get_if<protocol::SightingReport>(&decoded.envelope->message)
                                    : nullptr;
        if (!report || report->report_id != id) {
            ++unreadable;
            continue;
        }
        out.push_back(std::move(*report));
    }
    unreadable_ = unreadable;
    return out;
}

void SightingQueue::markDelivered(const std::string& reportId) {
    std::lock_guard lock(mutex_);
    SqliteStatement remove(db_.handle(), "DELETE FROM pending_sightings WHERE report_id = ?1");
    remove.bind(1, reportId).run();
}

std::size_t SightingQueue::size() const {
    std::lock_guard lock(mutex_);
    SqliteStatement count(db_.handle(), "SELECT COUNT(*) FROM pending_sightings");
    count.step();
    return static_cast<std::size_t>(count.integer(0));
}

std::size_t SightingQueue::unreadable() const {
    std::lock_guard lock(mutex_);
    return unreadable_;
}

}  // namespace vigil::client
