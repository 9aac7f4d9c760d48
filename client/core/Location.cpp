#include "client/core/Location.hpp"
#include "client/core/NominatimResponse.hpp"

#include <curl/curl.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>
#include <memory>
#include <thread>

namespace vigil::client {
namespace {

using Json = nlohmann::json;

// Answers larger than this are not a geocoding result; stop reading.
constexpr std::size_t kMaxResponseBytes = 256 * 1024;

struct CurlGlobal {
    CurlGlobal() { curl_global_init(CURL_GLOBAL_DEFAULT); }
};

std::size_t appendBody(char* data, std::size_t size, std::size_t count, void* user) {
    auto* body = static_cast<std::string*>(user);
    const std::size_t bytes = size * count;
    if (body->size() + bytes > kMaxResponseBytes) return 0;  // aborts the transfer
    body->append(data, bytes);
    return bytes;
}

std::string escape(CURL* curl, const std::string& text) {
    std::unique_ptr<char, decltype(&curl_free)> out(
        curl_easy_escape(curl, text.c_str(), static_cast<int>(text.size())), &curl_free);
    return out ? std::string(out.get()) : std::string();
}

}  // namespace

NominatimClient::NominatimClient(NominatimOptions options) : options_(std::move(options)) {
    static CurlGlobal global;
    while (!options_.baseUrl.empty() && options_.baseUrl.back() == '/') options_.baseUrl.pop_back();
    loadCache();
}

std::size_t NominatimClient::requestsSent() const {
    std::lock_guard lock(mutex_);
    return requestsSent_;
}

GeoResult NominatimClient::search(const std::string& address) {
    std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), &curl_easy_cleanup);
    const std::string url = options_.baseUrl + "/search?format=jsonv2&limit=1&q=" +
                            escape(curl.get(), address);
    return lookup("search:" + address, url, false);
}

GeoResult NominatimClient::reverse(double latitude, double longitude) {
    char coords[96];
    std::snprintf(coords, sizeof coords, "lat=%.6f&lon=%.6f", latitude, longitude);
    return lookup(std::string("reverse:") + coords,
                  options_.baseUrl + "/reverse?format=jsonv2&" + coords, true);
}

GeoResult NominatimClient::lookup(const std::string& cacheKey, const std::string& url,
                                  bool reverse) {
    std::lock_guard lock(mutex_);
    if (auto hit = cache_.find(cacheKey); hit != cache_.end())
        return GeoResult{hit->second, {}, true};

    if (lastRequest_) {
        const auto next = *lastRequest_ + options_.minInterval;
        std::this_thread::sleep_until(next);  // the policy's pacing, not synchronisation
    }
    long status = 0;
    std::string error;
    const std::string body = get(url, status, error);
    lastRequest_ = std::chrono::steady_clock::now();
    ++requestsSent_;

    GeoResult result;
    if (!error.empty()) {
        result.warning = "location service unreachable: " + error;
        return result;
    }
    if (status != 200) {
        result.warning = "location service answered HTTP " + std::to_string(status);
        return result;
    }
    auto answer = parseNominatimResponse(body, reverse);
    result.location = std::move(answer.location);
    if (!result.location) {
        result.warning = std::move(answer.warning);
        return result;
    }
    cache_[cacheKey] = *result.location;
    saveCache();
    return result;
}

std::string NominatimClient::get(const std::string& url, long& httpStatus, std::string& error) {
    std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), &curl_easy_cleanup);
    if (!curl) {
        error = "cannot start an HTTP client";
        return {};
    }
    std::string body;
    char curlError[CURL_ERROR_SIZE] = {};
    curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl.get(), CURLOPT_USERAGENT, options_.userAgent.c_str());
    curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout.count()));
    curl_easy_setopt(curl.get(), CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(options_.timeout.count()));
    curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);  // timeouts from threads
    curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, appendBody);
    curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &body);
    curl_easy_setopt(curl.get(), CURLOPT_ERRORBUFFER, curlError);
    curl_easy_setopt(curl.get(), CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl.get(), CURLOPT_FOLLOWLOCATION, 0L);
    const CURLcode code = curl_easy_perform(curl.get());
    if (code != CURLE_OK) {
        error = curlError[0] ? curlError : curl_easy_strerror(code);
        return {};
    }
    curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &httpStatus);
    return body;
}

void NominatimClient::loadCache() {
    if (options_.cacheFile.empty()) return;
    std::ifstream in(options_.cacheFile);
    if (!in) return;
    const Json json = Json::parse(in, nullptr, false);
    if (!json.is_object()) return;  // a damaged cache is only a cache: start afresh
    for (const auto& [key, value] : json.items())
        if (auto location = parseNominatimPlace(value)) cache_[key] = *location;
}

void NominatimClient::saveCache() const {
    if (options_.cacheFile.empty()) return;
    Json json = Json::object();
    for (const auto& [key, location] : cache_)
        json[key] = {{"lat", std::to_string(location.latitude)},
                     {"lon", std::to_string(location.longitude)},
                     {"display_name", location.place}};
    std::error_code ec;
    std::filesystem::create_directories(options_.cacheFile.parent_path(), ec);
    const auto temp = options_.cacheFile.string() + ".part";
    {
        std::ofstream out(temp, std::ios::trunc);
        out << json.dump(1);
        if (!out) return;
    }
    std::filesystem::rename(temp, options_.cacheFile, ec);
}

ResolvedLocation resolveStationLocation(NominatimClient& client, const std::string& address,
                                        std::optional<double> latitude,
                                        std::optional<double> longitude) {
    ResolvedLocation out;
    out.location.place = address;
    if (latitude && longitude) {
        out.location.has_coordinates = true;
        out.location.latitude = *latitude;
        out.location.longitude = *longitude;
        if (address.empty()) {
            GeoResult r = client.reverse(*latitude, *longitude);
            if (r.location) out.location.place = r.location->place;
            out.warning = r.warning;
        }
        return out;
    }
    if (address.empty()) {
        out.warning = "no station address or coordinates configured";
        return out;
    }
    GeoResult r = client.search(address);
    if (r.location) {
        out.location.has_coordinates = true;
        out.location.latitude = r.location->latitude;
        out.location.longitude = r.location->longitude;
    }
    out.warning = r.warning;
    return out;
}

}  // namespace vigil::client
