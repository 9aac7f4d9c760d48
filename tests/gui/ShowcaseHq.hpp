#pragma once
// What the GUI showcases and the console backend test share: a real
// HqService in a fresh folder with the recognition engine as its enroller
// (the model must be installed: tools/fetch-models), a CAPTCHA whose text
// the UI scripts know, an admin and a station account. The only
// test-specific part is the CAPTCHA text source, which HqService takes as a
// dependency precisely so that tests know the answer without a back door in
// the shipped binary.

#include "server/core/HqService.hpp"

#include <map>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>

namespace vigil::test {

inline constexpr const char* kShowcaseCaptchaText = "K3YW4T";  // what tools/screenshots types in
inline constexpr const char* kShowcaseAdminPassword = "Kestrel-Harbour-2026!";
inline constexpr const char* kShowcaseStation = "station-north";
inline constexpr const char* kShowcaseStationPassword = "Granite-Meadow-2026!";

// The recognition engine's enrolment (quality verdict + descriptor), as a
// server with its model installed uses. Throws when the model is missing.
std::unique_ptr<server::FaceEnroller> makeShowcaseEnroller();

class KnownCaptchaText final : public server::CaptchaTextSource {
public:
    std::string next() override { return kShowcaseCaptchaText; }
};

protocol::Bytes readShowcaseFile(const std::string& path);

// The value of a service call, or an exception naming what failed and why.
template <class R>
auto require(R result, const char* what) {
    if (!result.ok())
        throw std::runtime_error(std::string(what) + ": " +
                                 std::string(protocol::errorSentence(result.error().code)) + " (" +
                                 result.error().text + ")");
    return std::move(*result);
}

// "--name value" pairs and bare "--flag"s (a flag is a word followed by
// another --word or by nothing).
struct ShowcaseArgs {
    std::map<std::string, std::string> values;
    std::set<std::string> flags;
    bool has(const std::string& name) const { return values.contains(name); }
};
ShowcaseArgs parseShowcaseArgs(int argc, char** argv);

// The HQ both showcases start from: admin + station account, no persons yet.
struct ShowcaseHq {
    explicit ShowcaseHq(const server::ServerConfig& config);

    // A wanted person enrolled from real photos; returns the person's id.
    std::uint64_t addPerson(const protocol::PersonDetails& details, const std::vector<std::string>& photos);

    std::unique_ptr<server::HqService> service;
    server::Actor admin{"admin", protocol::Role::Admin, "showcase"};
    server::Actor station{kShowcaseStation, protocol::Role::Station, "10.0.0.7"};
};

}  // namespace vigil::test
