// The Nominatim client against a real HTTP server on loopback.
#include "LocalHttpServer.hpp"
#include "client/core/Location.hpp"
#include "support/TestCerts.hpp"

#include <doctest/doctest.h>

using namespace vigil::client;
using vigil::test::HttpReply;
using vigil::test::LocalHttpServer;
using namespace std::chrono_literals;

namespace {

const std::string kLondon =
    R"([{"place_id":1,"lat":"51.5073219","lon":"-0.1276474","display_name":"London, Greater London, England, United Kingdom"}])";

NominatimOptions optionsFor(const LocalHttpServer& server, std::chrono::milliseconds minInterval = 1000ms) {
    NominatimOptions o;
    o.baseUrl = server.baseUrl();
    o.timeout = 1500ms;
    o.minInterval = minInterval;
    return o;
}

}  // namespace

TEST_CASE("an address resolves to coordinates and the request identifies the station") {
    LocalHttpServer server([](const std::string&) { return HttpReply{200, kLondon}; });
    NominatimClient client(optionsFor(server));
    const auto result = client.search("Trafalgar Square, London");
    REQUIRE(result.location);
    CHECK(result.warning.empty());
    CHECK(result.location->latitude == doctest::Approx(51.5073219));
    CHECK(result.location->longitude == doctest::Approx(-0.1276474));
    CHECK(result.location->place.find("London") == 0);
    const auto seen = server.requests();
    REQUIRE(seen.size() == 1);
    CHECK(seen[0].target.find("/search?") == 0);
    CHECK(seen[0].target.find("q=Trafalgar%20Square%2C%20London") != std::string::npos);
    CHECK(seen[0].userAgent.find("vigil-station") == 0);
}

TEST_CASE("coordinates resolve to an address") {
    LocalHttpServer server([](const std::string&) {
        return HttpReply{200, R"({"lat":"48.8583","lon":"2.2945","display_name":"Tour Eiffel, Paris"})"};
    });
    NominatimClient client(optionsFor(server));
    const auto result = client.reverse(48.8583, 2.2945);
    REQUIRE(result.location);
    CHECK(result.location->place == "Tour Eiffel, Paris");
    CHECK(server.requests().at(0).target.find("/reverse?format=jsonv2&lat=48.858300&lon=2.294500") == 0);
}

TEST_CASE("an empty answer is a warning, not a location") {
    LocalHttpServer server([](const std::string&) { return HttpReply{200, "[]"}; });
    NominatimClient client(optionsFor(server));
    const auto result = client.search("Nowhere Street 99");
    CHECK_FALSE(result.location);
    CHECK(result.warning.find("no such address") != std::string::npos);
}

TEST_CASE("malformed JSON is a warning, not a crash") {
    LocalHttpServer server([](const std::string&) { return HttpReply{200, R"([{"lat": "51.5", "lon": )"}; });
    NominatimClient client(optionsFor(server));
    const auto result = client.search("Anywhere");
    CHECK_FALSE(result.location);
    CHECK(result.warning.find("not JSON") != std::string::npos);
}

TEST_CASE("JSON with nonsense coordinates is refused") {
    LocalHttpServer server([](const std::string&) {
        return HttpReply{200, R"([{"lat":"north","lon":"2.0"}, {"lat":"95","lon":"2"}])"};
    });
    NominatimClient client(optionsFor(server));
    const auto result = client.search("Anywhere");
    CHECK_FALSE(result.location);
    CHECK(result.warning.find("without usable coordinates") != std::string::npos);
}

TEST_CASE("an HTTP 500 is a warning naming the status") {
    LocalHttpServer server([](const std::string&) { return HttpReply{500, "oops"}; });
    NominatimClient client(optionsFor(server));
    const auto result = client.search("Anywhere");
    CHECK_FALSE(result.location);
    CHECK(result.warning.find("HTTP 500") != std::string::npos);
}

TEST_CASE("a service that hangs times out and the station keeps its configured location") {
    LocalHttpServer server([](const std::string&) { return HttpReply{200, {}, true}; });
    auto options = optionsFor(server);
    options.timeout = 700ms;
    NominatimClient client(options);
    const auto start = std::chrono::steady_clock::now();
    const auto resolved = resolveStationLocation(client, "Station Road 1", std::nullopt, std::nullopt);
    const auto took = std::chrono::steady_clock::now() - start;
    CHECK(took >= 600ms);
    CHECK(took < 5s);
    CHECK_FALSE(resolved.location.has_coordinates);
    CHECK(resolved.location.place == "Station Road 1");
    CHECK(resolved.warning.find("unreachable") != std::string::npos);
}

TEST_CASE("a service that is down is a warning") {
    NominatimOptions o;
    {
        LocalHttpServer server([](const std::string&) { return HttpReply{}; });
        o.baseUrl = server.baseUrl();
    }  // the port is closed now
    o.timeout = 1000ms;
    NominatimClient client(o);
    const auto result = client.search("Anywhere");
    CHECK_FALSE(result.location);
    CHECK(result.warning.find("unreachable") != std::string::npos);
}

TEST_CASE("at most one request per second reaches the service") {
    LocalHttpServer server([](const std::string&) { return HttpReply{200, kLondon}; });
    NominatimClient client(optionsFor(server));
    for (const char* address : {"A Street 1", "B Street 2", "C Street 3"}) CHECK(client.search(address).location);
    const auto seen = server.requests();
    REQUIRE(seen.size() == 3);
    for (std::size_t i = 1; i < seen.size(); ++i)
        CHECK(seen[i].at - seen[i - 1].at >= 990ms);  // steady clock: 1 s minus the clock's jitter
}

TEST_CASE("answers are cached on disk and a restarted station asks nobody") {
    vigil::test::TempDir dir("nominatim-cache");
    LocalHttpServer server([](const std::string&) { return HttpReply{200, kLondon}; });
    auto options = optionsFor(server, 0ms);
    options.cacheFile = dir.path / "location-cache.json";
    {
        NominatimClient client(options);
        CHECK(client.search("Trafalgar Square").location);
        CHECK(client.search("Trafalgar Square").fromCache);
    }
    NominatimClient restarted(options);
    const auto again = restarted.search("Trafalgar Square");
    REQUIRE(again.location);
    CHECK(again.fromCache);
    CHECK(again.location->latitude == doctest::Approx(51.5073219));
    CHECK(server.requests().size() == 1);
    CHECK(restarted.requestsSent() == 0);
}

TEST_CASE("failures are not cached: the next try asks again") {
    int calls = 0;
    LocalHttpServer server([&](const std::string&) { return ++calls == 1 ? HttpReply{500, ""} : HttpReply{200, kLondon}; });
    NominatimClient client(optionsFor(server, 0ms));
    CHECK_FALSE(client.search("Trafalgar Square").location);
    CHECK(client.search("Trafalgar Square").location);
}
