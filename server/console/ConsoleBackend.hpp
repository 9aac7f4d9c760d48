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

// Match review: what HQ decided about a sighting, read from the sighting
// itself (ReviewState.cpp keeps the mapping from the protocol's fields in
// one place).
enum class ReviewStatus { Pending, Confirmed, Dismissed };
enum class DismissReason { WrongPerson, PoorImage, Duplicate, Other };
std::string_view describe(DismissReason reason);  // "wrong person", ...

struct ReviewState {
    ReviewStatus status = ReviewStatus::Pending;
    std::string decided_by;
    std::string reason;  // a dismissal's reason in words
    std::int64_t decided_at_ms = 0;
};
ReviewState reviewOf(const protocol::Sighting& sighting);

// The nearest *other* wanted person the station's matcher found.
struct RunnerUp {
    std::uint64_t person_id = 0;
    std::string name;
    float distance = 0;
};
std::optional<RunnerUp> runnerUpOf(const protocol::Sighting& sighting);

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

    // Match review (operator and admin; the server refuses others).
    virtual Outcome<std::vector<protocol::Sighting>> pendingSightings() = 0;
    virtual Outcome<Done> confirmSighting(std::uint64_t sighting_id) = 0;
    virtual Outcome<Done> dismissSighting(std::uint64_t sighting_id, DismissReason reason,
                                          const std::string& text) = 0;

    // Sightings pushed since the last call (the live alert feed). Cheap and
    // non-blocking: called every frame on the GUI thread.
    virtual std::vector<protocol::Sighting> pollAlerts() = 0;
};

}  // namespace vigil::console
