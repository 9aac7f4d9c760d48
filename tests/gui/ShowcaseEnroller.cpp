#include "gui/ShowcaseEnroller.hpp"

#include "vigil/recognition/FaceEngine.hpp"

#include <opencv2/imgcodecs.hpp>

#include <mutex>

namespace vigil::test {
namespace {

class EngineEnroller final : public server::FaceEnroller {
public:
    server::EnrolmentVerdict enrol(std::span<const std::uint8_t> encoded) override {
        const cv::Mat raw(1, static_cast<int>(encoded.size()), CV_8UC1, const_cast<std::uint8_t*>(encoded.data()));
        const cv::Mat image = cv::imdecode(raw, cv::IMREAD_COLOR);
        if (image.empty()) return {false, "the file is not an image", {}, 0};
        std::lock_guard lock(mutex_);  // FaceEngine is not safe for concurrent calls
        const auto enrolled = engine_.enrol(image);
        server::EnrolmentVerdict verdict;
        verdict.accepted = enrolled.descriptor.has_value();
        verdict.sentence = std::string(recognition::explain(enrolled.quality.verdict));
        if (enrolled.descriptor) std::copy(enrolled.descriptor->begin(), enrolled.descriptor->end(), verdict.descriptor.begin());
        verdict.quality = verdict.accepted ? 1.0f : 0.0f;
        return verdict;
    }
    std::string modelFingerprint() const override { return engine_.modelFingerprint(); }

private:
    std::mutex mutex_;
    recognition::FaceEngine engine_;
};

}  // namespace

std::unique_ptr<server::FaceEnroller> makeShowcaseEnroller() { return std::make_unique<EngineEnroller>(); }

}  // namespace vigil::test
