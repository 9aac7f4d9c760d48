#include "server/core/RecognitionFaceEnroller.hpp"

#include "vigil/recognition/FaceEngine.hpp"

#include <opencv2/imgcodecs.hpp>

#include <algorithm>

namespace vigil::server {

RecognitionFaceEnroller::RecognitionFaceEnroller(const std::filesystem::path& descriptorModel) {
    recognition::FaceEngineOptions options;
    options.descriptorModel = descriptorModel;
    engine_ = std::make_unique<recognition::FaceEngine>(options);
    fingerprint_ = engine_->modelFingerprint();
}

RecognitionFaceEnroller::~RecognitionFaceEnroller() = default;

EnrolmentVerdict RecognitionFaceEnroller::enrol(std::span<const std::uint8_t> bytes) {
    const cv::Mat raw(1, static_cast<int>(bytes.size()), CV_8UC1, const_cast<std::uint8_t*>(bytes.data()));
    const cv::Mat photo = cv::imdecode(raw, cv::IMREAD_COLOR);
    if (photo.empty()) return {false, "the photo could not be decoded", {}, 0};
    std::lock_guard lock(mutex_);
    const auto result = engine_->enrol(photo);
    if (result.quality.verdict != recognition::QualityVerdict::Ok || !result.descriptor)
        return {false, std::string(recognition::explain(result.quality.verdict)), {}, 0};
    EnrolmentVerdict verdict;
    verdict.accepted = true;
    std::copy(result.descriptor->begin(), result.descriptor->end(), verdict.descriptor.begin());
    // A 0..1 score for the console: focus relative to what sharp enrolment
    // photos measure (the engine's QualityThresholds: 150-1500, reject < 40).
    verdict.quality = static_cast<float>(std::clamp(result.quality.sharpness / 300.0, 0.0, 1.0));
    return verdict;
}

}  // namespace vigil::server
