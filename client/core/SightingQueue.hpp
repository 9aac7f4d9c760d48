#pragma once
// Sighting reports on their way to HQ. Every report is written here (SQLite,
// synchronous=FULL: durable when add() returns) before the first attempt to
// send it, and removed only when the server's SightingAck names its report
// id. A crash, a power cut or an outage of the link therefore loses none; a
// report sent but not yet acknowledged is sent again after a reconnect with
// the same report id, and the server stores it once (it deduplicates by id).
// Reports carry a face snapshot, so each row is sealed with AES-256-GCM bound
// to its report id.

#include "client/core/SqliteDb.hpp"
#include "protocol/Crypto.hpp"
#include "protocol/Messages.hpp"

#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

namespace vigil::client {

class SightingQueue {
public:
    SightingQueue(const std::filesystem::path& file, const crypto::Key256& key);

    // 128 random bits, hex: unique across stations without coordination.
    static std::string newReportId();

    // Durable when this returns. A report id already queued is ignored.
    void add(const protocol::SightingReport& report);
    // Oldest first.
    std::vector<protocol::SightingReport> pending(std::size_t limit = 1000) const;
    void markDelivered(const std::string& reportId);
    std::size_t size() const;
    // Rows that failed to open (damaged, or sealed under another key); they
    // are kept, not deleted, so an operator can recover them with the right key.
    std::size_t unreadable() const;

private:
    crypto::Key256 key_;
    mutable std::mutex mutex_;
    SqliteDb db_;
    mutable std::size_t unreadable_ = 0;
};

}  // namespace vigil::client
