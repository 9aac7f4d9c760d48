#pragma once
// One function per request message: decides what a connection may ask in
// its current state, calls HqService, and returns the replies. std::visit
// over the Message variant with an overload for every alternative, so a new
// message type does not compile until it is decided here. No sockets.

#include "server/core/HqService.hpp"

#include <optional>
#include <string>
#include <vector>

namespace vigil::server {

// What a connection has established so far.
struct ConnectionState {
    std::uint64_t connection_id = 0;
    std::string address;
    bool hello_done = false;
    std::optional<Actor> actor;  // set after login / resume
    std::string token_hash;
    bool alerts_wanted = false;
};

struct HandlerOutput {
    std::vector<protocol::Envelope> replies;
    bool close_after = false;       // protocol violation or logout: close once replies are sent
    bool authenticated_now = false; // switch to session limits, start pushes
};

class RequestHandlers {
public:
    explicit RequestHandlers(HqService& service) : service_(service) {}
    HandlerOutput handle(ConnectionState& state, protocol::Envelope&& envelope);

private:
    HqService& service_;
};

}  // namespace vigil::server
