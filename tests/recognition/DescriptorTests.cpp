// The descriptor network on real photos: the same face under everyday
// changes stays within dlib's 0.6, different people stay beyond it.
#include "TestSupport.hpp"
#include "vigil/recognition/Evaluation.hpp"
#include "vigil/recognition/FaceEngine.hpp"

#include <doctest/doctest.h>
#include <opencv2/imgproc.hpp>

#include <cmath>
#include <memory>
#include <sstream>
#include <vector>

using namespace vigil::recognition;
using namespace vigil::recognition::test;
namespace fs = std::filesystem;

namespace {

// One engine for the whole file: loading the network takes a while.
FaceEngine& engine() {
    static std::unique_ptr<FaceEngine> instance = [] {
        FaceEngineOptions options;
        options.detector.upsample = 1;  // the 0.5x variants have faces under HOG's 80 px window
        return std::make_unique<FaceEngine>(options);
    }();
    return *instance;
}

Descriptor largestFace(const cv::Mat& image, const std::string& what) {
    const auto faces = engine().analyse(image);
    REQUIRE_MESSAGE(!faces.empty(), "no face found in " << what);
    return faces.front().descriptor;
}

cv::Mat rescaled(const cv::Mat& m, double f) {
    cv::Mat out;
    cv::resize(m, out, cv::Size(), f, f, f < 1.0 ? cv::INTER_AREA : cv::INTER_LINEAR);
    return out;
}
cv::Mat jpegQuality30(const cv::Mat& m) {
    std::vector<uchar> bytes;
    cv::imencode(".jpg", m, bytes, {cv::IMWRITE_JPEG_QUALITY, 30});
    return cv::imdecode(bytes, cv::IMREAD_COLOR);
}
cv::Mat brightness(const cv::Mat& m, double factor) {
    cv::Mat out;
    m.convertTo(out, -1, factor, 0.0);
    return out;
}
cv::Mat rotated(const cv::Mat& m, double degrees) {
    const cv::Mat r = cv::getRotationMatrix2D(cv::Point2f(m.cols / 2.0f, m.rows / 2.0f), degrees, 1.0);
    cv::Mat out;
    cv::warpAffine(m, out, r, m.size(), cv::INTER_LINEAR, cv::BORDER_REPLICATE);
    return out;
}
cv::Mat mirrored(const cv::Mat& m) {
    cv::Mat out;
    cv::flip(m, out, 1);
    return out;
}

}  // namespace

TEST_CASE("a descriptor has 128 finite values and a norm close to one") {
    if (skipWithoutDescriptorModel()) return;
    const Descriptor d = largestFace(readPhoto(sharedFaces() / "dev" / "obama" / "obama1.jpg"), "obama1");
    float norm2 = 0.0f;
    for (float v : d) {
        CHECK(std::isfinite(v));
        norm2 += v * v;
    }
    CHECK(std::sqrt(norm2) > 0.5f);
    CHECK(std::sqrt(norm2) < 1.5f);
}

TEST_CASE("the same face rescaled, recompressed, relit, rotated or mirrored stays under the 0.6 threshold") {
    if (skipWithoutDescriptorModel()) return;
    // One photo per identity keeps the test under a minute in sanitizer builds.
    const std::vector<fs::path> photos = {
        "obama/obama1.jpg", "biden/biden1.jpg", "kit_harington/kit2.jpg",
        "rose_leslie/rose2.jpg", "alex_lacamoire/alex1.jpg", "lin_manuel_miranda/lin1.png"};
    float worst = 0.0f;
    std::string worstCase;
    for (const auto& relative : photos) {
        const cv::Mat original = readPhoto(sharedFaces() / "dev" / relative);
        const Descriptor reference = largestFace(original, relative.string());
        const std::vector<std::pair<std::string, cv::Mat>> variants = {
            {"0.5x", rescaled(original, 0.5)},          {"0.75x", rescaled(original, 0.75)},
            {"1.5x", rescaled(original, 1.5)},          {"jpeg q30", jpegQuality30(original)},
            {"brightness +30%", brightness(original, 1.3)}, {"brightness -30%", brightness(original, 0.7)},
            {"rotated +8 deg", rotated(original, 8.0)}, {"rotated -8 deg", rotated(original, -8.0)},
            {"mirrored", mirrored(original)},
        };
        for (const auto& [name, image] : variants) {
            const std::string what = relative.string() + " " + name;
            const float d = euclideanDistance(reference, largestFace(image, what));
            CHECK_MESSAGE(d < kDefaultMatchThreshold, what << ": distance " << d);
            if (d > worst) {
                worst = d;
                worstCase = what;
            }
        }
    }
    MESSAGE("largest distance to the original: " << worst << " (" << worstCase << ")");
}

