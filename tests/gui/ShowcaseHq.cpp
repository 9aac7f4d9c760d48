#include "gui/ShowcaseHq.hpp"

#include "vigil/recognition/FaceEngine.hpp"

#include <opencv2/imgcodecs.hpp>

#include <fstream>
#include <iterator>
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

protocol::Bytes readShowcaseFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

ShowcaseArgs parseShowcaseArgs(int argc, char** argv) {
    ShowcaseArgs args;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (i + 1 < argc && !std::string(argv[i + 1]).starts_with("--")) args.values[arg] = argv[++i];
        else args.flags.insert(arg);
    }
    return args;
}

ShowcaseHq::ShowcaseHq(const server::ServerConfig& config) {
    server::HqDependencies deps;
    deps.captcha_text = std::make_unique<KnownCaptchaText>();
    deps.enroller = makeShowcaseEnroller();
    service = std::make_unique<server::HqService>(config, std::move(deps));
    require(service->bootstrapAdmin("admin", kShowcaseAdminPassword), "bootstrap admin");
    require(service->addUser(admin, kShowcaseStation, kShowcaseStationPassword, protocol::Role::Station),
            "add station");
}

std::uint64_t ShowcaseHq::addPerson(const protocol::PersonDetails& details, const std::vector<std::string>& photos) {
    std::vector<protocol::Bytes> images;
    for (const auto& photo : photos) images.push_back(readShowcaseFile(photo));
    return require(service->addPerson(admin, details, images), "add person").person_id;
}

}  // namespace vigil::test
