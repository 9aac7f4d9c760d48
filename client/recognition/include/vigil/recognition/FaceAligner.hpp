// 68-point landmarks (dlib's shape predictor) and the aligned 150x150 face
// chip the descriptor network expects (dlib's get_face_chip_details with the
// 0.25 padding of dnn_face_recognition_ex.cpp).
#pragma once

#include <opencv2/core.hpp>

#include <array>
#include <filesystem>
#include <memory>
#include <vector>

namespace vigil::recognition {

inline constexpr int kChipSize = 150;

struct FaceLandmarks {
    cv::Rect box;  // the detection the landmarks were fitted in
    std::array<cv::Point2f, 68> points;
};

// const member functions are safe to call from several threads at once.
class FaceAligner {
public:
    explicit FaceAligner(const std::filesystem::path& shapePredictorFile);
    FaceAligner();  // uses landmarkModelPath()
    ~FaceAligner();
    FaceAligner(FaceAligner&&) noexcept;
    FaceAligner& operator=(FaceAligner&&) noexcept;

    // image: 8-bit BGR.
    FaceLandmarks landmarks(const cv::Mat& image, const cv::Rect& face) const;

    // The aligned chip, kChipSize x kChipSize, 8-bit BGR.
    cv::Mat alignedChip(const cv::Mat& image, const FaceLandmarks& landmarks) const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace vigil::recognition
