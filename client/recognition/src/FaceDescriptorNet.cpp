// The only translation unit of the library that instantiates dlib's DNN
// templates (see ResNetDefinition.hpp for why that matters).
#include "vigil/recognition/FaceDescriptorNet.hpp"

#include "ResNetDefinition.hpp"
#include "vigil/recognition/FaceAligner.hpp"
#include "vigil/recognition/ModelPaths.hpp"

#include <stdexcept>

namespace vigil::recognition {

struct FaceDescriptorNet::Impl {
    detail::anet_type net;
};

namespace {

dlib::matrix<dlib::rgb_pixel> toRgbChip(const cv::Mat& chip) {
    if (chip.type() != CV_8UC3 || chip.rows != kChipSize || chip.cols != kChipSize)
        throw std::invalid_argument("FaceDescriptorNet: a 150x150 8-bit BGR chip is expected");
    dlib::matrix<dlib::rgb_pixel> rgb(kChipSize, kChipSize);
    for (int y = 0; y < kChipSize; ++y) {
        const auto* row = chip.ptr<cv::Vec3b>(y);
        for (int x = 0; x < kChipSize; ++x) rgb(y, x) = dlib::rgb_pixel(row[x][2], row[x][1], row[x][0]);
    }
    return rgb;
}

Descriptor toDescriptor(const dlib::matrix<float, 0, 1>& m) {
    if (m.size() != static_cast<long>(kDescriptorSize))
        throw std::runtime_error("the descriptor network did not produce 128 values: wrong model file?");
    Descriptor d;
    for (std::size_t i = 0; i < kDescriptorSize; ++i) d[i] = m(static_cast<long>(i));
    return d;
}

}  // namespace

FaceDescriptorNet::FaceDescriptorNet(const std::filesystem::path& modelFile) : impl_(std::make_unique<Impl>()) {
    if (!std::filesystem::exists(modelFile))
        throw std::runtime_error("face descriptor model " + modelFile.string() +
                                 " not found: run tools/fetch-models (or set VIGIL_MODEL_DIR)");
    try {
        dlib::deserialize(modelFile.string()) >> impl_->net;
    } catch (const dlib::serialization_error& e) {
        throw std::runtime_error("face descriptor model " + modelFile.string() + " is not dlib's face ResNet: " +
                                 e.what());
    }
}
FaceDescriptorNet::FaceDescriptorNet() : FaceDescriptorNet(descriptorModelPath()) {}
FaceDescriptorNet::~FaceDescriptorNet() = default;
FaceDescriptorNet::FaceDescriptorNet(FaceDescriptorNet&&) noexcept = default;
FaceDescriptorNet& FaceDescriptorNet::operator=(FaceDescriptorNet&&) noexcept = default;

Descriptor FaceDescriptorNet::describe(const cv::Mat& chip) {
    return toDescriptor(impl_->net(toRgbChip(chip)));
}

std::vector<Descriptor> FaceDescriptorNet::describe(const std::vector<cv::Mat>& chips) {
    if (chips.empty()) return {};
    std::vector<dlib::matrix<dlib::rgb_pixel>> input;
    input.reserve(chips.size());
    for (const auto& chip : chips) input.push_back(toRgbChip(chip));
    // One tensor for the whole batch: one pass through the layers instead of
    // one per face. dlib's CPU convolution still runs one GEMM per sample, so
    // the gain is in per-layer overheads (allocation, pooling, activations).
    const auto output = impl_->net(input, input.size());
    std::vector<Descriptor> result;
    result.reserve(output.size());
    for (const auto& m : output) result.push_back(toDescriptor(m));
    return result;
}

}  // namespace vigil::recognition
