// The 128-d face descriptor network (dlib's ResNet of
// dnn_face_recognition_ex.cpp) loaded from its dlib-serialised file.
#pragma once

#include "vigil/recognition/Descriptor.hpp"

#include <opencv2/core.hpp>

#include <filesystem>
#include <memory>
#include <vector>

namespace vigil::recognition {

// Not safe for concurrent calls on one object: keep one per thread.
class FaceDescriptorNet {
public:
    // Throws std::runtime_error with the path and a hint to run
    // tools/fetch-models when the file is missing or unreadable.
    explicit FaceDescriptorNet(const std::filesystem::path& modelFile);
    FaceDescriptorNet();  // uses descriptorModelPath()
    ~FaceDescriptorNet();
    FaceDescriptorNet(FaceDescriptorNet&&) noexcept;
    FaceDescriptorNet& operator=(FaceDescriptorNet&&) noexcept;

    // chip: 150x150 8-bit BGR, as FaceAligner::alignedChip returns.
    Descriptor describe(const cv::Mat& chip);

    // All chips in one forward pass: faster per face than one at a time.
    std::vector<Descriptor> describe(const std::vector<cv::Mat>& chips);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace vigil::recognition
