#include "client/core/StationConfig.hpp"

#include <boost/program_options.hpp>

#include <cstdlib>
#include <fstream>
#include <iostream>

namespace vigil::client {
namespace po = boost::program_options;
namespace {

std::filesystem::path xdgDir(const char* variable, const char* fallbackUnderHome) {
    if (const char* v = std::getenv(variable); v && *v) return std::filesystem::path(v) / "vigil";
    const char* home = std::getenv("HOME");
    return std::filesystem::path(home && *home ? home : ".") / fallbackUnderHome / "vigil";
}

}  // namespace

ParsedConfig parseStationConfig(int argc, const char* const argv[], std::ostream& help) {
    ParsedConfig parsed;
    StationConfig& c = parsed.config;
    std::string configFile, caFile, passwordFile, tokenFile, dataDir, keyFile, modelFile, wavDir,
        snapshotDir;
    double latitude = 0, longitude = 0;

    po::options_description general("General");
    general.add_options()
        ("help,h", "show this help")
        ("config", po::value(&configFile), "read settings from this file (same names as below; default $XDG_CONFIG_HOME/vigil/station.conf when it exists); the window saves changed settings there")
        ("headless", po::bool_switch(&c.headless), "no window: run the pipeline and print alerts");

    // One table for the command line and the configuration file.
    po::options_description settings("Settings (command line or configuration file)");
    settings.add_options()
        ("server", po::value(&c.serverHost)->default_value(c.serverHost), "HQ server host name or address (checked against its certificate)")
        ("port", po::value(&c.serverPort)->default_value(c.serverPort), "HQ server TCP port")
        ("ca", po::value(&caFile), "pinned CA certificate (PEM) the server must be signed by")
        ("user", po::value(&c.username), "station account name")
        ("password-file", po::value(&passwordFile), "headless: read the password from this file (mode 0600) instead of the terminal")
        ("session-token-file", po::value(&tokenFile), "keep the session token here (0600) to resume without a new login")
        ("data-dir", po::value(&dataDir), "watchlist cache, offline sighting queue, location cache (default $XDG_DATA_HOME/vigil)")
        ("key-file", po::value(&keyFile), "at-rest key, kept apart from the data (default $XDG_CONFIG_HOME/vigil/station.key)")
        ("model", po::value(&modelFile), "descriptor model file (default: the one tools/fetch-models installed)")
        ("source", po::value(&c.source)->default_value(c.source), "camera index, video file or RTSP URL")
        ("realtime", po::value(&c.realtime)->default_value(c.realtime), "pace a video file at its frame rate as a camera would")
        ("threshold", po::value(&c.matchThreshold)->default_value(c.matchThreshold), "match threshold (Euclidean distance of descriptors)")
        ("negative-margin", po::value(&c.negativeMargin)->default_value(c.negativeMargin), "no alert for a face this close to one HQ dismissed as 'not this person' (0 to rely on 'closer to the dismissed face than to the wanted person's photos' alone)")
        ("detection-width", po::value(&c.detectionWidth)->default_value(c.detectionWidth), "frames are shrunk to this width for detection")
        ("detect-every", po::value(&c.detectEveryNthFrame)->default_value(c.detectEveryNthFrame), "run the detector on every Nth frame, track in between")
        ("required-matches", po::value(&c.requiredMatches)->default_value(c.requiredMatches), "agreeing matches of one face before an alert")
        ("cooldown", po::value(&c.cooldownSeconds)->default_value(c.cooldownSeconds), "seconds before the same person alerts again")
        ("max-open-alerts", po::value(&c.maxOpenAlerts)->default_value(c.maxOpenAlerts), "alert popups open at once")
        ("address", po::value(&c.address), "the station's address (resolved to coordinates)")
        ("latitude", po::value(&latitude), "the station's latitude (resolved to an address when no address is given)")
        ("longitude", po::value(&longitude), "the station's longitude")
        ("nominatim-url", po::value(&c.nominatimUrl)->default_value(c.nominatimUrl), "Nominatim base URL")
        ("nominatim-timeout-ms", po::value(&c.nominatimTimeoutMs)->default_value(c.nominatimTimeoutMs), "Nominatim request timeout")
        ("speech", po::value(&c.speech)->default_value(c.speech), "spoken alerts: speaker, wav or off")
        ("wav-dir", po::value(&wavDir), "with --speech wav: write each spoken alert here")
        ("voice", po::value(&c.voice)->default_value(c.voice), "espeak-ng voice")
        ("enrol-local", po::value(&c.enrolLocal)->composing(), "NAME=PHOTO: match this person without a server (offline tests and demo); repeatable")
        ("run-seconds", po::value(&c.runSeconds)->default_value(0), "headless: stop after this many seconds (0: at the end of the source)")
        ("snapshot-dir", po::value(&snapshotDir), "headless: save each alert's snapshot JPEG here");

    po::options_description hidden;
    hidden.add_options()("command", po::value(&c.command), "")("args", po::value(&c.commandArgs), "");
    po::positional_options_description positional;
    positional.add("command", 1).add("args", -1);

    po::options_description all;
    all.add(general).add(settings).add(hidden);
    try {
        po::variables_map vm;
        po::store(po::command_line_parser(argc, argv).options(all).positional(positional).run(), vm);
        if (vm.count("config")) {
            c.configFile = vm["config"].as<std::string>();
            std::ifstream in(c.configFile);
            if (!in) {
                parsed.error = "cannot read the configuration file " + c.configFile.string();
                return parsed;
            }
            po::store(po::parse_config_file(in, settings), vm);
        } else {
            c.configFile = xdgDir("XDG_CONFIG_HOME", ".config") / "station.conf";
            if (std::ifstream in(c.configFile); in) po::store(po::parse_config_file(in, settings), vm);
        }
        po::notify(vm);
        if (vm.count("help")) {
            help << "usage: vigil-client [--headless] [options]\n"
                    "       vigil-client register [options]\n"
                    "       vigil-client evaluate DIR [--roc-png FILE] [--threshold T]\n\n"
                 << general << settings;
            parsed.helpShown = true;
            return parsed;
        }
        if (vm.count("latitude") != vm.count("longitude")) {
            parsed.error = "give both --latitude and --longitude, or neither";
            return parsed;
        }
        if (vm.count("latitude")) {
            if (latitude < -90 || latitude > 90 || longitude < -180 || longitude > 180) {
                parsed.error = "--latitude must be within [-90, 90] and --longitude within [-180, 180]";
                return parsed;
            }
            c.latitude = latitude;
            c.longitude = longitude;
        }
        if (c.speech != "speaker" && c.speech != "wav" && c.speech != "off") {
            parsed.error = "--speech must be speaker, wav or off";
            return parsed;
        }
        if (c.requiredMatches < 1 || c.detectEveryNthFrame < 1 || c.maxOpenAlerts < 1) {
            parsed.error = "--required-matches, --detect-every and --max-open-alerts must be at least 1";
            return parsed;
        }
        if (!(c.negativeMargin >= 0.0f && c.negativeMargin < 2.0f)) {
            parsed.error = "--negative-margin must be at least 0 and below 2 (a descriptor distance)";
            return parsed;
        }
    } catch (const po::error& e) {
        parsed.error = e.what();
        return parsed;
    }
    c.caFile = caFile;
    c.passwordFile = passwordFile;
    c.sessionTokenFile = tokenFile;
    c.dataDir = dataDir.empty() ? xdgDir("XDG_DATA_HOME", ".local/share") : std::filesystem::path(dataDir);
    c.keyFile = keyFile.empty() ? xdgDir("XDG_CONFIG_HOME", ".config") / "station.key"
                                : std::filesystem::path(keyFile);
    c.modelFile = modelFile;
    c.wavDir = wavDir.empty() ? c.dataDir / "spoken-alerts" : std::filesystem::path(wavDir);
    c.snapshotDir = snapshotDir;
    if (c.command == "evaluate") {
        // evaluate takes its own options; pass everything after the word through.
        c.commandArgs.clear();
        bool after = false;
        for (int i = 1; i < argc; ++i) {
            if (after) c.commandArgs.emplace_back(argv[i]);
            if (std::string_view(argv[i]) == "evaluate") after = true;
        }
    }
    return parsed;
}

}  // namespace vigil::client
