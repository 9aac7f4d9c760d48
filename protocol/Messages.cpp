#include "protocol/Messages.hpp"

#include <array>

namespace vigil::protocol {
namespace {

// Order follows the Message variant; a static_assert keeps them in step.
constexpr std::array<std::string_view, 35> kMessageNames{
    "Hello",          "HelloAck",         "Ping",           "Pong",
    "Error",          "Ok",               "CaptchaRequest", "CaptchaChallenge",
    "RegisterRequest", "RegisterResponse", "LoginRequest",  "LoginResponse",
    "ResumeSession",  "Logout",           "WatchlistSyncRequest", "WatchlistDelta",
    "WatchlistChanged", "SightingReport", "SightingAck",    "SubscribeAlerts",
    "AlertPush",      "SightingListRequest", "SightingList", "PersonAdd",
    "PersonAdded",    "PersonUpdate",     "PersonRemove",   "UserListRequest",
    "UserList",       "UserDecision",     "AuditListRequest", "AuditList",
    "ReviewListRequest", "ReviewDecision", "SightingDecided",
};
static_assert(kMessageNames.size() == std::variant_size_v<Message>,
              "every message type needs a name");

}  // namespace

std::string_view messageName(std::size_t wireType) {
    return wireType < kMessageNames.size() ? kMessageNames[wireType] : "Unknown";
}

std::string_view messageName(const Message& message) { return messageName(message.index()); }

}  // namespace vigil::protocol
