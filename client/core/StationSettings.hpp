#pragma once
// The settings a field officer may change while the station runs (video
// source, match threshold, speech, voice, HQ address): what each may be,
// said in words the officer understands when it is not, and how they are
// kept in the station's configuration file for the next start.

#include "client/core/StationConfig.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace vigil::client {

struct StationSettings {
    std::string source = "0";             // camera number, video file or rtsp:// address
    float matchThreshold = 0.6f;          // descriptor distance under which a face matches
    bool speech = true;                   // spoken alerts on or off
    std::string voice = "en";             // espeak-ng voice
    std::string serverAddress = "localhost:7443";  // HQ as host:port

    bool operator==(const StationSettings&) const = default;
};

// The settings a station started with.
StationSettings settingsOf(const StationConfig& config);

// A refused setting: which field, and a sentence saying what is wrong and
// what would be right.
struct SettingsRefusal {
    std::string field;  // "source", "threshold", "voice", "server"
    std::string sentence;
};

// Threshold bounds: below 0.2 even the same person's photos rarely match;
// above 1.0 different people (0.69-1.01 apart on the test photos, see
// DESIGN.md) match each other.
inline constexpr float kMinMatchThreshold = 0.2f;
inline constexpr float kMaxMatchThreshold = 1.0f;

// Why these settings cannot be used, or nothing. `voices` are the installed
// ones (an empty list checks only the form of the name). Camera numbers are
// checked against /dev/videoN under `deviceDir` (tests point it elsewhere).
std::optional<SettingsRefusal> checkSettings(const StationSettings& settings, const std::vector<std::string>& voices,
                                             const std::filesystem::path& deviceDir = "/dev");

// "host:port" (or "[v6-address]:port"); the port may be left out (7443).
// Empty when the text is not an address, with the reason in `why`.
std::optional<std::pair<std::string, std::uint16_t>> parseServerAddress(const std::string& text, std::string& why);

// Sets `values` (name, value) in a configuration file of the form the
// station reads (`name = value` lines), keeping every other line and comment;
// creates the file (owner-only) when it does not exist. Crash-safe: a reader
// sees the old file or the new one. Throws std::runtime_error with a sentence.
void writeConfigValues(const std::filesystem::path& file,
                       const std::vector<std::pair<std::string, std::string>>& values);

}  // namespace vigil::client
