#include "client/core/StationSettings.hpp"

#include "client/core/AtRestKey.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>

namespace vigil::client {
namespace fs = std::filesystem;

namespace {

constexpr std::uint16_t kDefaultPort = 7443;

std::string trim(std::string_view text) {
    const auto first = text.find_first_not_of(" \t\r");
    if (first == std::string_view::npos) return {};
    const auto last = text.find_last_not_of(" \t\r");
    return std::string(text.substr(first, last - first + 1));
}

bool allDigits(std::string_view text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); });
}

std::string formatThreshold(float value) {
    char text[16];
    std::snprintf(text, sizeof text, "%.2f", static_cast<double>(value));
    return text;
}

std::optional<SettingsRefusal> checkSource(const std::string& source, const fs::path& deviceDir) {
    const std::string kinds = "a camera number (0 for the first camera), a video file or an rtsp:// address";
    if (trim(source).empty()) return SettingsRefusal{"source", "Enter a video source: " + kinds + "."};
    if (source != trim(source))
        return SettingsRefusal{"source", "The video source starts or ends with spaces; remove them."};
    if (allDigits(source)) {
        if (source.size() > 3) return SettingsRefusal{"source", "Camera number " + source + " is too large."};
        const auto device = deviceDir / ("video" + std::to_string(std::stoi(source)));
        if (!fs::exists(device))
            return SettingsRefusal{"source", "There is no camera number " + source + " on this computer (" +
                                                 device.string() + " does not exist). Is it plugged in?"};
        return std::nullopt;
    }
    if (const auto scheme_end = source.find("://"); scheme_end != std::string::npos) {
        std::string scheme = source.substr(0, scheme_end);
        std::transform(scheme.begin(), scheme.end(), scheme.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        static const std::set<std::string> kSchemes{"rtsp", "rtsps", "http", "https"};
        if (!kSchemes.contains(scheme))
            return SettingsRefusal{"source", "Network cameras are reached with rtsp://, rtsps://, http:// or "
                                             "https:// addresses, not " + scheme + "://."};
        const std::string rest = source.substr(scheme_end + 3);
        if (rest.empty() || rest.front() == '/' || rest.front() == ':')
            return SettingsRefusal{"source", "The camera address has no host name: write it as " + scheme +
                                                 "://camera-host/stream."};
        if (std::any_of(source.begin(), source.end(), [](unsigned char c) { return std::isspace(c); }))
            return SettingsRefusal{"source", "A camera address cannot contain spaces."};
        return std::nullopt;
    }
    std::error_code ec;
    const auto status = fs::status(source, ec);
    if (ec || !fs::exists(status))
        return SettingsRefusal{"source", "There is no video file at " + source + ". Enter " + kinds + "."};
    if (fs::is_directory(status))
        return SettingsRefusal{"source", source + " is a folder, not a video file."};
    if (std::ifstream probe(source, std::ios::binary); !probe)
        return SettingsRefusal{"source", "The video file " + source + " cannot be read (permissions?)."};
    return std::nullopt;
}

std::optional<SettingsRefusal> checkVoice(const std::string& voice, const std::vector<std::string>& voices) {
    const bool wellFormed = !voice.empty() && voice.size() <= 40 &&
                            std::all_of(voice.begin(), voice.end(), [](unsigned char c) {
                                return std::isalnum(c) || c == '-' || c == '_' || c == '+' || c == '/';
                            });
    if (!wellFormed)
        return SettingsRefusal{"voice", "Choose a voice from the list (a language name such as en or de)."};
    if (!voices.empty() && std::find(voices.begin(), voices.end(), voice) == voices.end())
        return SettingsRefusal{"voice", "The voice " + voice + " is not installed on this station; choose one "
                                        "from the list."};
    return std::nullopt;
}

}  // namespace

StationSettings settingsOf(const StationConfig& config) {
    StationSettings s;
    s.source = config.source;
    s.matchThreshold = config.matchThreshold;
    s.speech = config.speech != "off";
    s.voice = config.voice;
    const bool v6 = config.serverHost.find(':') != std::string::npos;
    s.serverAddress = (v6 ? "[" + config.serverHost + "]" : config.serverHost) + ":" + std::to_string(config.serverPort);
    return s;
}

