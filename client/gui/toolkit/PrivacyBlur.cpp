#include "client/gui/toolkit/PrivacyBlur.hpp"

#include <opencv2/imgproc.hpp>

#include <algorithm>

namespace vigil::gui {

void pixelate(cv::Mat& image, cv::Rect region, int blocks) {
    if (image.empty()) return;
    const int margin = std::max(region.width, region.height) / 4;
    region = cv::Rect(region.x - margin, region.y - margin, region.width + 2 * margin,
                      region.height + 2 * margin) &
             cv::Rect(0, 0, image.cols, image.rows);
    if (region.width < 2 || region.height < 2) return;
    cv::Mat roi = image(region);
    cv::Mat small;
    cv::resize(roi, small, {std::max(1, blocks), std::max(1, blocks * region.height / region.width)},
               0, 0, cv::INTER_AREA);
    cv::resize(small, roi, roi.size(), 0, 0, cv::INTER_NEAREST);
}

void pixelateFrame(cv::Mat& image) {
    if (image.empty()) return;
    // 48 blocks across a frame: a face filling a tenth of the width is five
    // blocks wide, which shows where it is and not who it is.
    cv::Mat small;
    cv::resize(image, small, {48, std::max(1, 48 * image.rows / image.cols)}, 0, 0, cv::INTER_AREA);
    cv::resize(small, image, image.size(), 0, 0, cv::INTER_NEAREST);
}

}  // namespace vigil::gui
