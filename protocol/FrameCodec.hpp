#pragma once
// Framing: a 4-byte big-endian payload length, then a cereal portable binary
// archive of {request_id, wire type, message}. Decoding reports *why* a frame
// is bad as a value; nothing here touches a socket.

#include "protocol/BoundedInputArchive.hpp"
#include "protocol/Limits.hpp"
#include "protocol/Messages.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace vigil::protocol {

std::string_view describe(DecodeError error);

struct DecodeFailure {
    DecodeError error;
    std::string detail;  // for logs; never contains payload bytes
};

struct DecodeResult {
    std::optional<Envelope> envelope;
    std::optional<DecodeFailure> failure;
    bool ok() const { return envelope.has_value(); }
};

struct HeaderResult {
    std::uint32_t payload_bytes = 0;
    std::optional<DecodeFailure> failure;
    bool ok() const { return !failure.has_value(); }
};

// Encodes a whole frame (header + payload). Throws std::length_error if the
// payload would exceed `limits.max_frame_bytes`: a sender never emits a frame
// its peer must reject.
std::vector<std::uint8_t> encodeFrame(const Envelope& envelope,
                                      const FrameLimits& limits = kSessionLimits);

// Just the payload (no length prefix).
std::vector<std::uint8_t> encodePayload(const Envelope& envelope);

// Checks the 4 header bytes against the limits before the caller allocates
// the payload buffer.
HeaderResult readFrameHeader(std::span<const std::uint8_t, kFrameHeaderBytes> header,
                             const FrameLimits& limits);

// Decodes one payload whose length the header announced. Every count inside
// is proven against `limits` and the remaining bytes before it is used.
DecodeResult decodePayload(std::span<const std::uint8_t> payload, const FrameLimits& limits);

// Decodes a buffer that must hold exactly one frame (header + payload).
DecodeResult decodeFrame(std::span<const std::uint8_t> frame, const FrameLimits& limits);

}  // namespace vigil::protocol
