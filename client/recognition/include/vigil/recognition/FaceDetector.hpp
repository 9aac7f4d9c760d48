// Face detection with dlib's HOG frontal face detector. Large frames are
// detected on a downscaled copy (HOG cost grows with the pixel count) and the
// boxes are mapped back to the caller's coordinates.
#pragma once

#include <opencv2/core.hpp>

#include <memory>
#include <vector>

namespace vigil::recognition {

struct DetectorOptions {
    // Frames wider than this are shrunk to this width before detection.
    int detectionWidth = 640;
    // Pyramid-up steps on the (shrunk) image. The HOG window is 80x80 pixels,
    // so each step halves the smallest face found, at four times the cost.
    int upsample = 0;
    // Added to dlib's detection threshold; negative finds more (and worse) faces.
    double adjustThreshold = 0.0;
};

struct DetectedFace {
    cv::Rect box;       // in the coordinates of the image passed to detect()
    double confidence;  // HOG detection score; higher is more face-like
};

// Not safe for concurrent calls on one object: keep one per thread.
class FaceDetector {
public:
    explicit FaceDetector(DetectorOptions options = {});
    ~FaceDetector();
    FaceDetector(FaceDetector&&) noexcept;
    FaceDetector& operator=(FaceDetector&&) noexcept;

    // image: 8-bit BGR (as OpenCV decodes and captures) or grey.
    std::vector<DetectedFace> detect(const cv::Mat& image);

    const DetectorOptions& options() const { return options_; }

private:
    struct Impl;
    DetectorOptions options_;
    std::unique_ptr<Impl> impl_;
};

}  // namespace vigil::recognition
