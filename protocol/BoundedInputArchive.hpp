#pragma once
// A cereal input archive for the portable binary format that never trusts a
// size read from the wire.
//
// cereal 1.3.2's PortableBinaryInputArchive resizes a string or vector to the
// count it reads before reading any element: eight hostile bytes make it
// allocate gigabytes. This archive reads the same byte format (it is
// interchangeable with PortableBinaryOutputArchive's output), from an in-memory
// span, and checks every count against both the protocol limits and the bytes
// actually left in the frame before anything is sized.

#include "protocol/Limits.hpp"

#include <cereal/archives/portable_binary.hpp>
#include <cereal/cereal.hpp>
#include <cereal/details/traits.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <span>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

namespace vigil::protocol {

// Why a payload was rejected. Stable values: they are reported to peers and
// appear in logs and tests.
enum class DecodeError : std::uint8_t {
    TruncatedHeader,            // fewer than 4 length bytes
    EmptyFrame,                 // length 0
    FrameTooLarge,              // length prefix above the limit in force
    TruncatedPayload,           // the payload ends before the message does
    BadArchiveHeader,           // portable-binary endianness byte is not 0 or 1
    UnknownMessageType,         // variant index not in this protocol version
    CountExceedsLimit,          // a container count above the protocol limit
    CountExceedsRemainingBytes, // a count that the rest of the frame cannot hold
    StringTooLong,              // a string above the protocol limit
    InvalidValue,               // an enum or field outside its allowed range
    TrailingBytes,              // bytes left after the message
};

// Thrown inside decoding only; FrameCodec turns it into a DecodeFailure value.
class DecodeException : public std::runtime_error {
public:
    DecodeException(DecodeError error, const std::string& detail)
        : std::runtime_error(detail), error_(error) {}
    DecodeError error() const noexcept { return error_; }

private:
    DecodeError error_;
};

class BoundedInputArchive
    : public cereal::InputArchive<BoundedInputArchive, cereal::AllowEmptyClassElision> {
public:
    BoundedInputArchive(std::span<const std::uint8_t> bytes, const FrameLimits& limits)
        : cereal::InputArchive<BoundedInputArchive, cereal::AllowEmptyClassElision>(this),
          bytes_(bytes),
          limits_(limits) {
        std::uint8_t streamLittleEndian = 0;
        loadBinary<1>(&streamLittleEndian, 1);
        if (streamLittleEndian > 1)
            throw DecodeException(DecodeError::BadArchiveHeader, "bad endianness marker");
        swap_ = (streamLittleEndian == 1) != isLittleEndianHost();
    }

    std::size_t remaining() const noexcept { return bytes_.size() - pos_; }
    const FrameLimits& limits() const noexcept { return limits_; }

    template <std::size_t DataSize>
    void loadBinary(void* data, std::size_t size) {
        if (size == 0) return;  // empty containers have no storage: memcpy(nullptr, ..., 0) is UB
        if (size > remaining())
            throw DecodeException(DecodeError::TruncatedPayload,
                                  "message needs " + std::to_string(size) + " more bytes, " +
                                      std::to_string(remaining()) + " left");
        std::memcpy(data, bytes_.data() + pos_, size);
        pos_ += size;
        if (swap_ && DataSize > 1) {
            auto* p = static_cast<std::uint8_t*>(data);
            for (std::size_t i = 0; i + DataSize <= size; i += DataSize)
                std::reverse(p + i, p + i + DataSize);
        }
    }

    // Reads a container count and proves it plausible before anyone sizes a
    // container with it: within the protocol limit, and no more elements than
    // the remaining bytes can encode at minWireBytes each.
    std::size_t loadCount(std::size_t protocolLimit, std::size_t minWireBytes, const char* what) {
        std::uint64_t count = 0;
        loadBinary<sizeof(count)>(&count, sizeof(count));
        if (count > protocolLimit)
            throw DecodeException(DecodeError::CountExceedsLimit,
                                  std::string(what) + " count " + std::to_string(count) +
                                      " exceeds the limit of " + std::to_string(protocolLimit));
        if (count > remaining() / std::max<std::size_t>(minWireBytes, 1))
            throw DecodeException(DecodeError::CountExceedsRemainingBytes,
                                  std::string(what) + " count " + std::to_string(count) +
                                      " cannot fit in the " + std::to_string(remaining()) +
                                      " bytes left");
        return static_cast<std::size_t>(count);
    }

private:
    static bool isLittleEndianHost() {
        const std::uint16_t probe = 1;
        std::uint8_t first = 0;
        std::memcpy(&first, &probe, 1);
        return first == 1;
    }

    std::span<const std::uint8_t> bytes_;
    FrameLimits limits_;
    std::size_t pos_ = 0;
    bool swap_ = false;
};

namespace detail {
// The fewest bytes one element of T can take on the wire: exact for
// arithmetic types and fixed arrays of them, 1 for anything else (every
// encoded struct, string or container takes at least one byte... or eight for
// its count, but 1 is the safe lower bound).
template <class T>
struct MinWireBytes : std::integral_constant<std::size_t, 1> {};
template <class T>
    requires std::is_arithmetic_v<T>
struct MinWireBytes<T> : std::integral_constant<std::size_t, sizeof(T)> {};
template <class T, std::size_t N>
struct MinWireBytes<std::array<T, N>>
    : std::integral_constant<std::size_t, N * MinWireBytes<T>::value> {};
}  // namespace detail

}  // namespace vigil::protocol

