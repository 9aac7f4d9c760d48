#include "TestSupport.hpp"
#include "vigil/recognition/EnrolmentQuality.hpp"
#include "vigil/recognition/FaceDetector.hpp"

#include <doctest/doctest.h>
#include <opencv2/imgproc.hpp>

#include <string>

using namespace vigil::recognition;
using namespace vigil::recognition::test;

namespace {
QualityReport assess(const cv::Mat& photo) {
    FaceDetector detector(enrolmentDetectorOptions());
    return assessEnrolmentPhoto(photo, detector);
}
}  // namespace

TEST_CASE("every verdict has its own explanation") {
    const QualityVerdict all[] = {QualityVerdict::Ok,           QualityVerdict::NoFace,     QualityVerdict::SeveralFaces,
                                  QualityVerdict::FaceTooSmall, QualityVerdict::TooBlurred, QualityVerdict::TooDark};
    for (auto a : all)
        for (auto b : all)
            if (a != b) {
                CHECK(std::string(explain(a)) != std::string(explain(b)));
                CHECK(std::string(verdictName(a)) != std::string(verdictName(b)));
            }
}

TEST_CASE("a black image is too dark") {
    const cv::Mat black(480, 640, CV_8UC3, cv::Scalar(0, 0, 0));
    CHECK(assess(black).verdict == QualityVerdict::TooDark);
}

TEST_CASE("a clear frontal photo is accepted") {
    if (skipWithoutSharedFaces()) return;
    const QualityReport r = assess(readPhoto(sharedFaces() / "dev" / "obama" / "obama1.jpg"));
    CHECK(r.verdict == QualityVerdict::Ok);
    CHECK(r.faceCount == 1);
    CHECK(r.face.width > 200);
}

TEST_CASE("a photo darkened to a tenth of its light is too dark") {
    if (skipWithoutSharedFaces()) return;
    cv::Mat photo = readPhoto(sharedFaces() / "dev" / "obama" / "obama1.jpg");
    photo.convertTo(photo, -1, 0.1, 0.0);
    CHECK(assess(photo).verdict == QualityVerdict::TooDark);
}

TEST_CASE("a blurred photo is too blurred") {
    if (skipWithoutSharedFaces()) return;
    const cv::Mat photo = readPhoto(sharedFaces() / "dev" / "obama" / "obama1.jpg");
    for (double sigma : {6.0, 12.0}) {  // face about 256 px wide: lightly and heavily out of focus
        cv::Mat blurred;
        cv::GaussianBlur(photo, blurred, cv::Size(), sigma);
        const QualityReport r = assess(blurred);
        CHECK_MESSAGE(r.verdict == QualityVerdict::TooBlurred,
                      "sigma " << sigma << ": " << verdictName(r.verdict) << ", sharpness " << r.sharpness);
    }
}

TEST_CASE("a tiny face is too small") {
    if (skipWithoutSharedFaces()) return;
    cv::Mat photo = readPhoto(sharedFaces() / "dev" / "obama" / "obama1.jpg");
    // Face about 256 px wide -> about 56 px: found with upsampling, too small to enrol.
    cv::resize(photo, photo, cv::Size(), 0.22, 0.22, cv::INTER_AREA);
    cv::Mat canvas(480, 640, CV_8UC3, cv::Scalar(128, 128, 128));
    photo.copyTo(canvas(cv::Rect(200, 100, photo.cols, photo.rows)));
    const QualityReport r = assess(canvas);
    CHECK(r.faceCount == 1);
    CHECK(r.verdict == QualityVerdict::FaceTooSmall);
}

TEST_CASE("a scene with two faces has several faces") {
    if (skipWithoutSharedFaces()) return;
    const QualityReport r = assess(readPhoto(sharedFaces() / "scenes" / "obama_and_biden.jpg"));
    CHECK(r.verdict == QualityVerdict::SeveralFaces);
    CHECK(r.faceCount == 2);
}

TEST_CASE("a photo of a scene with no face has no face") {
    if (skipWithoutSharedFaces()) return;
    // The lower part of a real photo: suits, hands and background, no face.
    const cv::Mat photo = readPhoto(sharedFaces() / "scenes" / "obama_and_biden.jpg");
    const cv::Mat lower = photo(cv::Rect(0, 800, photo.cols, photo.rows - 800)).clone();
    const QualityReport r = assess(lower);
    CHECK(r.faceCount == 0);
    CHECK(r.verdict == QualityVerdict::NoFace);
}

TEST_CASE("every photo of the labelled dev set is accepted for enrolment") {
    if (skipWithoutSharedFaces()) return;
    int accepted = 0, total = 0;
    for (const auto& identity : std::filesystem::directory_iterator(sharedFaces() / "dev"))
        for (const auto& file : std::filesystem::directory_iterator(identity.path())) {
            ++total;
            const QualityReport r = assess(readPhoto(file.path()));
            if (r.verdict == QualityVerdict::Ok) ++accepted;
            else MESSAGE(file.path().filename() << ": " << verdictName(r.verdict) << " brightness " << r.brightness
                                                << " sharpness " << r.sharpness);
        }
    CHECK(total == 16);
    CHECK(accepted == total);
}
