#pragma once
// Delivers the offline queue to HQ. A report is on disk before it is first
// sent (submit), leaves the disk only when HQ's SightingAck names it, and is
// sent again after a drop with the same report id: none is lost, and the
// server's deduplication by report id makes none count twice. At most one
// copy of a report is in flight at a time.

#include "client/core/ServerLink.hpp"
#include "client/core/SightingQueue.hpp"

#include <condition_variable>
#include <functional>
#include <mutex>
#include <set>

namespace vigil::client {

class SightingSender {
public:
    using Delivered = std::function<void(const std::string& reportId)>;
    using Event = std::function<void(const std::string& sentence)>;

    SightingSender(SightingQueue& queue, ServerLink* link, Delivered onDelivered = {}, Event onEvent = {});

    // Stores the report durably, then tries to send it.
    void submit(const protocol::SightingReport& report);
    // Sends every queued report not already in flight, when logged in.
    void flush();

    bool waitAllDelivered(std::chrono::milliseconds timeout);
    std::size_t delivered() const;
    std::size_t inFlight() const;

private:
    SightingQueue& queue_;
    ServerLink* link_;
    Delivered onDelivered_;
    Event onEvent_;
    mutable std::mutex mutex_;
    std::condition_variable changed_;
    std::set<std::string> inFlight_;
    std::size_t delivered_ = 0;
};

}  // namespace vigil::client
