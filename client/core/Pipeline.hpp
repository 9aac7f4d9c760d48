#pragma once
// capture -> detect + track -> describe + match -> alert policy, each on its
// own thread:
//
//   capture --LatestSlot--> detect/track --BoundedQueue--> describe/match/policy --queue--> alerts
//
// Capture never waits for recognition: the detect stage always takes the
// newest frame and unread frames are dropped (and counted). Faces are
// followed by the tracker, so the describe stage sees each face a few times,
// not every frame. In offline mode (realtime = false) nothing is dropped:
// every frame of a file is processed, for tests and evaluation.

#include "client/core/AlertPolicy.hpp"
#include "client/core/FaceTracker.hpp"
#include "protocol/WireTypes.hpp"

#include <opencv2/core.hpp>

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace vigil::client {

struct PipelineOptions {
    std::string source = "0";  // camera index, file, or URL (rtsp://...)
    bool realtime = true;      // files: paced at their frame rate, frames dropped when behind
    int detectionWidth = 640;
    int detectEveryNthFrame = 2;
    float matchThreshold = 0.6f;
    float negativeMargin = 0.40f;  // issue 9: see recognition::kDefaultNegativeMargin
    std::filesystem::path modelFile;  // empty: recognition default
    TrackerOptions tracker;
    AlertPolicyOptions policy;
    std::size_t describeQueueCapacity = 4;
    // A synthetic source instead of `source` (benchmarks): fills the frame,
    // false at the end. Paced at syntheticFps like a camera.
    std::function<bool(cv::Mat&)> frameSource;
    double syntheticFps = 30;
    int snapshotMaxWidth = 800;
};

struct PipelineAlert {
    AlertDecision decision;
    protocol::WantedPerson person;  // as on the watchlist (details, thumbnail)
    protocol::Descriptor probe{};
    std::uint64_t runnerUpId = 0;  // nearest other person on the watchlist (0: none)
    float runnerUpDistance = 0;
    std::vector<std::uint8_t> snapshotJpeg;  // the frame with the face marked
    cv::Rect box;
    std::int64_t frameIndex = 0;
    std::int64_t trackFirstSeenFrame = 0;
    std::chrono::steady_clock::time_point frameCapturedAt;
    std::chrono::steady_clock::time_point raisedAt;
    std::chrono::system_clock::time_point observedAt;
};

struct FaceBox {
    cv::Rect box;
    std::int64_t trackId = 0;
    std::string label;   // "" while unknown, a name when matched
    bool wanted = false;
    // Distance to the nearest enrolled face at the track's last description
    // (wanted or not); empty before the first description or with an empty watchlist.
    std::optional<float> distance;
};

struct PipelineStats {
    bool running = false;
    bool sourceEnded = false;
    std::string error;            // source cannot be opened, model missing...
    double sourceFps = 0;         // frames delivered by the source per second
    double processedFps = 0;      // frames through detect/track per second
    double describeMsAverage = 0; // per face, landmarks + chip + descriptor
    std::size_t framesCaptured = 0;
    std::size_t framesProcessed = 0;
    std::size_t framesDropped = 0;     // never reached detect/track
    std::size_t facesDescribed = 0;
    std::size_t describeDropped = 0;   // describe queue full
    std::size_t describeQueueDepth = 0;
    std::size_t activeTracks = 0;
    std::size_t alertsRaised = 0;
    std::size_t vetoedByNegative = 0;  // matches withheld: nearer a face HQ dismissed as 'not this person'
    std::size_t openAlerts = 0;
    std::size_t watchlistFaces = 0;
};

class Pipeline {
public:
    using AlertHandler = std::function<void(PipelineAlert)>;

    // Loads the models (throws std::runtime_error with a sentence when one
    // is missing). onAlert runs on the pipeline's alert thread.
    Pipeline(PipelineOptions options, AlertHandler onAlert);
    ~Pipeline();
    Pipeline(const Pipeline&) = delete;
    Pipeline& operator=(const Pipeline&) = delete;

    // The SHA-256 of the descriptor model this pipeline computes with.
    const std::string& modelFingerprint() const;

    // Replaces what faces are matched against; safe while running. Persons
    // are matched only when `fingerprint` equals modelFingerprint(); returns
    // false (and matches nobody) otherwise.
    bool setWatchlist(std::shared_ptr<const std::map<std::uint64_t, protocol::WantedPerson>> persons,
                      const std::string& fingerprint);

    void start();
    void stop();
    // Stops the stages, switches to another source and starts again (the
    // models stay loaded; tracks and their labels start afresh). Also starts
    // a pipeline whose previous source had ended.
    void restartWithSource(const std::string& source);
    // The match threshold from now on (the watchlist is kept).
    void setMatchThreshold(float threshold);
    float matchThreshold() const;
    std::string source() const;
    // True once the source ended and everything was processed and alerted.
    bool waitFinished(std::chrono::milliseconds timeout);

    void acknowledge(std::uint64_t alertId);
    PipelineStats stats() const;
    // The newest processed frame and its faces, for the GUI.
    bool latestFrame(cv::Mat& frame, std::vector<FaceBox>& faces) const;
    std::chrono::steady_clock::time_point startedAt() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace vigil::client
