#pragma once
// What "a screenshot shows something" and "two screens differ" mean for the
// screenshot test, in numbers.

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <string>

namespace vigil::test {

// Standard deviation of the grey levels: 0 for a uniform (blank) image; a
// screen with text and panels measures well over 10.
inline double greyStdDev(const cv::Mat& bgr) {
    cv::Mat grey;
    cv::cvtColor(bgr, grey, cv::COLOR_BGR2GRAY);
    cv::Scalar mean, stddev;
    cv::meanStdDev(grey, mean, stddev);
    return stddev[0];
}

// Share of pixels (0..1) whose colour differs by more than a little between
// two images of the same size; images of different sizes differ entirely.
inline double changedFraction(const cv::Mat& a, const cv::Mat& b) {
    if (a.size() != b.size()) return 1.0;
    cv::Mat difference, grey, changed;
    cv::absdiff(a, b, difference);
    cv::cvtColor(difference, grey, cv::COLOR_BGR2GRAY);
    cv::threshold(grey, changed, 24, 255, cv::THRESH_BINARY);
    return static_cast<double>(cv::countNonZero(changed)) / static_cast<double>(a.total());
}

// Whether two screenshot names (without .png) are states of one screen:
// "station-5-settings" and "station-5-settings--refused".
inline bool sameScreen(const std::string& a, const std::string& b) {
    const auto base = [](const std::string& name) { return name.substr(0, name.find("--")); };
    return base(a) == base(b);
}

// Share of pixels (0..1) within `tolerance` (per channel) of the colour
// `bgr`: whether a screen shows a state drawn in a colour of its own (the
// station's UNCONFIRMED, CONFIRMED and WITHDRAWN banners).
inline double colourFraction(const cv::Mat& bgr, const cv::Scalar& colour, int tolerance = 6) {
    cv::Mat inside;
    const cv::Scalar low(colour[0] - tolerance, colour[1] - tolerance, colour[2] - tolerance);
    const cv::Scalar high(colour[0] + tolerance, colour[1] + tolerance, colour[2] + tolerance);
    cv::inRange(bgr, low, high, inside);
    return static_cast<double>(cv::countNonZero(inside)) / static_cast<double>(bgr.total());
}

}  // namespace vigil::test
