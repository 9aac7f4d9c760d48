#include "client/core/NominatimResponse.hpp"

#include <nlohmann/json.hpp>

#include <cmath>

namespace vigil::client {
namespace {

using Json = nlohmann::json;

std::optional<double> number(const Json& value) {
    // Nominatim sends coordinates as strings ("51.50"); accept numbers too.
    try {
        double v = value.is_string() ? std::stod(value.get<std::string>()) : value.get<double>();
        if (std::isfinite(v)) return v;
    } catch (const std::exception&) {
    }
    return std::nullopt;
}

}  // namespace

std::optional<protocol::Location> parseNominatimPlace(const Json& place) {
    if (!place.is_object() || !place.contains("lat") || !place.contains("lon")) return std::nullopt;
    const auto lat = number(place["lat"]);
    const auto lon = number(place["lon"]);
    if (!lat || !lon || std::abs(*lat) > 90 || std::abs(*lon) > 180) return std::nullopt;
    protocol::Location location;
    location.has_coordinates = true;
    location.latitude = *lat;
    location.longitude = *lon;
    if (place.contains("display_name") && place["display_name"].is_string())
        location.place = place["display_name"].get<std::string>();
    return location;
}

NominatimAnswer parseNominatimResponse(std::string_view body, bool reverse) {
    NominatimAnswer answer;
    const Json json = Json::parse(body.begin(), body.end(), nullptr, /*allow_exceptions=*/false);
    if (json.is_discarded()) {
        answer.warning = "location service answered something that is not JSON";
        return answer;
    }
    const Json* place = nullptr;
    if (reverse) {
        if (json.is_object() && !json.contains("error")) place = &json;
    } else if (json.is_array() && !json.empty()) {
        place = &json.front();
    }
    if (!place) {
        answer.warning = reverse ? "location service knows no address at these coordinates"
                                 : "location service found no such address";
        return answer;
    }
    answer.location = parseNominatimPlace(*place);
    if (!answer.location) answer.warning = "location service answered without usable coordinates";
    return answer;
}

}  // namespace vigil::client
