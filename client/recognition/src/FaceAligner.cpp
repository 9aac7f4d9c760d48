#include "vigil/recognition/FaceAligner.hpp"

#include "vigil/recognition/ModelPaths.hpp"

#include <dlib/image_processing.h>
#include <dlib/image_transforms.h>
#include <dlib/opencv.h>
#include <dlib/serialize.h>

#include <stdexcept>

namespace vigil::recognition {

struct FaceAligner::Impl {
    dlib::shape_predictor predictor;
};

namespace {

dlib::full_object_detection toDlib(const FaceLandmarks& landmarks) {
    const auto& b = landmarks.box;
    std::vector<dlib::point> parts;
    parts.reserve(landmarks.points.size());
    for (const auto& p : landmarks.points) parts.emplace_back(std::lround(p.x), std::lround(p.y));
    return dlib::full_object_detection(dlib::rectangle(b.x, b.y, b.x + b.width - 1, b.y + b.height - 1), parts);
}

void requireBgr(const cv::Mat& image) {
    if (image.empty() || image.type() != CV_8UC3) throw std::invalid_argument("FaceAligner: 8-bit BGR image expected");
}

}  // namespace

FaceAligner::FaceAligner(const std::filesystem::path& shapePredictorFile) : impl_(std::make_unique<Impl>()) {
    if (!std::filesystem::exists(shapePredictorFile))
        throw std::runtime_error("landmark model " + shapePredictorFile.string() +
                                 " not found (apt-get install libdlib-data)");
    dlib::deserialize(shapePredictorFile.string()) >> impl_->predictor;
    if (impl_->predictor.num_parts() != 68)
        throw std::runtime_error(shapePredictorFile.string() + " is not a 68-point landmark model");
}
FaceAligner::FaceAligner() : FaceAligner(landmarkModelPath()) {}
FaceAligner::~FaceAligner() = default;
FaceAligner::FaceAligner(FaceAligner&&) noexcept = default;
FaceAligner& FaceAligner::operator=(FaceAligner&&) noexcept = default;

FaceLandmarks FaceAligner::landmarks(const cv::Mat& image, const cv::Rect& face) const {
    requireBgr(image);
    const dlib::cv_image<dlib::bgr_pixel> view(image);
    const dlib::rectangle box(face.x, face.y, face.x + face.width - 1, face.y + face.height - 1);
    const dlib::full_object_detection shape = impl_->predictor(view, box);
    FaceLandmarks result;
    result.box = face;
    for (unsigned long i = 0; i < shape.num_parts(); ++i)
        result.points[i] = cv::Point2f(static_cast<float>(shape.part(i).x()), static_cast<float>(shape.part(i).y()));
    return result;
}

cv::Mat FaceAligner::alignedChip(const cv::Mat& image, const FaceLandmarks& landmarks) const {
    requireBgr(image);
    const dlib::cv_image<dlib::bgr_pixel> view(image);
    // 0.25 padding: the framing the network was trained with (dlib's
    // dnn_face_recognition_ex.cpp and face-api's extractFaces both use it).
    const auto details = dlib::get_face_chip_details(toDlib(landmarks), kChipSize, 0.25);
    dlib::matrix<dlib::bgr_pixel> chip;
    dlib::extract_image_chip(view, details, chip);
    return dlib::toMat(chip).clone();
}

}  // namespace vigil::recognition
