#include "server/core/CaptchaRenderer.hpp"

#include "protocol/Crypto.hpp"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <array>
#include <cmath>
#include <stdexcept>

namespace vigil::server {
namespace {

// Randomness for the drawing comes from the DRBG as well: a predictable
// distortion would help an attacker train a solver.
class Dice {
public:
    double uniform(double lo, double hi) {
        if (next_ == pool_.size()) {
            pool_ = crypto::randomBytes(256);
            next_ = 0;
        }
        return lo + (hi - lo) * (pool_[next_++] / 255.0);
    }
    int integer(int lo, int hi) { return std::min(hi, static_cast<int>(uniform(lo, hi + 1))); }

private:
    crypto::Bytes pool_;
    std::size_t next_ = 0;
};

constexpr int kWidth = 240;
constexpr int kHeight = 80;

}  // namespace

protocol::Bytes renderCaptchaPng(std::string_view text) {
    Dice dice;
    cv::Mat canvas(kHeight, kWidth, CV_8UC3, cv::Scalar(235, 235, 235));
    // Background gradient blotches so thresholding is not trivial.
    for (int i = 0; i < 6; ++i)
        cv::circle(canvas, {dice.integer(0, kWidth), dice.integer(0, kHeight)}, dice.integer(10, 35),
                   cv::Scalar(dice.integer(190, 235), dice.integer(190, 235), dice.integer(190, 235)), cv::FILLED,
                   cv::LINE_AA);

    const std::array<int, 4> fonts{cv::FONT_HERSHEY_SIMPLEX, cv::FONT_HERSHEY_DUPLEX, cv::FONT_HERSHEY_COMPLEX,
                                   cv::FONT_HERSHEY_TRIPLEX};
    const cv::Scalar ink(dice.integer(20, 90), dice.integer(20, 90), dice.integer(20, 90));
    const int step = (kWidth - 20) / std::max<int>(1, static_cast<int>(text.size()));
    for (std::size_t i = 0; i < text.size(); ++i) {
        cv::Mat glyph(60, 50, CV_8UC1, cv::Scalar(0));
        const std::string letter(1, text[i]);
        const double scale = dice.uniform(1.3, 1.7);
        cv::putText(glyph, letter, {8, 46}, fonts[static_cast<std::size_t>(dice.integer(0, 3))], scale,
                    cv::Scalar(255), dice.integer(2, 3), cv::LINE_AA);
        const auto rotation = cv::getRotationMatrix2D({25, 30}, dice.uniform(-28, 28), dice.uniform(0.85, 1.1));
        cv::Mat turned;
        cv::warpAffine(glyph, turned, rotation, glyph.size());
        const int x = 10 + static_cast<int>(i) * step + dice.integer(-4, 4);
        const int y = dice.integer(2, kHeight - 62);
        cv::Rect where(x, y, turned.cols, turned.rows);
        where &= cv::Rect(0, 0, kWidth, kHeight);
        canvas(where).setTo(ink, turned(cv::Rect(0, 0, where.width, where.height)) > 96);
    }

    // Sine warp: baselines become waves.
    cv::Mat mapX(canvas.size(), CV_32FC1), mapY(canvas.size(), CV_32FC1);
    const double ampX = dice.uniform(2, 4), ampY = dice.uniform(3, 6);
    const double freqX = dice.uniform(0.04, 0.08), freqY = dice.uniform(0.03, 0.06), phase = dice.uniform(0, 6.28);
    for (int y = 0; y < kHeight; ++y)
        for (int x = 0; x < kWidth; ++x) {
            mapX.at<float>(y, x) = static_cast<float>(x + ampX * std::sin(y * freqX + phase));
            mapY.at<float>(y, x) = static_cast<float>(y + ampY * std::sin(x * freqY + phase));
        }
    cv::Mat warped;
    cv::remap(canvas, warped, mapX, mapY, cv::INTER_LINEAR, cv::BORDER_REPLICATE);

    for (int i = 0; i < 5; ++i)
        cv::line(warped, {dice.integer(0, kWidth / 3), dice.integer(0, kHeight)},
                 {dice.integer(2 * kWidth / 3, kWidth), dice.integer(0, kHeight)}, ink, dice.integer(1, 2),
                 cv::LINE_AA);
    for (int i = 0; i < 400; ++i)
        warped.at<cv::Vec3b>(dice.integer(0, kHeight - 1), dice.integer(0, kWidth - 1)) =
            cv::Vec3b(static_cast<uchar>(dice.integer(0, 255)), static_cast<uchar>(dice.integer(0, 255)),
                      static_cast<uchar>(dice.integer(0, 255)));

    std::vector<uchar> png;
    if (!cv::imencode(".png", warped, png)) throw std::runtime_error("cannot encode the CAPTCHA as PNG");
    return protocol::Bytes(png.begin(), png.end());
}

}  // namespace vigil::server
