#include "vigil/recognition/EnrolmentQuality.hpp"

#include <opencv2/imgproc.hpp>

#include <algorithm>

namespace vigil::recognition {

std::string_view explain(QualityVerdict verdict) {
    switch (verdict) {
        case QualityVerdict::Ok: return "the photo is suitable for enrolment";
        case QualityVerdict::NoFace: return "no face was found in the photo: use a frontal photo of the person";
        case QualityVerdict::SeveralFaces:
            return "several faces were found: crop the photo to the wanted person's face";
        case QualityVerdict::FaceTooSmall:
            return "the face is too small: use a photo where the face is at least 70 pixels wide";
        case QualityVerdict::TooBlurred: return "the photo is too blurred: use a sharper photo";
        case QualityVerdict::TooDark: return "the photo is too dark: use a better lit photo";
    }
    return "unknown verdict";
}

std::string_view verdictName(QualityVerdict verdict) {
    switch (verdict) {
        case QualityVerdict::Ok: return "ok";
        case QualityVerdict::NoFace: return "no-face";
        case QualityVerdict::SeveralFaces: return "several-faces";
        case QualityVerdict::FaceTooSmall: return "face-too-small";
        case QualityVerdict::TooBlurred: return "too-blurred";
        case QualityVerdict::TooDark: return "too-dark";
    }
    return "unknown";
}

DetectorOptions enrolmentDetectorOptions(DetectorOptions base) {
    base.upsample = std::max(base.upsample, 1);
    base.adjustThreshold = std::max(base.adjustThreshold, 0.3);
    return base;
}

namespace {
cv::Mat greyRegion(const cv::Mat& image, const cv::Rect& region) {
    const cv::Mat roi = image(region & cv::Rect(0, 0, image.cols, image.rows));
    cv::Mat grey;
    if (roi.channels() == 3) cv::cvtColor(roi, grey, cv::COLOR_BGR2GRAY);
    else grey = roi;
    return grey;
}
}  // namespace

double sharpnessOf(const cv::Mat& image, const cv::Rect& region) {
    cv::Mat grey = greyRegion(image, region);
    if (grey.empty()) return 0.0;
    // A fixed size makes the measure independent of the photo's resolution:
    // a large sharp face and a small sharp face both score high.
    cv::resize(grey, grey, cv::Size(150, 150), 0, 0, cv::INTER_AREA);
    cv::Mat laplacian;
    cv::Laplacian(grey, laplacian, CV_64F);
    cv::Scalar mean, stddev;
    cv::meanStdDev(laplacian, mean, stddev);
    return stddev[0] * stddev[0];
}

double brightnessOf(const cv::Mat& image, const cv::Rect& region) {
    const cv::Mat grey = greyRegion(image, region);
    return grey.empty() ? 0.0 : cv::mean(grey)[0];
}

QualityReport assessEnrolmentPhoto(const cv::Mat& photo, FaceDetector& detector, const QualityThresholds& thresholds) {
    QualityReport report;
    const cv::Rect whole(0, 0, photo.cols, photo.rows);
    if (photo.empty()) return report;  // NoFace: nothing to look at
    report.brightness = brightnessOf(photo, whole);
    report.sharpness = sharpnessOf(photo, whole);
    // Darkness first: in a very dark photo the detector finds nothing, and
    // "too dark" tells the operator what to fix where "no face" would not.
    if (report.brightness < thresholds.minPhotoBrightness) {
        report.verdict = QualityVerdict::TooDark;
        return report;
    }

    const auto faces = detector.detect(photo);
    report.faceCount = static_cast<int>(faces.size());
    if (faces.empty()) {
        // Blur also hides faces from HOG; say so when the photo as a whole is blurred.
        report.verdict =
            report.sharpness < thresholds.minSharpness ? QualityVerdict::TooBlurred : QualityVerdict::NoFace;
        return report;
    }
    if (faces.size() > 1) {
        report.verdict = QualityVerdict::SeveralFaces;
        return report;
    }
    report.face = faces.front().box;
    report.brightness = brightnessOf(photo, report.face);
    report.sharpness = sharpnessOf(photo, report.face);
    if (report.face.width < thresholds.minFaceWidth) report.verdict = QualityVerdict::FaceTooSmall;
    else if (report.brightness < thresholds.minFaceBrightness) report.verdict = QualityVerdict::TooDark;
    else if (report.sharpness < thresholds.minSharpness) report.verdict = QualityVerdict::TooBlurred;
    else report.verdict = QualityVerdict::Ok;
    return report;
}

}  // namespace vigil::recognition
