#include "server/core/AlertHub.hpp"

#include "protocol/FrameCodec.hpp"

namespace vigil::server {

AlertHub::Subscription& AlertHub::Subscription::operator=(Subscription&& other) noexcept {
    if (this != &other) {
        reset();
        hub_ = other.hub_;
        id_ = other.id_;
        other.hub_ = nullptr;
    }
    return *this;
}

void AlertHub::Subscription::reset() {
    if (hub_) hub_->unsubscribe(id_);
    hub_ = nullptr;
}

AlertHub::Subscription AlertHub::subscribe(Callback callback) {
    std::unique_lock lock(mutex_);
    const auto id = nextId_++;
    subscribers_.emplace(id, std::move(callback));
    return Subscription(this, id);
}

void AlertHub::unsubscribe(std::uint64_t id) {
    std::unique_lock lock(mutex_);
    subscribers_.erase(id);
}

std::size_t AlertHub::subscriberCount() {
    std::shared_lock lock(mutex_);
    return subscribers_.size();
}

void AlertHub::publish(const std::shared_ptr<const PushEvent>& event) {
    // Shared lock: publishers run concurrently; unsubscribe waits for them.
    std::shared_lock lock(mutex_);
    for (auto& [id, callback] : subscribers_) callback(event);
}

namespace {

std::shared_ptr<const std::vector<std::uint8_t>> encodePush(const protocol::Message& message) {
    return std::make_shared<const std::vector<std::uint8_t>>(
        protocol::encodeFrame(protocol::Envelope{0, message}, protocol::kServerToClientLimits));
}

}  // namespace

std::shared_ptr<const PushEvent> AlertHub::alert(const protocol::Sighting& sighting, std::uint64_t origin,
                                                 PushEvent::Audience audience) {
    auto event = std::make_shared<PushEvent>();
    event->kind = PushEvent::Kind::Alert;
    event->message = protocol::AlertPush{sighting};
    event->frame = encodePush(event->message);
    event->origin_connection = origin;
    event->audience = audience;
    return event;
}

std::shared_ptr<const PushEvent> AlertHub::decision(const protocol::SightingDecided& decided,
                                                    PushEvent::Audience audience) {
    auto event = std::make_shared<PushEvent>();
    event->kind = PushEvent::Kind::Decision;
    event->message = decided;
    event->frame = encodePush(event->message);
    event->account = decided.station;
    event->audience = audience;
    return event;
}

std::shared_ptr<const PushEvent> AlertHub::watchlistChanged(std::uint64_t version) {
    auto event = std::make_shared<PushEvent>();
    event->kind = PushEvent::Kind::WatchlistChanged;
    event->message = protocol::WatchlistChanged{version};
    event->frame = encodePush(event->message);
    return event;
}

std::shared_ptr<const PushEvent> AlertHub::accountRevoked(const std::string& account) {
    auto event = std::make_shared<PushEvent>();
    event->kind = PushEvent::Kind::AccountRevoked;
    event->message = protocol::Ok{};
    event->account = account;
    return event;
}

}  // namespace vigil::server
