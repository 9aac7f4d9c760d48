#pragma once
// Who may do what. The single place where roles meet capabilities; HqService
// asks it for every operation, whoever calls (network, console, command line).

#include "protocol/WireTypes.hpp"

#include <string>

namespace vigil::server {

enum class Capability {
    SyncWatchlist,   // download persons and descriptors (biometric data)
    ReportSighting,  // stations
    ReceiveAlerts,
    ListSightings,
    EditWatchlist,   // add / update / remove persons
    ManageUsers,     // approve, disable, roles, session tokens
    ReadAudit,
    ReviewSightings, // confirm / dismiss sightings (issue 9)
    WatchSessions,   // who is connected now (the console's connected-stations list)
};

constexpr bool allows(protocol::Role role, Capability c) {
    using protocol::Role;
    switch (role) {
    case Role::Admin: return true;
    case Role::Operator:
        return c == Capability::SyncWatchlist || c == Capability::ReceiveAlerts || c == Capability::ListSightings ||
               c == Capability::EditWatchlist || c == Capability::ReviewSightings || c == Capability::WatchSessions;
    case Role::Station:
        return c == Capability::SyncWatchlist || c == Capability::ReportSighting || c == Capability::ReceiveAlerts;
    case Role::Viewer: return c == Capability::ReceiveAlerts || c == Capability::ListSightings;
    }
    return false;
}

const char* describe(Capability c);

// HQ staff see every sighting, reviewed or not; stations only what HQ releases.
constexpr bool isHqStaff(protocol::Role role) { return role != protocol::Role::Station; }

// Whoever asks: the logged-in account and where it connects from ("cli",
// "console" or an IP address).
struct Actor {
    std::string username;
    protocol::Role role = protocol::Role::Viewer;
    std::string address;
};

}  // namespace vigil::server