std::optional<std::pair<std::string, std::uint16_t>> parseServerAddress(const std::string& text, std::string& why) {
    const std::string example = "Enter the HQ address as name:port, for example hq.example.org:7443.";
    const std::string address = trim(text);
    if (address.empty()) {
        why = example;
        return std::nullopt;
    }
    std::string host, port_text;
    if (address.front() == '[') {
        const auto close = address.find(']');
        if (close == std::string::npos) {
            why = "The HQ address opens a [ but does not close it. " + example;
            return std::nullopt;
        }
        host = address.substr(1, close - 1);
        if (close + 1 < address.size()) {
            if (address[close + 1] != ':') {
                why = example;
                return std::nullopt;
            }
            port_text = address.substr(close + 2);
        }
    } else {
        const auto colon = address.rfind(':');
        host = address.substr(0, colon);
        if (colon != std::string::npos) port_text = address.substr(colon + 1);
        if (host.find(':') != std::string::npos) {
            why = "Write an IPv6 HQ address in brackets, for example [2001:db8::1]:7443.";
            return std::nullopt;
        }
    }
    const bool hostOk = !host.empty() && host.size() <= 253 &&
                        std::all_of(host.begin(), host.end(), [](unsigned char c) {
                            return std::isalnum(c) || c == '.' || c == '-' || c == ':';
                        });
    if (!hostOk) {
        why = "\"" + host + "\" is not a host name or address. " + example;
        return std::nullopt;
    }
    std::uint16_t port = kDefaultPort;
    if (!port_text.empty() || address.back() == ':') {
        unsigned value = 0;
        const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
        if (ec != std::errc{} || end != port_text.data() + port_text.size() || value < 1 || value > 65535) {
            why = "The port after the colon must be a number from 1 to 65535. " + example;
            return std::nullopt;
        }
        port = static_cast<std::uint16_t>(value);
    }
    return std::make_pair(host, port);
}

std::optional<SettingsRefusal> checkSettings(const StationSettings& settings, const std::vector<std::string>& voices,
                                             const fs::path& deviceDir) {
    if (auto refusal = checkSource(settings.source, deviceDir)) return refusal;
    const float t = settings.matchThreshold;
    if (!(t >= kMinMatchThreshold && t <= kMaxMatchThreshold))
        return SettingsRefusal{"threshold", "The match threshold must be between " + formatThreshold(kMinMatchThreshold) +
                                                " and " + formatThreshold(kMaxMatchThreshold) +
                                                " (0.60 is the tested default; lower gives fewer, surer alerts)."};
    if (auto refusal = checkVoice(settings.voice, voices)) return refusal;
    std::string why;
    if (!parseServerAddress(settings.serverAddress, why)) return SettingsRefusal{"server", why};
    return std::nullopt;
}

void writeConfigValues(const fs::path& file, const std::vector<std::pair<std::string, std::string>>& values) {
    for (const auto& [name, value] : values)
        if (value.find('\n') != std::string::npos || value.find('#') != std::string::npos)
            throw std::runtime_error("the setting " + name + " cannot be saved: it contains a line break or #");
    std::vector<std::string> lines;
    std::error_code ec;
    const bool existed = fs::exists(file, ec);
    fs::perms mode = fs::perms::owner_read | fs::perms::owner_write;
    if (existed) {
        std::ifstream in(file);
        if (!in) throw std::runtime_error("cannot read the configuration file " + file.string());
        for (std::string line; std::getline(in, line);) lines.push_back(line);
        mode = fs::status(file, ec).permissions() & fs::perms::all;
    }
    std::set<std::string> written;
    std::vector<std::string> out;
    for (const auto& line : lines) {
        const auto eq = line.find('=');
        const std::string key = eq == std::string::npos ? std::string() : trim(line.substr(0, eq));
        const auto match = std::find_if(values.begin(), values.end(), [&](const auto& v) { return v.first == key; });
        if (key.empty() || key.front() == '#' || match == values.end()) {
            out.push_back(line);
        } else if (!written.contains(key)) {
            out.push_back(key + " = " + match->second);
            written.insert(key);
        }  // a later duplicate of a key just written would override it: dropped
    }
    for (const auto& [name, value] : values)
        if (!written.contains(name)) out.push_back(name + " = " + value);
    std::string content;
    for (const auto& line : out) content += line + "\n";
    if (!file.parent_path().empty()) fs::create_directories(file.parent_path());
    writeFileAtomically(file, std::span(reinterpret_cast<const std::uint8_t*>(content.data()), content.size()), mode);
}

}  // namespace vigil::client
