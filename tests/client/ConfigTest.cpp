// One options table for the command line and the configuration file.
#include "client/core/StationConfig.hpp"
#include "client/core/StationSettings.hpp"
#include "support/TestCerts.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <iterator>
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

// --- settings changed while the station runs (StationSettings) --------------

namespace {
StationSettings validSettings(const std::filesystem::path& video) {
    StationSettings s;
    s.source = video.string();
    s.matchThreshold = 0.55f;
    s.speech = true;
    s.voice = "en";
    s.serverAddress = "hq.example.org:7443";
    return s;
}
std::string refusalOf(const StationSettings& s, const std::filesystem::path& devices,
                      const std::vector<std::string>& voices = {"de", "en"}) {
    const auto refusal = checkSettings(s, voices, devices);
    return refusal ? refusal->field + ": " + refusal->sentence : "";
}
}  // namespace

TEST_CASE("settings a field officer may enter are accepted: a video file, a camera that exists, an rtsp address") {
    vigil::test::TempDir dir("settings-ok");
    const auto video = dir.path / "clip.mp4";
    std::ofstream(video) << "not really a video, but a readable file";
    std::ofstream(dir.path / "video0") << "";
    auto s = validSettings(video);
    CHECK(refusalOf(s, dir.path) == "");
    s.source = "0";
    CHECK(refusalOf(s, dir.path) == "");
    s.source = "rtsp://camera-7.local:554/stream1";
    CHECK(refusalOf(s, dir.path) == "");
    s.serverAddress = "[2001:db8::1]:9000";
    CHECK(refusalOf(s, dir.path) == "");
}

TEST_CASE("a wrong video source is refused with a sentence saying what is wrong") {
    vigil::test::TempDir dir("settings-source");
    auto s = validSettings(dir.path / "missing.mp4");
    CHECK(refusalOf(s, dir.path).find("source: There is no video file at") == 0);
    s.source = "3";
    CHECK(refusalOf(s, dir.path).find("no camera number 3") != std::string::npos);
    s.source = "";
    CHECK(refusalOf(s, dir.path).find("Enter a video source") != std::string::npos);
    s.source = "ftp://camera/stream";
    CHECK(refusalOf(s, dir.path).find("not ftp://") != std::string::npos);
    s.source = "rtsp:///stream";
    CHECK(refusalOf(s, dir.path).find("no host name") != std::string::npos);
    s.source = dir.path.string();
    CHECK(refusalOf(s, dir.path).find("is a folder") != std::string::npos);
}

TEST_CASE("a threshold out of range, a voice not installed and a bad HQ address are refused by field") {
    vigil::test::TempDir dir("settings-fields");
    const auto video = dir.path / "clip.mp4";
    std::ofstream(video) << "x";
    auto s = validSettings(video);
    s.matchThreshold = 1.7f;
    CHECK(refusalOf(s, dir.path).find("threshold: The match threshold must be between 0.20 and 1.00") == 0);
    s = validSettings(video);
    s.voice = "klingon";
    CHECK(refusalOf(s, dir.path).find("voice: The voice klingon is not installed") == 0);
    s = validSettings(video);
    s.serverAddress = "hq.example.org:99999";
    CHECK(refusalOf(s, dir.path).find("server: The port after the colon must be a number from 1 to 65535") == 0);
    s.serverAddress = "hq example:7443";
    CHECK(refusalOf(s, dir.path).find("server: \"hq example\" is not a host name") == 0);
    s.serverAddress = "2001:db8::1";
    CHECK(refusalOf(s, dir.path).find("in brackets") != std::string::npos);
    std::string why;
    const auto plain = parseServerAddress("hq.example.org", why);
    REQUIRE(plain);
    CHECK(plain->second == 7443);
}

TEST_CASE("saved settings replace their lines, keep every other line and comment, and are read back at start") {
    vigil::test::TempDir dir("settings-save");
    const auto file = dir.path / "station.conf";
    std::ofstream(file) << "# north gate station\nserver = old.example.org\naddress = Main Street 1, Springfield\n"
                           "threshold = 0.6\nthreshold = 0.7\n";
    writeConfigValues(file, {{"source", "rtsp://cam/1"}, {"threshold", "0.5"}, {"server", "hq.example.org"},
                             {"port", "9000"}, {"speech", "off"}});
    std::ifstream in(file);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CHECK(text.find("# north gate station\n") == 0);
    CHECK(text.find("old.example.org") == std::string::npos);
    CHECK(text.find("threshold = 0.7") == std::string::npos);  // a later duplicate would win: dropped
    const auto parsed = parse({"--config", file.c_str()});
    REQUIRE(parsed.error.empty());
    CHECK(parsed.config.source == "rtsp://cam/1");
    CHECK(parsed.config.matchThreshold == doctest::Approx(0.5));
    CHECK(parsed.config.serverHost == "hq.example.org");
    CHECK(parsed.config.serverPort == 9000);
    CHECK(parsed.config.speech == "off");
    CHECK(parsed.config.address == "Main Street 1, Springfield");
    CHECK(parsed.config.configFile == file);

    CHECK_THROWS_WITH_AS(writeConfigValues(file, {{"voice", "en\nserver = evil"}}),
                         doctest::Contains("line break"), std::runtime_error);
}

TEST_CASE("a new configuration file is created owner-only") {
    vigil::test::TempDir dir("settings-new");
    const auto file = dir.path / "sub" / "station.conf";
    writeConfigValues(file, {{"voice", "de"}});
    const auto perms = std::filesystem::status(file).permissions();
    CHECK((perms & (std::filesystem::perms::group_all | std::filesystem::perms::others_all)) ==
          std::filesystem::perms::none);
    CHECK(parse({"--config", file.c_str()}).config.voice == "de");
}
