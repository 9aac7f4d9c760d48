#pragma once
// A field station without a window: wires the configuration, the server
// link, the watchlist cache, the recognition pipeline, speech, location and
// the offline sighting queue together. The GUI (client/gui) and the headless
// mode (client/main.cpp) both drive a StationCore: they read snapshot() and
// issue commands; neither touches a socket, a file or a model.

#include "client/core/Pipeline.hpp"
#include "client/core/ServerLink.hpp"
#include "client/core/StationConfig.hpp"
#include "client/core/StationSettings.hpp"

#include <opencv2/core.hpp>

#include <chrono>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <string>
#include <vector>

namespace vigil::client {

// Issue 9: HQ reviews every sighting. A station's own alert starts
// Unconfirmed; an operator confirms it (everyone is told) or dismisses it
// (the banner is withdrawn, with the reason).
enum class AlertReview { Unconfirmed, Confirmed, Withdrawn };

// One alert as the station shows it.
struct StationAlert {
    std::uint64_t alertId = 0;
    std::uint64_t personId = 0;
    std::string name;
    std::vector<std::string> aliases;
    std::string reason;
    protocol::DangerLevel danger = protocol::DangerLevel::Medium;
    std::string notes;
    float distance = 0;
    std::chrono::system_clock::time_point observedAt;
    std::vector<std::uint8_t> snapshotJpeg;   // the frame, face marked
    std::vector<std::uint8_t> thumbnailJpeg;  // from the watchlist
    std::string reportId;
    bool delivered = false;  // HQ acknowledged the sighting
    bool popup = true;       // has an alert window of its own (open-alert cap)
    bool acknowledged = false;
    double latencyMs = 0;    // frame captured -> alert raised
    // Issue 9: HQ's review of the sighting.
    AlertReview review = AlertReview::Unconfirmed;
    std::string decidedBy;    // the HQ operator who confirmed or dismissed it
    protocol::DismissReason withdrawnReason = protocol::DismissReason::None;
    std::string reviewNote;   // free text given with the decision
    std::uint64_t sightingId = 0;  // HQ's id, once HQ has told it
    // Seen by another station; this station was told by HQ (confirmed, or a
    // danger level HQ pushes at once). Such alerts are never reported back.
    bool fromHq = false;
    std::string station;      // the reporting station of an HQ alert
    std::uint64_t runnerUpId = 0;  // nearest other wanted person (0: none)
    float runnerUpDistance = 0;
};

// "unconfirmed", "confirmed by NAME", "withdrawn by NAME: wrong person (note)":
// the line a banner shows under the name.
std::string reviewLine(const StationAlert& alert);

// Everything the GUI draws, copied under one lock: consistent and cheap.
struct StationSnapshot {
    LinkStatus link;
    PipelineStats pipeline;
    std::uint64_t watchlistVersion = 0;
    std::size_t watchlistPersons = 0;
    std::string watchlistWarning;  // model mismatch, cache unreadable...
    protocol::Location location;
    std::string locationWarning;   // Nominatim down or answering garbage
    std::vector<StationAlert> alerts;  // newest first, at most 50
    std::size_t sightingsPending = 0;   // on disk, not yet acknowledged by HQ
    std::size_t sightingsDelivered = 0;
    std::string speechWarning;
    std::vector<std::string> events;    // recent happenings, oldest first, at most 100
    std::string modelFingerprint;
};

// What became of a change of settings.
struct SettingsOutcome {
    std::optional<SettingsRefusal> refusal;  // set: nothing was changed
    std::vector<std::string> notes;          // what was applied, saved, or waits for a restart
    std::string saveError;                   // applied, but not kept for the next start
    bool restartNeeded = false;              // a saved setting takes effect at the next start
    bool ok() const { return !refusal; }
};

class StationCore {
public:
    // Throws std::runtime_error with a sentence when the station cannot run
    // (model missing, key file exposed, data directory not writable).
    explicit StationCore(StationConfig config);
    ~StationCore();
    StationCore(const StationCore&) = delete;
    StationCore& operator=(const StationCore&) = delete;

    // start() = startLink() + startPipeline(). Headless mode and tests start
    // the link first, log in and wait for the watchlist, then the video.
    void start();
    void startLink();
    void startPipeline();
    void stop();

    StationSnapshot snapshot() const;
    bool latestFrame(cv::Mat& frame, std::vector<FaceBox>& faces) const;
    const StationConfig& config() const;

    // Commands. They never block on the network; the futures hold the
    // server's answer (or an Error message when the link is down).
    std::future<protocol::Message> requestCaptcha(protocol::CaptchaPurpose purpose);
    std::future<protocol::Message> login(const std::string& username, const std::string& password,
                                         const std::string& captchaId, const std::string& captchaAnswer);
    std::future<protocol::Message> registerAccount(const protocol::RegisterRequest& request);
    void acknowledgeAlert(std::uint64_t alertId);

    // The settings in force (a saved HQ address not yet in use included).
    StationSettings settings() const;
    // The voices a field officer can choose from.
    std::vector<std::string> voices() const;
    // Checks every field first (a refusal changes nothing), then applies
    // what can change while running - threshold at once, speech and voice
    // from the next alert, a new source by restarting the video stages with
    // the models kept loaded - and saves them to the configuration file.
    // A new HQ address is saved and used from the next start. Blocks while
    // the video stages restart (call it off the GUI thread).
    SettingsOutcome applySettings(const StationSettings& wanted);

    // Headless mode and tests: called on the pipeline's alert thread.
    void onAlert(std::function<void(const StationAlert&)> handler);
    // True when the video source ended and every alert was handled.
    bool waitPipelineFinished(std::chrono::milliseconds timeout);
    // True when no sighting waits for HQ's acknowledgement.
    bool waitSightingsDelivered(std::chrono::milliseconds timeout);
    // True once a watchlist sync completed in this run (or the cache had one).
    bool waitWatchlist(std::chrono::milliseconds timeout);
    // True once the cache (on disk too) reached `version` or later, e.g.
    // after HQ removed a person (issue 7: the removal reaches the station).
    bool waitWatchlistVersion(std::uint64_t version, std::chrono::milliseconds timeout);
    // True once the configured location was resolved (or given up on, with a warning).
    bool waitLocation(std::chrono::milliseconds timeout);
    // Waits until the link satisfies `condition`; false at the timeout or without a link.
    bool waitLink(const std::function<bool(const LinkStatus&)>& condition, std::chrono::milliseconds timeout) const;
    // Waits until the snapshot satisfies `condition` (re-checked whenever an
    // alert or its review changes); false at the timeout.
    bool waitSnapshot(const std::function<bool(const StationSnapshot&)>& condition,
                      std::chrono::milliseconds timeout) const;
    // Speech finished everything queued.
    bool waitSpeechIdle(std::chrono::milliseconds timeout);
    std::vector<std::filesystem::path> spokenWavFiles() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace vigil::client
