#pragma once
// FaceEnroller backed by the recognition engine (vigil_recognition): the
// same detector, aligner and descriptor network the stations run, so the
// descriptors and the model fingerprint agree with theirs.

#include "server/core/FaceEnroller.hpp"

#include <filesystem>
#include <memory>
#include <mutex>

namespace vigil::recognition {
class FaceEngine;
}

namespace vigil::server {

class RecognitionFaceEnroller : public FaceEnroller {
public:
    // Loads the models; throws std::runtime_error naming the missing file.
    // An empty path means the engine's default (tools/fetch-models' location).
    explicit RecognitionFaceEnroller(const std::filesystem::path& descriptorModel = {});
    ~RecognitionFaceEnroller() override;

    EnrolmentVerdict enrol(std::span<const std::uint8_t> encodedImage) override;
    std::string modelFingerprint() const override { return fingerprint_; }

private:
    std::mutex mutex_;  // FaceEngine is not safe for concurrent calls
    std::unique_ptr<recognition::FaceEngine> engine_;
    std::string fingerprint_;
};

}  // namespace vigil::server
