#pragma once
// Every setting of a field station, declared once (StationConfig.cpp) for
// the command line and the configuration file alike: name, default and help
// text on one line each. The command line wins over the file.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace vigil::client {

struct StationConfig {
    // server link
    std::string serverHost = "localhost";
    std::uint16_t serverPort = 7443;
    std::filesystem::path caFile;  // pinned CA (PEM)
    std::string username;
    std::filesystem::path passwordFile;  // headless only; mode 0600; else asked on the terminal
    std::filesystem::path sessionTokenFile;  // resume a session issued earlier

    // where things live
    std::filesystem::path dataDir;    // watchlist cache, offline queue, location cache
    std::filesystem::path keyFile;    // at-rest key; defaults into the *config* dir, see AtRestKey.hpp
    std::filesystem::path modelFile;  // descriptor network; empty: the recognition default

    // video and recognition
    std::string source = "0";  // camera index, video file or RTSP URL
    bool realtime = true;      // pace file sources at their frame rate, like a camera
    float matchThreshold = 0.6f;
    float negativeMargin = 0.40f;  // issue 9: within this of a "not this person" example, no alert
    int detectionWidth = 640;
    int detectEveryNthFrame = 2;  // frames between detections are tracked
    int requiredMatches = 2;
    int cooldownSeconds = 60;
    int maxOpenAlerts = 5;

    // location
    std::string address;
    std::optional<double> latitude;
    std::optional<double> longitude;
    std::string nominatimUrl = "https://nominatim.openstreetmap.org";
    int nominatimTimeoutMs = 5000;

    // speech
    std::string speech = "speaker";  // speaker | wav | off
    std::filesystem::path wavDir;      // for speech = wav
    std::string voice = "en";

    // The configuration file read at start (--config, or the default one when
    // it exists); settings changed in the window are saved here.
    std::filesystem::path configFile;

    // modes
    bool headless = false;
    std::vector<std::string> enrolLocal;  // NAME=PHOTO pairs matched without a server (offline demo)
    int runSeconds = 0;                   // headless: stop after this long (0: until the source ends)
    std::filesystem::path snapshotDir;    // headless: write alert snapshots here

    std::string command;                  // "", register, evaluate
    std::vector<std::string> commandArgs;
};

struct ParsedConfig {
    StationConfig config;
    bool helpShown = false;
    std::string error;  // a sentence when the options were wrong
};

// argv as main() gets it. Reads --config FILE when given, else
// $XDG_CONFIG_HOME/vigil/station.conf when that exists (where the window
// saves changed settings).
ParsedConfig parseStationConfig(int argc, const char* const argv[], std::ostream& help);

}  // namespace vigil::client
