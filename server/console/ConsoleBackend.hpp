#pragma once
// What the HQ console needs from the server, in the protocol's own types.
// The console's screens talk only to this interface; HqBackend implements it
// with one vigil::server::HqService call per method. It holds no business
// rule: every check (role, CAPTCHA, photo quality) is made behind it.
//
// Methods may block (password hashing, face detection, database queries);
// the console calls them from its BackgroundTasks worker, never from the
// frame loop. Implementations must be safe to call from that one worker
// thread while pollAlerts() is called from the GUI thread.

#include "client/gui/toolkit/Outcome.hpp"
#include "protocol/Messages.hpp"

#include <opencv2/core/mat.hpp>
#include <opencv2/core/types.hpp>

#include <cstdint>
#include <optional>
#include <string_view>
#include <string>
#include <variant>
#include <vector>

namespace vigil::console {

using gui::Done;
using gui::Outcome;

// The server's verdict on one photo before it is enrolled.
struct PhotoCheck {
    std::string path;
    cv::Mat image;                  // decoded, BGR, for the preview
    std::vector<cv::Rect> faces;    // in image pixels
    bool accepted = false;
    std::string verdict;            // the recognition engine's sentence ("the face is too small: ...")
    std::string measurements;       // what the verdict rests on ("face 212 px, sharpness 140, brightness 118")
    protocol::Bytes jpeg;           // what is uploaded when the person is saved
};

// One signed-in network session (a station, or HQ staff on another console).
struct ConnectedStation {
    std::string username;
    protocol::Role role = protocol::Role::Station;
    std::string address;
    std::string certificate;  // the station's client certificate name (mutual TLS), else empty
    protocol::Location location;  // where it last reported a sighting from, if it did
    std::int64_t connected_since_ms = 0;
    std::int64_t last_activity_ms = 0;
    std::uint64_t requests_served = 0;
};

struct HqStatus {
    std::int64_t uptime_seconds = 0;
    std::uint64_t watchlist_version = 0;
    std::size_t person_count = 0;
    std::size_t alert_subscribers = 0;       // stations and consoles receiving pushes
    std::vector<ConnectedStation> stations;  // signed-in network sessions, stations first
    std::string sessions_error;              // why the sessions cannot be listed (role), else empty
    std::string model_fingerprint;
};

// A dismissal reason in words for the screen ("wrong person").
std::string dismissalWords(protocol::DismissReason reason);

class ConsoleBackend {
public:
    virtual ~ConsoleBackend() = default;

    virtual Outcome<protocol::CaptchaChallenge> newCaptcha() = 0;
    // On success the backend keeps the session; later calls act as this user.
    virtual Outcome<protocol::LoginResponse> login(const protocol::LoginRequest& request) = 0;
    virtual void logout() = 0;

    virtual Outcome<std::vector<protocol::WantedPerson>> persons() = 0;
    virtual Outcome<PhotoCheck> checkPhoto(const std::string& path) = 0;
    virtual Outcome<protocol::PersonAdded> addPerson(const protocol::PersonAdd& person) = 0;
    virtual Outcome<Done> updatePerson(const protocol::PersonUpdate& update) = 0;
    virtual Outcome<Done> removePerson(std::uint64_t person_id) = 0;

    virtual Outcome<std::vector<protocol::UserInfo>> users() = 0;
    virtual Outcome<Done> decideUser(const protocol::UserDecision& decision) = 0;

    virtual Outcome<std::vector<protocol::Sighting>> sightings(std::uint32_t limit) = 0;
    virtual Outcome<std::vector<protocol::AuditEntry>> audit(std::uint32_t limit) = 0;
    virtual HqStatus status() = 0;

    // Match review (operator and admin; the server refuses others). Each
    // sighting carries its runner-up and review state.
    virtual Outcome<std::vector<protocol::Sighting>> pendingSightings() = 0;
    virtual Outcome<protocol::SightingDecided> confirmSighting(std::uint64_t sighting_id) = 0;
    virtual Outcome<protocol::SightingDecided> dismissSighting(std::uint64_t sighting_id,
                                                               protocol::DismissReason reason,
                                                               const std::string& note) = 0;
    // The enrolled photos of a person as uploaded (JPEG/PNG bytes).
    virtual Outcome<std::vector<protocol::Bytes>> personPhotos(std::uint64_t person_id) = 0;

    // Sightings pushed since the last call (the live alert feed). Cheap and
    // non-blocking: called every frame on the GUI thread.
    virtual std::vector<protocol::Sighting> pollAlerts() = 0;
    // Review decisions pushed since the last call (by this console or any
    // other, or `vigil-server review` on the command line). Same contract.
    virtual std::vector<protocol::SightingDecided> pollDecisions() = 0;
};

}  // namespace vigil::console