namespace cereal {

using vigil::protocol::BoundedInputArchive;

template <class T>
    requires(std::is_arithmetic_v<T> && !std::is_same_v<T, bool>)
inline void CEREAL_LOAD_FUNCTION_NAME(BoundedInputArchive& ar, T& t) {
    static_assert(!std::is_floating_point_v<T> || std::numeric_limits<T>::is_iec559,
                  "portable binary only carries IEEE 754 floating point");
    ar.template loadBinary<sizeof(T)>(std::addressof(t), sizeof(t));
}

// A bool byte other than 0 or 1 would be undefined behaviour once loaded.
inline void CEREAL_LOAD_FUNCTION_NAME(BoundedInputArchive& ar, bool& b) {
    std::uint8_t raw = 0;
    ar.loadBinary<1>(&raw, 1);
    if (raw > 1)
        throw vigil::protocol::DecodeException(vigil::protocol::DecodeError::InvalidValue,
                                               "boolean byte " + std::to_string(raw));
    b = raw == 1;
}

template <class T>
inline void CEREAL_SERIALIZE_FUNCTION_NAME(BoundedInputArchive& ar, NameValuePair<T>& t) {
    ar(t.value);
}

template <class T>
inline void CEREAL_SERIALIZE_FUNCTION_NAME(BoundedInputArchive& ar, SizeTag<T>& t) {
    // Only reached by cereal type headers we did not replace below; they get
    // the generic plausibility check.
    t.size = static_cast<std::remove_reference_t<decltype(t.size)>>(
        ar.loadCount(ar.limits().max_container_elements, 1, "container"));
}

template <class T>
inline void CEREAL_LOAD_FUNCTION_NAME(BoundedInputArchive& ar, BinaryData<T>& bd) {
    using Element = std::remove_pointer_t<T>;
    ar.template loadBinary<sizeof(Element)>(bd.data, static_cast<std::size_t>(bd.size));
}

// Strings: length checked against the string limit and the remaining bytes,
// then read in place.
inline void CEREAL_LOAD_FUNCTION_NAME(BoundedInputArchive& ar, std::string& str) {
    std::uint64_t size = 0;
    ar.loadBinary<sizeof(size)>(&size, sizeof(size));
    if (size > ar.limits().max_string_bytes)
        throw vigil::protocol::DecodeException(
            vigil::protocol::DecodeError::StringTooLong,
            "string of " + std::to_string(size) + " bytes exceeds the limit of " +
                std::to_string(ar.limits().max_string_bytes));
    if (size > ar.remaining())
        throw vigil::protocol::DecodeException(
            vigil::protocol::DecodeError::CountExceedsRemainingBytes,
            "string of " + std::to_string(size) + " bytes cannot fit in the " +
                std::to_string(ar.remaining()) + " bytes left");
    str.resize(static_cast<std::size_t>(size));
    ar.loadBinary<1>(str.data(), str.size());
}

// Vectors: arithmetic elements are read as one block once the count is proven
// to fit; other elements are appended one by one as they decode, so memory
// grows only with bytes that really arrived.
template <class T, class A>
inline void CEREAL_LOAD_FUNCTION_NAME(BoundedInputArchive& ar, std::vector<T, A>& vec) {
    const std::size_t count = ar.loadCount(ar.limits().max_container_elements,
                                           vigil::protocol::detail::MinWireBytes<T>::value,
                                           "vector");
    if constexpr (std::is_arithmetic_v<T> && !std::is_same_v<T, bool>) {
        vec.resize(count);
        ar.template loadBinary<sizeof(T)>(vec.data(), count * sizeof(T));
    } else {
        vec.clear();
        vec.reserve(std::min<std::size_t>(count, 64));
        for (std::size_t i = 0; i < count; ++i) {
            vec.emplace_back();
            ar(vec.back());
        }
    }
}

// The pairing cereal needs for load_minimal (used by its enum support).
namespace traits::detail {
template <>
struct get_output_from_input<BoundedInputArchive> {
    using type = PortableBinaryOutputArchive;
};
}  // namespace traits::detail

}  // namespace cereal

CEREAL_REGISTER_ARCHIVE(vigil::protocol::BoundedInputArchive)
