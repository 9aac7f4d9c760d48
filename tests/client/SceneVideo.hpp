#pragma once
// A 640x480 MJPEG test video made from photos: each photo, scaled to fill
// most of the frame, shown for some seconds on a plain background (an empty
// path is an empty scene).

#include <doctest/doctest.h>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include <filesystem>
#include <utility>
#include <vector>

namespace vigil::test {

inline void writeSceneVideo(const std::filesystem::path& file,
                            const std::vector<std::pair<std::filesystem::path, double>>& scenes, double fps) {
    cv::VideoWriter writer(file.string(), cv::VideoWriter::fourcc('M', 'J', 'P', 'G'), fps, cv::Size(640, 480));
    REQUIRE(writer.isOpened());
    for (const auto& [photo, seconds] : scenes) {
        cv::Mat canvas(480, 640, CV_8UC3, cv::Scalar(90, 90, 90));
        if (!photo.empty()) {
            const cv::Mat image = cv::imread(photo.string());
            REQUIRE_MESSAGE(!image.empty(), photo.string());
            const double scale = std::min(440.0 / image.rows, 600.0 / image.cols);
            cv::Mat scaled;
            cv::resize(image, scaled, cv::Size(), scale, scale, cv::INTER_AREA);
            scaled.copyTo(canvas(cv::Rect((640 - scaled.cols) / 2, (480 - scaled.rows) / 2, scaled.cols, scaled.rows)));
        }
        for (int i = 0; i < static_cast<int>(seconds * fps); ++i) writer.write(canvas);
    }
}

}  // namespace vigil::test
