#include "server/core/PhotoCheck.hpp"

#include "protocol/Limits.hpp"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace vigil::server {
namespace {

bool looksLikeJpegOrPng(std::span<const std::uint8_t> b) {
    const bool jpeg = b.size() > 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF;
    const bool png = b.size() > 8 && b[0] == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G';
    return jpeg || png;
}

cv::Mat decode(std::span<const std::uint8_t> bytes) {
    if (!looksLikeJpegOrPng(bytes)) return {};
    const cv::Mat raw(1, static_cast<int>(bytes.size()), CV_8UC1, const_cast<std::uint8_t*>(bytes.data()));
    return cv::imdecode(raw, cv::IMREAD_COLOR);
}

}  // namespace

std::optional<std::string> checkPhoto(std::span<const std::uint8_t> bytes) {
    if (bytes.empty()) return "the photo is empty";
    if (bytes.size() > protocol::kMaxPhotoBytes)
        return "the photo is larger than " + std::to_string(protocol::kMaxPhotoBytes / (1024 * 1024)) + " MiB";
    if (!looksLikeJpegOrPng(bytes)) return "the photo is not a JPEG or PNG file";
    const auto image = decode(bytes);
    if (image.empty()) return "the photo could not be decoded (damaged file?)";
    if (image.cols < 64 || image.rows < 64) return "the photo is smaller than 64x64 pixels";
    if (image.cols > 8000 || image.rows > 8000) return "the photo is larger than 8000x8000 pixels";
    return std::nullopt;
}

protocol::Bytes makeThumbnail(std::span<const std::uint8_t> bytes) {
    const auto image = decode(bytes);
    if (image.empty()) return {};
    const double scale = 160.0 / std::max(image.cols, image.rows);
    cv::Mat small;
    if (scale < 1.0) cv::resize(image, small, {}, scale, scale, cv::INTER_AREA);
    else small = image;
    std::vector<uchar> jpeg;
    cv::imencode(".jpg", small, jpeg, {cv::IMWRITE_JPEG_QUALITY, 85});
    return protocol::Bytes(jpeg.begin(), jpeg.end());
}

}  // namespace vigil::server
