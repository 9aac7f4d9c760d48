#include "client/core/SightingSender.hpp"

namespace vigil::client {

SightingSender::SightingSender(SightingQueue& queue, ServerLink* link, Delivered onDelivered, Event onEvent)
    : queue_(queue), link_(link), onDelivered_(std::move(onDelivered)), onEvent_(std::move(onEvent)) {}

void SightingSender::submit(const protocol::SightingReport& report) {
    queue_.add(report);  // durable before the first attempt
    flush();
}

void SightingSender::flush() {
    if (!link_ || link_->status().state != LinkState::LoggedIn) return;
    for (auto& report : queue_.pending()) {
        {
            std::lock_guard lock(mutex_);
            if (!inFlight_.insert(report.report_id).second) continue;
        }
        const std::string id = report.report_id;
        link_->send(std::move(report), [this, id](protocol::Message reply) {
            const auto* ack = std::get_if<protocol::SightingAck>(&reply);
            const bool ok = ack && ack->report_id == id;
            if (ok) queue_.markDelivered(id);
            else if (onEvent_) onEvent_("sighting not delivered yet: " + replySummary(reply));
            {
                std::lock_guard lock(mutex_);
                inFlight_.erase(id);
                if (ok) ++delivered_;
            }
            changed_.notify_all();
            if (ok && onDelivered_) onDelivered_(id);
        });
    }
}

bool SightingSender::waitAllDelivered(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::unique_lock lock(mutex_);
    for (;;) {
        if (inFlight_.empty()) {
            lock.unlock();
            const bool empty = queue_.size() == 0;
            lock.lock();
            if (empty && inFlight_.empty()) return true;
        }
        if (changed_.wait_until(lock, deadline) == std::cv_status::timeout) return false;
    }
}

std::size_t SightingSender::delivered() const {
    std::lock_guard lock(mutex_);
    return delivered_;
}

std::size_t SightingSender::inFlight() const {
    std::lock_guard lock(mutex_);
    return inFlight_.size();
}

}  // namespace vigil::client
