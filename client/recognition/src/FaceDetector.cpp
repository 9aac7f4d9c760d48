#include "vigil/recognition/FaceDetector.hpp"

#include <dlib/image_processing/frontal_face_detector.h>
#include <dlib/image_transforms.h>
#include <dlib/opencv/cv_image.h>

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace vigil::recognition {

struct FaceDetector::Impl {
    dlib::frontal_face_detector hog = dlib::get_frontal_face_detector();
};

FaceDetector::FaceDetector(DetectorOptions options) : options_(options), impl_(std::make_unique<Impl>()) {
    if (options_.detectionWidth < 80) throw std::invalid_argument("detectionWidth must be at least 80 pixels");
    if (options_.upsample < 0 || options_.upsample > 3) throw std::invalid_argument("upsample must be 0..3");
}
FaceDetector::~FaceDetector() = default;
FaceDetector::FaceDetector(FaceDetector&&) noexcept = default;
FaceDetector& FaceDetector::operator=(FaceDetector&&) noexcept = default;

std::vector<DetectedFace> FaceDetector::detect(const cv::Mat& image) {
    if (image.empty()) return {};
    if (image.depth() != CV_8U) throw std::invalid_argument("FaceDetector: 8-bit image expected");

    // HOG works on grey levels; converting first also halves what the resize reads.
    cv::Mat grey;
    if (image.channels() == 3) cv::cvtColor(image, grey, cv::COLOR_BGR2GRAY);
    else if (image.channels() == 4) cv::cvtColor(image, grey, cv::COLOR_BGRA2GRAY);
    else grey = image;

    double scale = 1.0;
    if (grey.cols > options_.detectionWidth) {
        scale = static_cast<double>(options_.detectionWidth) / grey.cols;
        cv::Mat small;
        cv::resize(grey, small, cv::Size(), scale, scale, cv::INTER_AREA);
        grey = small;
    }
    if (!grey.isContinuous()) grey = grey.clone();

    std::vector<dlib::rect_detection> found;
    if (options_.upsample == 0) {
        impl_->hog(dlib::cv_image<unsigned char>(grey), found, options_.adjustThreshold);
    } else {
        dlib::array2d<unsigned char> work;
        dlib::assign_image(work, dlib::cv_image<unsigned char>(grey));
        for (int i = 0; i < options_.upsample; ++i) dlib::pyramid_up(work);
        impl_->hog(work, found, options_.adjustThreshold);
        scale *= std::pow(2.0, options_.upsample);
    }

    const cv::Rect frame(0, 0, image.cols, image.rows);
    std::vector<DetectedFace> faces;
    faces.reserve(found.size());
    for (const auto& d : found) {
        const auto& r = d.rect;
        cv::Rect box(static_cast<int>(std::lround(r.left() / scale)), static_cast<int>(std::lround(r.top() / scale)),
                     static_cast<int>(std::lround(r.width() / scale)),
                     static_cast<int>(std::lround(r.height() / scale)));
        box &= frame;  // HOG boxes may stick out of the frame at its edges
        if (box.area() > 0) faces.push_back({box, d.detection_confidence});
    }
    return faces;
}

}  // namespace vigil::recognition
