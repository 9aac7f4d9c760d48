#pragma once
// Draws CAPTCHA text as a PNG with OpenCV: each glyph in its own font, size,
// rotation and offset, then a sine warp of the whole image, crossing noise
// lines in the text colour and speckle. Aimed at being readable for a person
// and costly for off-the-shelf OCR (which expects straight baselines).

#include "protocol/WireTypes.hpp"

#include <string_view>

namespace vigil::server {

protocol::Bytes renderCaptchaPng(std::string_view text);

}  // namespace vigil::server
