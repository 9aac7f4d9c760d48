#include "protocol/FrameCodec.hpp"

#include <cereal/archives/portable_binary.hpp>

#include <sstream>
#include <stdexcept>
#include <utility>

namespace vigil::protocol {
namespace {

using WireType = std::uint16_t;
static_assert(std::variant_size_v<Message> <= 0xFFFF);

template <std::size_t... I>
void loadAlternative(BoundedInputArchive& ar, Message& message, std::size_t index,
                     std::index_sequence<I...>) {
    // Construct the alternative named by `index` in place and read it.
    const bool found = ((index == I ? (ar(message.emplace<I>()), true) : false) || ...);
    if (!found)
        throw DecodeException(DecodeError::UnknownMessageType,
                              "unknown message type " + std::to_string(index));
}

DecodeResult failed(DecodeError error, std::string detail) {
    DecodeResult result;
    result.failure = DecodeFailure{error, std::move(detail)};
    return result;
}

}  // namespace

std::string_view describe(DecodeError error) {
    switch (error) {
    case DecodeError::TruncatedHeader: return "truncated frame header";
    case DecodeError::EmptyFrame: return "empty frame";
    case DecodeError::FrameTooLarge: return "frame too large";
    case DecodeError::TruncatedPayload: return "truncated payload";
    case DecodeError::BadArchiveHeader: return "bad archive header";
    case DecodeError::UnknownMessageType: return "unknown message type";
    case DecodeError::CountExceedsLimit: return "element count over the protocol limit";
    case DecodeError::CountExceedsRemainingBytes: return "element count larger than the frame";
    case DecodeError::StringTooLong: return "string too long";
    case DecodeError::InvalidValue: return "invalid field value";
    case DecodeError::TrailingBytes: return "trailing bytes after the message";
    }
    return "unknown decode error";
}

std::vector<std::uint8_t> encodePayload(const Envelope& envelope) {
    std::ostringstream out(std::ios::binary);
    {
        cereal::PortableBinaryOutputArchive ar(out, cereal::PortableBinaryOutputArchive::Options::LittleEndian());
        const auto wireType = static_cast<WireType>(envelope.message.index());
        ar(envelope.request_id, wireType);
        // cereal needs a mutable reference for its generic serialize(); saving
        // does not modify the message.
        std::visit([&ar](const auto& m) { ar(const_cast<std::decay_t<decltype(m)>&>(m)); },
                   envelope.message);
    }
    const std::string bytes = std::move(out).str();
    return {bytes.begin(), bytes.end()};
}

std::vector<std::uint8_t> encodeFrame(const Envelope& envelope, const FrameLimits& limits) {
    std::vector<std::uint8_t> payload = encodePayload(envelope);
    if (payload.size() > limits.max_frame_bytes)
        throw std::length_error(std::string(messageName(envelope.message)) + " of " +
                                std::to_string(payload.size()) + " bytes exceeds the frame limit");
    const auto n = static_cast<std::uint32_t>(payload.size());
    std::vector<std::uint8_t> frame;
    frame.reserve(kFrameHeaderBytes + payload.size());
    frame.push_back(static_cast<std::uint8_t>(n >> 24));
    frame.push_back(static_cast<std::uint8_t>(n >> 16));
    frame.push_back(static_cast<std::uint8_t>(n >> 8));
    frame.push_back(static_cast<std::uint8_t>(n));
    frame.insert(frame.end(), payload.begin(), payload.end());
    return frame;
}

HeaderResult readFrameHeader(std::span<const std::uint8_t, kFrameHeaderBytes> header,
                             const FrameLimits& limits) {
    HeaderResult result;
    result.payload_bytes = (std::uint32_t{header[0]} << 24) | (std::uint32_t{header[1]} << 16) |
                           (std::uint32_t{header[2]} << 8) | std::uint32_t{header[3]};
    if (result.payload_bytes == 0)
        result.failure = DecodeFailure{DecodeError::EmptyFrame, "frame length is 0"};
    else if (result.payload_bytes > limits.max_frame_bytes)
        result.failure = DecodeFailure{DecodeError::FrameTooLarge,
                                       "frame of " + std::to_string(result.payload_bytes) +
                                           " bytes exceeds the limit of " +
                                           std::to_string(limits.max_frame_bytes)};
    return result;
}

DecodeResult decodePayload(std::span<const std::uint8_t> payload, const FrameLimits& limits) {
    if (payload.empty()) return failed(DecodeError::EmptyFrame, "empty payload");
    if (payload.size() > limits.max_frame_bytes)
        return failed(DecodeError::FrameTooLarge, "payload exceeds the frame limit");
    try {
        BoundedInputArchive ar(payload, limits);
        Envelope envelope;
        WireType wireType = 0;
        ar(envelope.request_id, wireType);
        loadAlternative(ar, envelope.message, wireType,
                        std::make_index_sequence<std::variant_size_v<Message>>{});
        if (ar.remaining() != 0)
            return failed(DecodeError::TrailingBytes,
                          std::to_string(ar.remaining()) + " bytes after " +
                              std::string(messageName(envelope.message)));
        DecodeResult result;
        result.envelope = std::move(envelope);
        return result;
    } catch (const DecodeException& e) {
        return failed(e.error(), e.what());
    } catch (const cereal::Exception& e) {
        return failed(DecodeError::TruncatedPayload, e.what());
    }
}

DecodeResult decodeFrame(std::span<const std::uint8_t> frame, const FrameLimits& limits) {
    if (frame.size() < kFrameHeaderBytes)
        return failed(DecodeError::TruncatedHeader,
                      "frame of " + std::to_string(frame.size()) + " bytes has no complete header");
    const HeaderResult header = readFrameHeader(frame.first<kFrameHeaderBytes>(), limits);
    if (!header.ok()) {
        DecodeResult result;
        result.failure = header.failure;
        return result;
    }
    const auto body = frame.subspan(kFrameHeaderBytes);
    if (body.size() < header.payload_bytes)
        return failed(DecodeError::TruncatedPayload,
                      "header announces " + std::to_string(header.payload_bytes) + " bytes, " +
                          std::to_string(body.size()) + " present");
    if (body.size() > header.payload_bytes)
        return failed(DecodeError::TrailingBytes,
                      std::to_string(body.size() - header.payload_bytes) +
                          " bytes after the announced payload");
    return decodePayload(body, limits);
}

}  // namespace vigil::protocol
