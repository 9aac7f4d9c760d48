#pragma once
// Fan-out of server pushes (alerts, watchlist changes, account revocations)
// to everyone subscribed: network sessions and the in-process console.
// The frame of a push is encoded once and shared by every session.

#include "protocol/Messages.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <vector>

namespace vigil::server {

struct PushEvent {
    enum class Kind { Alert, WatchlistChanged, AccountRevoked, Decision };
    // Who of the alert subscribers gets an Alert or a Decision (issue 9): a
    // sighting waiting for review goes to HQ staff only; a decision to HQ
    // staff and the reporting station (`account`).
    enum class Audience { Everyone, Staff, StaffAndAccount };
    Kind kind = Kind::Alert;
    protocol::Message message;  // AlertPush, WatchlistChanged, SightingDecided (Ok for revocations)
    std::shared_ptr<const std::vector<std::uint8_t>> frame;  // encoded with request id 0
    std::uint64_t origin_connection = 0;  // the session that caused it (not told again)
    std::string account;                  // for AccountRevoked and StaffAndAccount
    Audience audience = Audience::Everyone;
};

class AlertHub {
public:
    using Callback = std::function<void(const std::shared_ptr<const PushEvent>&)>;

    // Unsubscribes on destruction and waits for a callback in flight, so the
    // callback's captures may die right after. A callback must not destroy
    // its own subscription.
    class Subscription {
    public:
        Subscription() = default;
        Subscription(AlertHub* hub, std::uint64_t id) : hub_(hub), id_(id) {}
        Subscription(Subscription&& other) noexcept : hub_(other.hub_), id_(other.id_) { other.hub_ = nullptr; }
        Subscription& operator=(Subscription&& other) noexcept;
        ~Subscription() { reset(); }
        void reset();

    private:
        AlertHub* hub_ = nullptr;
        std::uint64_t id_ = 0;
    };

    Subscription subscribe(Callback callback);
    void publish(const std::shared_ptr<const PushEvent>& event);
    std::size_t subscriberCount();

    static std::shared_ptr<const PushEvent> alert(const protocol::Sighting& sighting, std::uint64_t origin,
                                                  PushEvent::Audience audience = PushEvent::Audience::Everyone);
    static std::shared_ptr<const PushEvent> decision(const protocol::SightingDecided& decided,
                                                     PushEvent::Audience audience);
    static std::shared_ptr<const PushEvent> watchlistChanged(std::uint64_t version);
    static std::shared_ptr<const PushEvent> accountRevoked(const std::string& account);

private:
    void unsubscribe(std::uint64_t id);

    std::shared_mutex mutex_;
    std::uint64_t nextId_ = 1;
    std::map<std::uint64_t, Callback> subscribers_;
};

}  // namespace vigil::server
