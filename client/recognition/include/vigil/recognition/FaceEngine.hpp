// The whole chain for one image: detect -> landmarks -> aligned chip ->
// descriptor, with the descriptors of all faces of a frame computed in one
// batch. The station runs it on video frames, the server on enrolled photos.
#pragma once

#include "vigil/recognition/Descriptor.hpp"
#include "vigil/recognition/EnrolmentQuality.hpp"
#include "vigil/recognition/FaceAligner.hpp"
#include "vigil/recognition/FaceDescriptorNet.hpp"
#include "vigil/recognition/FaceDetector.hpp"

#include <opencv2/core.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace vigil::recognition {

struct FaceEngineOptions {
    DetectorOptions detector;
    std::filesystem::path descriptorModel;  // empty: descriptorModelPath()
    std::filesystem::path landmarkModel;    // empty: landmarkModelPath()
};

struct AnalysedFace {
    DetectedFace detection;
    FaceLandmarks landmarks;
    cv::Mat chip;  // aligned 150x150 BGR
    Descriptor descriptor;
};

struct EnrolledPhoto {
    QualityReport quality;
    std::optional<Descriptor> descriptor;  // only when quality.verdict == Ok
};

// Not safe for concurrent calls on one object: keep one per thread.
class FaceEngine {
public:
    explicit FaceEngine(const FaceEngineOptions& options = {});

    // Every face of an 8-bit BGR image, largest first.
    std::vector<AnalysedFace> analyse(const cv::Mat& image);

    // The quality verdict of an enrolment photo and, when it is acceptable,
    // the descriptor of its face. Detection uses enrolmentDetectorOptions().
    EnrolledPhoto enrol(const cv::Mat& photo, const QualityThresholds& thresholds = {});

    // SHA-256 of the descriptor model file, computed once at construction.
    const std::string& modelFingerprint() const { return fingerprint_; }

    FaceDetector& detector() { return detector_; }
    const FaceAligner& aligner() const { return aligner_; }
    FaceDescriptorNet& descriptorNet() { return net_; }

private:
    FaceDetector detector_;
    FaceDetector enrolmentDetector_;
    FaceAligner aligner_;
    FaceDescriptorNet net_;
    std::string fingerprint_;
};

}  // namespace vigil::recognition
