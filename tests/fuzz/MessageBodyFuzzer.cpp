// libFuzzer harness: the body decoder of every message type, one at a time.
// The first input byte picks the type (modulo the number of types), the rest
// is that message's archive (endianness marker + fields), decoded with the
// bounded archive under both the pre-login and the session limits. Whatever
// decodes must re-encode and decode again to the same bytes. Unlike the frame
// harness, the fuzzer never has to guess a valid envelope to reach deep into
// a message.
#include "protocol/BoundedInputArchive.hpp"
#include "protocol/Messages.hpp"

#include <cereal/archives/portable_binary.hpp>

#include <cstdint>
#include <cstdlib>
#include <optional>
#include <span>
#include <sstream>
#include <utility>
#include <variant>

using namespace vigil::protocol;

namespace {

template <class T>
std::string encodeBody(const T& message) {
    std::ostringstream out(std::ios::binary);
    {
        cereal::PortableBinaryOutputArchive ar(out, cereal::PortableBinaryOutputArchive::Options::LittleEndian());
        ar(const_cast<T&>(message));
    }
    return out.str();
}

// Decoded message, or nothing when the bytes are rejected (any typed reason).
template <class T>
std::optional<T> decodeBody(std::span<const std::uint8_t> bytes, const FrameLimits& limits) {
    try {
        BoundedInputArchive ar(bytes, limits);
        T message;
        ar(message);
        if (ar.remaining() != 0) return std::nullopt;
        return message;
    } catch (const DecodeException&) {
        return std::nullopt;
    } catch (const cereal::Exception&) {
        return std::nullopt;
    }
}

std::span<const std::uint8_t> asBytes(const std::string& s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

template <std::size_t I>
void fuzzOne(std::span<const std::uint8_t> body) {
    using T = std::variant_alternative_t<I, Message>;
    for (const FrameLimits& limits : {kPreLoginLimits, kSessionLimits}) {
        const std::optional<T> decoded = decodeBody<T>(body, limits);
        if (!decoded) continue;
        const std::string canonical = encodeBody(*decoded);
        const std::optional<T> again = decodeBody<T>(asBytes(canonical), kSessionLimits);
        if (!again || encodeBody(*again) != canonical) std::abort();
    }
}

template <std::size_t... I>
void dispatch(std::size_t type, std::span<const std::uint8_t> body, std::index_sequence<I...>) {
    (void)((type == I ? (fuzzOne<I>(body), true) : false) || ...);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    constexpr std::size_t kTypes = std::variant_size_v<Message>;
    dispatch(data[0] % kTypes, std::span<const std::uint8_t>(data + 1, size - 1),
             std::make_index_sequence<kTypes>{});
    return 0;
}
