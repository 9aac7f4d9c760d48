#include "server/security/QrCode.hpp"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <qrencode.h>

#include <memory>
#include <stdexcept>

namespace vigil::server::security {

QrMatrix encodeQr(std::string_view text) {
    const std::string copy(text);  // libqrencode wants a NUL-terminated string
    std::unique_ptr<QRcode, decltype(&QRcode_free)> code(
        QRcode_encodeString8bit(copy.c_str(), 0, QR_ECLEVEL_M), &QRcode_free);
    if (!code) throw std::runtime_error("cannot encode a QR code for " + std::to_string(text.size()) +
                                        " bytes of text");
    QrMatrix qr;
    qr.size = code->width;
    qr.dark.resize(static_cast<std::size_t>(qr.size) * static_cast<std::size_t>(qr.size));
    // libqrencode: bit 0 of each byte is the module colour (1 = black).
    for (std::size_t i = 0; i < qr.dark.size(); ++i) qr.dark[i] = code->data[i] & 1;
    return qr;
}

cv::Mat renderQr(const QrMatrix& qr, int moduleSize, int quietZone) {
    if (moduleSize < 1 || quietZone < 0) throw std::invalid_argument("bad QR rendering size");
    const int side = (qr.size + 2 * quietZone) * moduleSize;
    cv::Mat image(side, side, CV_8UC1, cv::Scalar(255));
    for (int y = 0; y < qr.size; ++y)
        for (int x = 0; x < qr.size; ++x)
            if (qr.isDark(x, y))
                cv::rectangle(image,
                              cv::Rect((x + quietZone) * moduleSize, (y + quietZone) * moduleSize,
                                       moduleSize, moduleSize),
                              cv::Scalar(0), cv::FILLED);
    return image;
}

std::vector<std::uint8_t> renderQrPng(std::string_view text, int moduleSize) {
    std::vector<std::uint8_t> png;
    if (!cv::imencode(".png", renderQr(encodeQr(text), moduleSize), png))
        throw std::runtime_error("cannot encode the QR code as PNG");
    return png;
}

std::string renderQrForTerminal(const QrMatrix& qr) {
    constexpr int quiet = 2;
    const int side = qr.size + 2 * quiet;
    auto dark = [&](int x, int y) {
        x -= quiet;
        y -= quiet;
        return x >= 0 && y >= 0 && x < qr.size && y < qr.size && qr.isDark(x, y);
    };
    std::string out;
    for (int y = 0; y < side; y += 2) {
        for (int x = 0; x < side; ++x) {
            const bool top = dark(x, y), bottom = dark(x, y + 1);
            // Light background: print the light parts as blocks.
            if (!top && !bottom) out += "\u2588";
            else if (!top) out += "\u2580";
            else if (!bottom) out += "\u2584";
            else out += " ";
        }
        out += "\n";
    }
    return out;
}

}  // namespace vigil::server::security
