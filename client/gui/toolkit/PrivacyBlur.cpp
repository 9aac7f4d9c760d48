#include "client/gui/toolkit/PrivacyBlur.hpp"

#include <opencv2/imgproc.hpp>

#include <algorithm>

namespace vigil::gui {

void pixelate(cv::Mat& image, cv::Rect region) {
    if (image.empty()) return;
    const int margin = std::max(region.width, region.height) / 4;
    region = cv::Rect(region.x - margin, region.y - margin, region.width + 2 * margin,
                      region.height + 2 * margin) &
             cv::Rect(0, 0, image.cols, image.rows);
    if (region.width < 2 || region.height < 2) return;
    const int blocks = 8;
    cv::Mat roi = image(region);
    cv::Mat small;
    cv::resize(roi, small, {std::max(1, blocks), std::max(1, blocks * region.height / region.width)},
               0, 0, cv::INTER_AREA);
    cv::resize(small, roi, roi.size(), 0, 0, cv::INTER_NEAREST);
}

}  // namespace vigil::gui
