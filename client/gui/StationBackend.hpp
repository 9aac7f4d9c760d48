#pragma once
// What the station window needs from the station core, in plain types. The
// window's screens talk only to this interface; CoreBackend implements it
// over vigil::client::StationCore. No business rule lives behind the window:
// matching, alert policy, speech and reporting all happen in the core.
//
// snapshot() is called every frame on the GUI thread and must not block;
// the other calls may block (network round trips) and are made from the
// window's BackgroundTasks worker.

#include "client/gui/toolkit/Outcome.hpp"
#include "protocol/Messages.hpp"

#include <opencv2/core/mat.hpp>
#include <opencv2/core/types.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace vigil::station {

using gui::Done;
using gui::Outcome;

enum class LinkState { Offline, Connecting, Connected, SignedIn };

// One face in the current video frame, as the pipeline last saw it.
struct FaceOverlay {
    cv::Rect box;             // in frame pixels
    std::string name;         // wanted person's name, empty when nobody matched
    float distance = 0;       // to the nearest enrolled face; 0 before the first description
    bool wanted = false;      // matched a wanted person under the threshold
    protocol::DangerLevel danger = protocol::DangerLevel::Medium;
};

struct PipelineFigures {
    double capture_fps = 0;       // frames delivered by the source per second
    double processed_fps = 0;     // frames through detection and tracking per second
    double describe_ms = 0;       // per face: landmarks, chip, descriptor
    std::uint64_t frames_dropped = 0;     // never reached detection (the pipeline was behind)
    std::uint64_t describe_dropped = 0;   // faces skipped because the describe queue was full
    std::size_t describe_queue = 0;
    std::size_t active_tracks = 0;
    std::uint64_t faces_described = 0;
    std::size_t sightings_waiting = 0;    // kept on disk until the server takes them
    std::size_t sightings_delivered = 0;
};

// What HQ made of an alert this station raised (match review): until an
// operator decides, the alert is unconfirmed.
enum class AlertReview { Unconfirmed, Confirmed, Dismissed };

// An alert the station raised: the wanted person as enrolled, and the frame.
struct StationAlert {
    std::uint64_t id = 0;
    protocol::WantedPerson person;  // details + enrolled thumbnail
    float distance = 0;
    std::int64_t observed_at_ms = 0;
    protocol::Bytes snapshot_jpeg;
    bool acknowledged = false;
    bool reported = false;  // the server stored the sighting
    AlertReview review = AlertReview::Unconfirmed;
    std::string decided_by;      // the HQ operator who confirmed or dismissed it
    std::string dismiss_reason;  // why HQ dismissed it ("wrong person", free text...)
    std::string seen_by;         // another station's sighting HQ passed on; empty: this station's own
};

struct StationSnapshot {
    LinkState link = LinkState::Offline;
    std::string link_detail;  // "reconnecting in 4 s: connection refused"
    std::string server_address;
    std::string username;
    bool signed_in = false;

    cv::Mat frame;                   // latest video frame (BGR), may be empty
    std::uint64_t frame_number = 0;  // changes when `frame` does
    std::vector<FaceOverlay> faces;
    std::string source_description;  // "camera 0", "clip.mp4"
    std::string source_error;        // why there is no video, if there is none

    std::vector<StationAlert> alerts;  // newest first
    protocol::Location location;
    PipelineFigures figures;
    std::uint64_t watchlist_version = 0;
    std::size_t watchlist_size = 0;
    std::vector<std::string> warnings;  // model mismatch, location service down, speech unavailable
    std::vector<std::string> events;    // recent happenings, oldest first
};

struct StationSettings {
    std::string source = "0";  // camera index, file or RTSP URL
    float threshold = 0.6f;    // match distance
    bool speech = true;
    std::string voice = "en";
    std::string server_address = "localhost:7443";
};

// What the core made of changed settings.
struct SettingsApplied {
    std::string refused_field;       // "source", "threshold", "voice", "server"; empty when accepted
    std::string refusal;             // the core's sentence: what is wrong, what would be right
    std::vector<std::string> notes;  // what was applied, saved, or waits for a restart
    std::string save_error;          // applied but not kept for the next start
    bool restart_needed = false;
    bool accepted() const { return refusal.empty(); }
};

class StationBackend {
public:
    virtual ~StationBackend() = default;

    virtual StationSnapshot snapshot() = 0;

    virtual Outcome<protocol::CaptchaChallenge> newCaptcha(protocol::CaptchaPurpose purpose) = 0;
    virtual Outcome<protocol::LoginResponse> login(const protocol::LoginRequest& request) = 0;
    virtual Outcome<protocol::RegisterResponse> registerAccount(const protocol::RegisterRequest& request) = 0;
    virtual void logout() = 0;

    virtual void acknowledge(std::uint64_t alert_id) = 0;

    virtual StationSettings settings() = 0;
    // False when the core takes its settings at start only: the settings
    // screen then shows them read-only and says where to change them.
    virtual bool settingsEditable() = 0;
    // Checked by the core first; nothing changes when a field is refused.
    virtual Outcome<SettingsApplied> applySettings(const StationSettings& settings) = 0;
    virtual std::vector<std::string> voices() = 0;
};

}  // namespace vigil::station
