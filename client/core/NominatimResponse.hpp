#pragma once
// Nominatim's jsonv2 answers -> a station location. The body comes from the
// network (or from a cache file on the station's disk), so these functions
// accept any bytes: a malformed, hostile or surprising answer yields a
// warning, never an exception, a crash or a location outside the globe.
// Fuzzed by tests/fuzz/NominatimResponseFuzzer.cpp.

#include "protocol/WireTypes.hpp"

#include <nlohmann/json_fwd.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace vigil::client {

struct NominatimAnswer {
    std::optional<protocol::Location> location;  // set when usable
    std::string warning;                         // why not, for the status bar
};

// The body of an HTTP 200 answer to /search (an array, first hit used) or
// /reverse (one object, or {"error": ...}).
NominatimAnswer parseNominatimResponse(std::string_view body, bool reverse);

// One place object ({"lat": "51.5", "lon": "-0.12", "display_name": ...});
// nothing when it lacks coordinates or they are not on the globe.
std::optional<protocol::Location> parseNominatimPlace(const nlohmann::json& place);

}  // namespace vigil::client
