#pragma once
// Checks that uploaded bytes are an image OpenCV can decode (JPEG/PNG only,
// bounded dimensions) and makes the small thumbnail stations show in alerts.

#include "protocol/WireTypes.hpp"

#include <optional>
#include <span>
#include <string>

namespace vigil::server {

// A sentence saying what is wrong, or nothing when the image is acceptable.
std::optional<std::string> checkPhoto(std::span<const std::uint8_t> bytes);
// JPEG at most 160 px on its longer side; empty when the image does not decode.
protocol::Bytes makeThumbnail(std::span<const std::uint8_t> bytes);

}  // namespace vigil::server
