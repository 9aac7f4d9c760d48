#pragma once
// Follows faces between detections so that a person standing in view keeps
// one track id. Tracks are matched to new detections by overlap (IoU): at
// camera frame rates a face moves little between two detections. The
// tracker also decides when a track is worth describing again: at once when
// it appears, then at a slower pace, so the describe stage (the expensive
// one) sees a face a few times, not every frame.

#include <opencv2/core/types.hpp>

#include <cstdint>
#include <vector>

namespace vigil::client {

struct TrackerOptions {
    double minOverlap = 0.3;           // IoU for "the same face"
    std::int64_t forgetAfterMs = 1000;  // a track unseen this long is gone
    std::int64_t describeEveryMs = 150;  // pace while a track still needs evidence
    int quickDescriptions = 6;           // descriptions at that pace, then...
    std::int64_t slowDescribeEveryMs = 2000;  // ...only now and then
};

struct TrackedFace {
    std::int64_t trackId = 0;
    cv::Rect box;
    bool describeNow = false;  // send this face to the describe stage
};

double overlap(const cv::Rect& a, const cv::Rect& b);  // intersection over union

class FaceTracker {
public:
    explicit FaceTracker(TrackerOptions options = {});

    // Detections of one frame taken at `atMs`; returns one entry per detection.
    std::vector<TrackedFace> update(const std::vector<cv::Rect>& detections, std::int64_t atMs);
    // The known tracks without a new detection (frames between detections).
    std::vector<TrackedFace> current(std::int64_t atMs);

    std::size_t activeTracks() const { return tracks_.size(); }

private:
    struct Track {
        std::int64_t id;
        cv::Rect box;
        std::int64_t lastSeenMs;
        std::int64_t lastDescribedMs;
        int descriptions;
    };
    bool dueForDescription(const Track& track, std::int64_t atMs) const;
    void forgetStale(std::int64_t atMs);

    TrackerOptions options_;
    std::vector<Track> tracks_;
    std::int64_t nextId_ = 1;
};

}  // namespace vigil::client
