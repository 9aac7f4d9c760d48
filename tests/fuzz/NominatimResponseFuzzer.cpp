// libFuzzer harness: the station's parser of Nominatim answers
// (client/core/NominatimResponse), which reads bytes from the network.
//   byte 0, bit 0: the answer to /reverse (else /search)
//   rest: the HTTP body
// Whatever the bytes: no exception escapes, the answer is a location or a
// warning (never both, never neither), a location is on the globe with
// finite coordinates and a name taken from the body, and it survives the
// station's on-disk cache format (written as saveCache does, read back).
#include "client/core/NominatimResponse.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

using vigil::client::parseNominatimPlace;
using vigil::client::parseNominatimResponse;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const bool reverse = (data[0] & 1) != 0;
    const std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);
    try {
        const auto answer = parseNominatimResponse(body, reverse);
        if (answer.location.has_value() == !answer.warning.empty()) std::abort();
        if (!answer.location) return 0;
        const auto& l = *answer.location;
        if (!l.has_coordinates || !std::isfinite(l.latitude) || !std::isfinite(l.longitude)) std::abort();
        if (std::abs(l.latitude) > 90 || std::abs(l.longitude) > 180) std::abort();
        if (l.place.size() > body.size()) std::abort();

        // The cache entry, as NominatimClient::saveCache writes it, reads back.
        const nlohmann::json entry = {{"lat", std::to_string(l.latitude)},
                                      {"lon", std::to_string(l.longitude)},
                                      {"display_name", l.place}};
        const auto again = parseNominatimPlace(nlohmann::json::parse(entry.dump(1)));
        if (!again || again->place != l.place) std::abort();
        if (std::abs(again->latitude - l.latitude) > 1e-6 || std::abs(again->longitude - l.longitude) > 1e-6)
            std::abort();
    } catch (...) {
        std::abort();  // the parser must turn every input into an answer
    }
    return 0;
}
