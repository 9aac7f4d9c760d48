#pragma once
// Where the station is: its configured address resolved to coordinates, or
// its configured coordinates resolved to an address, with Nominatim over
// libcurl. Nominatim's usage policy asks for a real User-Agent, at most one
// request per second and caching of results; all three are enforced here.
// A service that is down, slow or answers garbage yields a warning, never an
// exception: the station keeps working with what it has.

#include "protocol/WireTypes.hpp"

#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace vigil::client {

struct NominatimOptions {
    std::string baseUrl = "https://nominatim.openstreetmap.org";
    // https://operations.osmfoundation.org/policies/nominatim/: identify the application.
    std::string userAgent = "vigil-station/0.1 (field station of the Vigil watchlist system)";
    std::filesystem::path cacheFile;  // empty: memory only
    std::chrono::milliseconds timeout{5000};
    std::chrono::milliseconds minInterval{1000};  // policy: at most 1 request per second
};

struct GeoResult {
    std::optional<protocol::Location> location;  // set when resolved
    std::string warning;                         // why not, for the status bar
    bool fromCache = false;
};

class NominatimClient {
public:
    explicit NominatimClient(NominatimOptions options);

    // Address -> coordinates (and Nominatim's display name).
    GeoResult search(const std::string& address);
    // Coordinates -> address.
    GeoResult reverse(double latitude, double longitude);

    // Requests actually sent over the network (cache misses).
    std::size_t requestsSent() const;

private:
    GeoResult lookup(const std::string& cacheKey, const std::string& url, bool reverse);
    std::string get(const std::string& url, long& httpStatus, std::string& error);
    void loadCache();
    void saveCache() const;

    NominatimOptions options_;
    mutable std::mutex mutex_;  // serialises requests: the rate limit is per client
    std::map<std::string, protocol::Location> cache_;
    std::optional<std::chrono::steady_clock::time_point> lastRequest_;
    std::size_t requestsSent_ = 0;
};

// The station's location from its configuration: coordinates and/or an
// address. Whatever Nominatim adds fills the gaps; a failure keeps what the
// configuration said and explains in `warning`.
struct ResolvedLocation {
    protocol::Location location;
    std::string warning;
};
ResolvedLocation resolveStationLocation(NominatimClient& client, const std::string& address,
                                        std::optional<double> latitude,
                                        std::optional<double> longitude);

}  // namespace vigil::client
