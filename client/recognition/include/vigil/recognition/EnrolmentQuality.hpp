// Is a photo good enough to enrol a wanted person? One verdict per photo with
// a sentence saying why; nothing is silently accepted.
#pragma once

#include "vigil/recognition/FaceDetector.hpp"

#include <opencv2/core.hpp>

#include <string_view>

namespace vigil::recognition {

enum class QualityVerdict { Ok, NoFace, SeveralFaces, FaceTooSmall, TooBlurred, TooDark };

// A sentence for an operator, e.g. "the face is too small: ...".
std::string_view explain(QualityVerdict verdict);
std::string_view toString(QualityVerdict verdict);  // "ok", "no-face", ...

struct QualityThresholds {
    // Face box width in pixels. The aligned chip is 150 px wide; much below
    // half of that, detail is invented by upscaling.
    int minFaceWidth = 70;
    // Mean grey level (0-255) of the whole photo and of the face.
    double minBrightness = 40.0;
    // Variance of the Laplacian of the face resized to 150x150 grey.
    // Sharp dev photos measure 150-1500; a Gaussian blur of sigma 3 brings
    // them under 20.
    double minSharpness = 40.0;
};

struct QualityReport {
    QualityVerdict verdict = QualityVerdict::NoFace;
    int faceCount = 0;
    cv::Rect face;            // the face judged (when exactly one was found)
    double brightness = 0.0;  // of the face if found, else of the photo
    double sharpness = 0.0;   // of the face if found, else of the photo
};

// photo: 8-bit BGR. The detector should upsample (DetectorOptions::upsample
// >= 1) so that small faces are reported as too small rather than missing.
QualityReport assessEnrolmentPhoto(const cv::Mat& photo, FaceDetector& detector,
                                   const QualityThresholds& thresholds = {});

// Variance of the Laplacian of region, resized to 150x150 grey: a focus
// measure that does not depend on the photo's resolution.
double sharpnessOf(const cv::Mat& image, const cv::Rect& region);
double brightnessOf(const cv::Mat& image, const cv::Rect& region);

}  // namespace vigil::recognition