TEST_CASE("every pair of photos of different people in the dev set is farther apart than 0.6") {
    if (skipWithoutDescriptorModel()) return;
    std::vector<std::string> skipped;
    const auto samples = describeLabelledFolder(sharedFaces() / "dev", engine(), skipped);
    CHECK(skipped.empty());
    REQUIRE(samples.size() == 16);
    float closest = 10.0f;
    int pairs = 0;
    for (std::size_t i = 0; i < samples.size(); ++i)
        for (std::size_t j = i + 1; j < samples.size(); ++j) {
            if (samples[i].identity == samples[j].identity) continue;
            ++pairs;
            const float d = euclideanDistance(samples[i].descriptor, samples[j].descriptor);
            CHECK_MESSAGE(d > kDefaultMatchThreshold,
                          samples[i].photo.filename() << " vs " << samples[j].photo.filename() << ": " << d);
            closest = std::min(closest, d);
        }
    CHECK(pairs == 102);
    MESSAGE("closest pair of different people: " << closest);
}

TEST_CASE("evaluation on the dev set separates same and different people and identifies every face") {
    if (skipWithoutDescriptorModel()) return;
    std::vector<std::string> skipped;
    const auto samples = describeLabelledFolder(sharedFaces() / "dev", engine(), skipped);
    const EvaluationReport r = evaluate(samples);
    CHECK(r.identities == 6);
    CHECK(r.samePairs == 18);
    CHECK(r.differentPairs == 102);
    CHECK(r.largestSameDistance < r.smallestDifferentDistance);
    CHECK(r.atThreshold.accuracy == doctest::Approx(1.0));
    CHECK(r.best.threshold > r.largestSameDistance);
    CHECK(r.best.threshold < r.smallestDifferentDistance);
    // lin_manuel_miranda has a single photo: 15 of the 16 can be identified.
    CHECK(r.rank1Queries == 15);
    CHECK(r.rank1Correct == 15);
    // The ROC is monotonic: a looser threshold accepts at least as much.
    for (std::size_t i = 1; i < r.roc.size(); ++i) {
        CHECK(r.roc[i].trueAcceptRate >= r.roc[i - 1].trueAcceptRate);
        CHECK(r.roc[i].falseAcceptRate >= r.roc[i - 1].falseAcceptRate);
    }
}

TEST_CASE("the evaluate command prints the report and writes the ROC plot") {
    if (skipWithoutDescriptorModel()) return;
    const fs::path png = fs::temp_directory_path() / "vigil-test-roc.png";
    fs::remove(png);
    std::ostringstream out;
    const int status = runEvaluateCommand({(sharedFaces() / "dev").string(), "--roc-png", png.string()}, out);
    INFO(out.str());
    CHECK(status == 0);
    CHECK(out.str().find("best threshold") != std::string::npos);
    CHECK(out.str().find("rank-1 identification: 15/15") != std::string::npos);
    const cv::Mat plot = cv::imread(png.string());
    CHECK(plot.cols == 480);
    fs::remove(png);

    std::ostringstream usage;
    CHECK(runEvaluateCommand({}, usage) == 2);
    CHECK(runEvaluateCommand({"--bogus"}, usage) == 2);
}

TEST_CASE("a batch of chips gets the same descriptors as one chip at a time") {
    if (skipWithoutDescriptorModel()) return;
    const cv::Mat photo = readPhoto(sharedFaces() / "scenes" / "two_people.jpg");
    const auto faces = engine().analyse(photo);  // batched inside
    REQUIRE(faces.size() == 2);
    for (const auto& face : faces) {
        const Descriptor single = engine().descriptorNet().describe(face.chip);
        CHECK(euclideanDistance(single, face.descriptor) < 1e-4f);
    }
}

TEST_CASE("enrolment accepts a good photo and returns the same descriptor as live analysis") {
    if (skipWithoutDescriptorModel()) return;
    const cv::Mat photo = readPhoto(sharedFaces() / "dev" / "biden" / "biden2.jpg");
    const EnrolledPhoto enrolled = engine().enrol(photo);
    CHECK(enrolled.quality.verdict == QualityVerdict::Ok);
    REQUIRE(enrolled.descriptor.has_value());
    CHECK(euclideanDistance(*enrolled.descriptor, largestFace(photo, "biden2")) < 1e-3f);
    const EnrolledPhoto group = engine().enrol(readPhoto(sharedFaces() / "scenes" / "obama_and_biden.jpg"));
    CHECK(group.quality.verdict == QualityVerdict::SeveralFaces);
    CHECK_FALSE(group.descriptor.has_value());
}
