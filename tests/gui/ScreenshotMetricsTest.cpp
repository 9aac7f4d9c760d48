#include "gui/ScreenshotMetrics.hpp"

#include <doctest/doctest.h>
#include <opencv2/imgproc.hpp>

using vigil::test::changedFraction;
using vigil::test::colourFraction;
using vigil::test::greyStdDev;
using vigil::test::sameScreen;

namespace {
cv::Mat screen() {
    cv::Mat image(400, 600, CV_8UC3, cv::Scalar(30, 28, 24));
    cv::rectangle(image, {20, 20, 200, 360}, cv::Scalar(60, 50, 45), cv::FILLED);
    cv::putText(image, "Wanted persons", {240, 60}, cv::FONT_HERSHEY_SIMPLEX, 1.0, {235, 235, 235}, 2);
    return image;
}
}  // namespace

TEST_CASE("a window of one colour counts as blank and a drawn screen does not") {
    CHECK(greyStdDev(cv::Mat(400, 600, CV_8UC3, cv::Scalar(30, 28, 24))) < 1.0);
    CHECK(greyStdDev(screen()) > 12.0);
}

TEST_CASE("the same screen twice differs nowhere, another panel makes it differ") {
    const cv::Mat a = screen();
    CHECK(changedFraction(a, a.clone()) == 0.0);
    cv::Mat b = a.clone();
    cv::rectangle(b, {240, 100, 300, 200}, cv::Scalar(200, 200, 200), cv::FILLED);
    CHECK(changedFraction(a, b) > 0.2);
    CHECK(changedFraction(a, cv::Mat(10, 10, CV_8UC3)) == 1.0);
}

TEST_CASE("a banner in its own colour is found on the screen, and absent from a screen without it") {
    cv::Mat with = screen();
    const cv::Scalar amber(13, 102, 140);  // BGR
    cv::rectangle(with, {240, 100, 300, 30}, amber, cv::FILLED);
    CHECK(colourFraction(with, amber) == doctest::Approx(300.0 * 30 / (400 * 600)));
    CHECK(colourFraction(screen(), amber) == 0.0);
}

TEST_CASE("a state of a screen is named after it with a double dash") {
    CHECK(sameScreen("station-5-settings", "station-5-settings--refused"));
    CHECK(sameScreen("console-4-alerts--decided", "console-4-alerts"));
    CHECK_FALSE(sameScreen("console-4-alerts", "console-5-map"));
    CHECK_FALSE(sameScreen("station-3-alert", "station-3-alert-confirmed"));
}
