#include "TestSupport.hpp"
#include "vigil/recognition/FaceAligner.hpp"
#include "vigil/recognition/FaceDetector.hpp"

#include <doctest/doctest.h>
#include <opencv2/imgproc.hpp>

using namespace vigil::recognition;
using namespace vigil::recognition::test;

namespace {
std::size_t countFaces(const std::filesystem::path& photo, DetectorOptions options = {}) {
    FaceDetector detector(options);
    return detector.detect(readPhoto(photo)).size();
}
}  // namespace

TEST_CASE("every face of the group photos of the shared test set is found, and nothing else") {
    if (skipWithoutSharedFaces()) return;
    const auto scenes = sharedFaces() / "scenes";
    CHECK(countFaces(scenes / "obama_and_biden.jpg") == 2);
    CHECK(countFaces(scenes / "kit_with_rose.jpg") == 2);
    CHECK(countFaces(scenes / "two_people.jpg") == 2);
    CHECK(countFaces(scenes / "obama_partial_face.jpg") == 1);
}

TEST_CASE("the frontal faces of face-api's demo group photos are found, and nothing else") {
    const auto demo = demoPhotos();
    if (!std::filesystem::is_directory(demo)) {
        skipBecause("face-api demo photos not found at " + demo.string() + ": run tools/fetch-models");
        return;
    }
    // Counted by eye: every face in these photos looks at the camera.
    CHECK(countFaces(demo / "sample1.jpg") == 3);
    CHECK(countFaces(demo / "sample3.jpg") == 3);
    CHECK(countFaces(demo / "sample5.jpg") == 5);
    CHECK(countFaces(demo / "sample6.jpg") == 4);
    // sample4 has four people, one with her face turned away: a frontal
    // detector finds the three others. sample2 has three people of whom only
    // one faces the camera (the others look down or sideways).
    CHECK(countFaces(demo / "sample4.jpg") == 3);
    CHECK(countFaces(demo / "sample2.jpg") == 1);
}

TEST_CASE("boxes found on a downscaled copy are mapped back to the original image") {
    if (skipWithoutSharedFaces()) return;
    const cv::Mat photo = readPhoto(sharedFaces() / "scenes" / "obama_and_biden.jpg");  // 2000 px wide
    DetectorOptions small;
    small.detectionWidth = 640;
    DetectorOptions large;
    large.detectionWidth = 1280;
    const auto a = FaceDetector(small).detect(photo);
    const auto b = FaceDetector(large).detect(photo);
    REQUIRE(a.size() == 2);
    // Each face found on the 640-wide copy has its counterpart, found at
    // twice the resolution, at the same place in original coordinates.
    for (const auto& face : a) {
        double bestOverlap = 0.0;
        for (const auto& other : b)
            bestOverlap = std::max(bestOverlap, static_cast<double>((face.box & other.box).area()) /
                                                    (face.box | other.box).area());
        CHECK(bestOverlap > 0.6);
        CHECK(face.box.x > 600);  // both faces sit right of x=600 in the 2000 px original
    }
}

TEST_CASE("upsampling finds a face too small for the plain detector") {
    if (skipWithoutSharedFaces()) return;
    cv::Mat photo = readPhoto(sharedFaces() / "dev" / "obama" / "obama1.jpg");
    // The face is about 256 px wide; at 0.2x it is about 50 px, below HOG's 80 px window.
    cv::resize(photo, photo, cv::Size(), 0.2, 0.2, cv::INTER_AREA);
    CHECK(FaceDetector().detect(photo).empty());
    DetectorOptions upsample;
    upsample.upsample = 1;
    CHECK(FaceDetector(upsample).detect(photo).size() == 1);
}

TEST_CASE("an aligned chip is 150x150 with the eyes level and in the upper half") {
    if (skipWithoutSharedFaces() || skipWithoutLandmarkModel()) return;
    const cv::Mat photo = readPhoto(sharedFaces() / "dev" / "biden" / "biden1.jpg");
    const auto faces = FaceDetector().detect(photo);
    REQUIRE(faces.size() == 1);
    const FaceAligner aligner;
    const FaceLandmarks landmarks = aligner.landmarks(photo, faces[0].box);
    // Points 36-41 and 42-47 are the eyes in the 68-point scheme; 30 is the nose tip.
    const auto& p = landmarks.points;
    CHECK(p[36].x < p[45].x);
    CHECK(p[30].y > p[36].y);
    CHECK(faces[0].box.contains(cv::Point(static_cast<int>(p[30].x), static_cast<int>(p[30].y))));
    const cv::Mat chip = aligner.alignedChip(photo, landmarks);
    CHECK(chip.rows == kChipSize);
    CHECK(chip.cols == kChipSize);
    CHECK(chip.type() == CV_8UC3);
    // Detect landmarks again on the chip: alignment puts the eyes on a level line.
    const auto chipLandmarks = aligner.landmarks(chip, cv::Rect(0, 0, kChipSize, kChipSize));
    const cv::Point2f leftEye = (chipLandmarks.points[36] + chipLandmarks.points[39]) * 0.5f;
    const cv::Point2f rightEye = (chipLandmarks.points[42] + chipLandmarks.points[45]) * 0.5f;
    CHECK(std::abs(leftEye.y - rightEye.y) < 6.0f);
    CHECK(leftEye.y < kChipSize / 2.0f);
}
