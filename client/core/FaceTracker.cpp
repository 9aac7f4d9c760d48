#include "client/core/FaceTracker.hpp"

#include <algorithm>

namespace vigil::client {

double overlap(const cv::Rect& a, const cv::Rect& b) {
    const double inter = (a & b).area();
    const double uni = a.area() + b.area() - inter;
    return uni > 0 ? inter / uni : 0.0;
}

FaceTracker::FaceTracker(TrackerOptions options) : options_(options) {}

bool FaceTracker::dueForDescription(const Track& track, std::int64_t atMs) const {
    if (track.descriptions == 0) return true;
    const auto pace = track.descriptions < options_.quickDescriptions ? options_.describeEveryMs
                                                                      : options_.slowDescribeEveryMs;
    return atMs - track.lastDescribedMs >= pace;
}

void FaceTracker::forgetStale(std::int64_t atMs) {
    std::erase_if(tracks_, [&](const Track& t) { return atMs - t.lastSeenMs > options_.forgetAfterMs; });
}

std::vector<TrackedFace> FaceTracker::update(const std::vector<cv::Rect>& detections,
                                             std::int64_t atMs) {
    forgetStale(atMs);
    // Greedy assignment, best overlaps first: with a handful of faces per
    // frame this equals the optimal assignment in practice.
    struct Pair {
        double iou;
        std::size_t detection;
        std::size_t track;
    };
    std::vector<Pair> pairs;
    for (std::size_t d = 0; d < detections.size(); ++d)
        for (std::size_t t = 0; t < tracks_.size(); ++t)
            if (double iou = overlap(detections[d], tracks_[t].box); iou >= options_.minOverlap)
                pairs.push_back({iou, d, t});
    std::sort(pairs.begin(), pairs.end(), [](const Pair& a, const Pair& b) { return a.iou > b.iou; });

    std::vector<int> trackOf(detections.size(), -1);
    std::vector<bool> trackTaken(tracks_.size(), false);
    for (const auto& p : pairs) {
        if (trackOf[p.detection] >= 0 || trackTaken[p.track]) continue;
        trackOf[p.detection] = static_cast<int>(p.track);
        trackTaken[p.track] = true;
    }

    std::vector<TrackedFace> out;
    out.reserve(detections.size());
    for (std::size_t d = 0; d < detections.size(); ++d) {
        if (trackOf[d] < 0) {
            tracks_.push_back(Track{nextId_++, detections[d], atMs, 0, 0});
            trackOf[d] = static_cast<int>(tracks_.size() - 1);
        }
        Track& track = tracks_[static_cast<std::size_t>(trackOf[d])];
        track.box = detections[d];
        track.lastSeenMs = atMs;
        TrackedFace face{track.id, track.box, dueForDescription(track, atMs)};
        if (face.describeNow) {
            track.lastDescribedMs = atMs;
            ++track.descriptions;
        }
        out.push_back(face);
    }
    return out;
}

std::vector<TrackedFace> FaceTracker::current(std::int64_t atMs) {
    forgetStale(atMs);
    std::vector<TrackedFace> out;
    for (const auto& t : tracks_) out.push_back({t.id, t.box, false});
    return out;
}

}  // namespace vigil::client
