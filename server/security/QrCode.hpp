#pragma once
// QR codes for TOTP enrolment (the otpauth:// URI), made by libqrencode: as an
// OpenCV image for the console window, as PNG bytes, and as text blocks for a
// terminal so that enrolment also works headless.

#include <opencv2/core/mat.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace vigil::server::security {

struct QrMatrix {
    int size = 0;                     // modules per side, without quiet zone
    std::vector<std::uint8_t> dark;   // size*size, row-major, 1 = dark module
    bool isDark(int x, int y) const { return dark[static_cast<std::size_t>(y * size + x)] != 0; }
};

// Error correction level M (15%), 8-bit mode. Throws std::runtime_error when
// the text does not fit a QR code.
QrMatrix encodeQr(std::string_view text);

// Black modules on white, `moduleSize` pixels each, with the 4-module quiet
// zone ISO/IEC 18004 asks for. CV_8UC1.
cv::Mat renderQr(const QrMatrix& qr, int moduleSize = 6, int quietZone = 4);
std::vector<std::uint8_t> renderQrPng(std::string_view text, int moduleSize = 6);

// Two modules per character row with Unicode half blocks, dark on light.
std::string renderQrForTerminal(const QrMatrix& qr);

}  // namespace vigil::server::security
