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
std::string_view verdictName(QualityVerdict verdict);  // "ok", "no-face", ...

struct QualityThresholds {
    // Face box width in pixels. The aligned chip is 150 px wide; much below
    // half of that, detail is invented by upscaling.
    int minFaceWidth = 70;
    // Mean grey level (0-255) of the whole photo: below it the photo is
    // essentially black. Kept low because a lit face on a dark background
    // (a night shot, a dark studio) is a fine enrolment photo.
    double minPhotoBrightness = 20.0;
    // Mean grey level of the face box: the dev photos' faces measure 90-180.
    double minFaceBrightness = 45.0;
    // Variance of the Laplacian of the face resized to 150x150 grey. The
    // sharp dev photos measure 35-1800; a Gaussian blur of sigma 3 on the
    // face brings them under 10.
    double minSharpness = 20.0;
};

struct QualityReport {
    QualityVerdict verdict = QualityVerdict::NoFace;
    int faceCount = 0;
    cv::Rect face;            // the face judged (when exactly one was found)
    double brightness = 0.0;  // of the face if found, else of the photo
    double sharpness = 0.0;   // of the face if found, else of the photo
};

// How enrolment detects faces: upsampled once, so that small faces are
// reported as too small rather than missing, and with a raised threshold,
// because upsampling also brings up weak false detections (a score of 0.07
// on a suit in scenes/obama_and_biden.jpg, where the real faces score over 1).
DetectorOptions enrolmentDetectorOptions(DetectorOptions base = {});

// photo: 8-bit BGR. detector: built with enrolmentDetectorOptions().
QualityReport assessEnrolmentPhoto(const cv::Mat& photo, FaceDetector& detector,
                                   const QualityThresholds& thresholds = {});

// Variance of the Laplacian of region, resized to 150x150 grey: a focus
// measure that does not depend on the photo's resolution.
double sharpnessOf(const cv::Mat& image, const cv::Rect& region);
double brightnessOf(const cv::Mat& image, const cv::Rect& region);

}  // namespace vigil::recognition
