// One options table for the command line and the configuration file.
#include "client/core/StationConfig.hpp"
#include "support/TestCerts.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

using namespace vigil::client;

namespace {
ParsedConfig parse(std::vector<const char*> args) {
    args.insert(args.begin(), "vigil-client");
    std::ostringstream help;
    return parseStationConfig(static_cast<int>(args.size()), args.data(), help);
}
}  // namespace

TEST_CASE("settings come from the configuration file and the command line overrides them") {
    vigil::test::TempDir dir("config");
    const auto file = dir.path / "station.conf";
    std::ofstream(file) << "server = hq.example.org\nport = 9000\naddress = Main Street 1, Springfield\n"
                           "required-matches = 4\n";
    const auto parsed = parse({"--config", file.c_str(), "--port", "9443", "--headless"});
    REQUIRE(parsed.error.empty());
    CHECK(parsed.config.serverHost == "hq.example.org");
    CHECK(parsed.config.serverPort == 9443);
    CHECK(parsed.config.address == "Main Street 1, Springfield");
    CHECK(parsed.config.requiredMatches == 4);
    CHECK(parsed.config.headless);
}

TEST_CASE("wrong settings are refused with a sentence") {
    CHECK(parse({"--latitude", "91", "--longitude", "0"}).error.find("latitude") != std::string::npos);
    CHECK(parse({"--latitude", "10"}).error.find("both") != std::string::npos);
    CHECK(parse({"--speech", "loud"}).error.find("speaker, wav or off") != std::string::npos);
    CHECK(parse({"--required-matches", "0"}).error.find("at least 1") != std::string::npos);
    CHECK(parse({"--negative-margin", "-0.1"}).error.find("--negative-margin") != std::string::npos);
    CHECK(parse({"--negative-margin", "0.3"}).config.negativeMargin == doctest::Approx(0.3f));
    CHECK_FALSE(parse({"--no-such-option"}).error.empty());
    CHECK(parse({"--config", "/nonexistent/station.conf"}).error.find("cannot read") != std::string::npos);
}

TEST_CASE("the key file defaults to the configuration directory, apart from the data") {
    vigil::test::TempDir dir("config-xdg");
    setenv("XDG_CONFIG_HOME", (dir.path / "conf").c_str(), 1);
    setenv("XDG_DATA_HOME", (dir.path / "data").c_str(), 1);
    const auto parsed = parse({});
    CHECK(parsed.config.keyFile == dir.path / "conf" / "vigil" / "station.key");
    CHECK(parsed.config.dataDir == dir.path / "data" / "vigil");
    unsetenv("XDG_CONFIG_HOME");
    unsetenv("XDG_DATA_HOME");
}
