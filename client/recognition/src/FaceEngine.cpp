#include "vigil/recognition/FaceEngine.hpp"

#include "vigil/recognition/ModelFingerprint.hpp"
#include "vigil/recognition/ModelPaths.hpp"

#include <algorithm>

namespace vigil::recognition {

namespace {
std::filesystem::path orDefault(const std::filesystem::path& p, std::filesystem::path (*fallback)()) {
    return p.empty() ? fallback() : p;
}
}  // namespace

FaceEngine::FaceEngine(const FaceEngineOptions& options)
    : detector_(options.detector),
      enrolmentDetector_(enrolmentDetectorOptions(options.detector)),
      aligner_(orDefault(options.landmarkModel, landmarkModelPath)),
      net_(orDefault(options.descriptorModel, descriptorModelPath)),
      fingerprint_(recognition::modelFingerprint(orDefault(options.descriptorModel, descriptorModelPath))) {}

std::vector<AnalysedFace> FaceEngine::analyse(const cv::Mat& image) {
    auto detections = detector_.detect(image);
    std::sort(detections.begin(), detections.end(),
              [](const DetectedFace& a, const DetectedFace& b) { return a.box.area() > b.box.area(); });
    std::vector<AnalysedFace> faces;
    std::vector<cv::Mat> chips;
    faces.reserve(detections.size());
    for (const auto& d : detections) {
        AnalysedFace face;
        face.detection = d;
        face.landmarks = aligner_.landmarks(image, d.box);
        face.chip = aligner_.alignedChip(image, face.landmarks);
        chips.push_back(face.chip);
        faces.push_back(std::move(face));
    }
    const auto descriptors = net_.describe(chips);
    for (std::size_t i = 0; i < faces.size(); ++i) faces[i].descriptor = descriptors[i];
    return faces;
}

EnrolledPhoto FaceEngine::enrol(const cv::Mat& photo, const QualityThresholds& thresholds) {
    EnrolledPhoto result;
    result.quality = assessEnrolmentPhoto(photo, enrolmentDetector_, thresholds);
    if (result.quality.verdict == QualityVerdict::Ok) {
        const auto landmarks = aligner_.landmarks(photo, result.quality.face);
        result.descriptor = net_.describe(aligner_.alignedChip(photo, landmarks));
    }
    return result;
}

}  // namespace vigil::recognition
