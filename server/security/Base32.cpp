#include "server/security/Base32.hpp"

namespace vigil::server::security {
namespace {
constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
}

std::string base32Encode(std::span<const std::uint8_t> bytes) {
    std::string out;
    out.reserve((bytes.size() * 8 + 4) / 5);
    std::uint32_t buffer = 0;
    int bits = 0;
    for (std::uint8_t byte : bytes) {
        buffer = (buffer << 8) | byte;
        bits += 8;
        while (bits >= 5) {
            out.push_back(kAlphabet[(buffer >> (bits - 5)) & 31]);
            bits -= 5;
        }
    }
    if (bits > 0) out.push_back(kAlphabet[(buffer << (5 - bits)) & 31]);
    return out;
}

std::optional<crypto::Bytes> base32Decode(std::string_view text) {
    crypto::Bytes out;
    std::uint32_t buffer = 0;
    int bits = 0;
    std::size_t symbols = 0;
    bool padding = false;
    for (char c : text) {
        if (c == ' ') continue;
        if (c == '=') {
            padding = true;
            continue;
        }
        if (padding) return std::nullopt;  // data after padding
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
        const auto pos = kAlphabet.find(c);
        if (pos == std::string_view::npos) return std::nullopt;
        buffer = (buffer << 5) | static_cast<std::uint32_t>(pos);
        bits += 5;
        ++symbols;
        if (bits >= 8) {
            out.push_back(static_cast<std::uint8_t>((buffer >> (bits - 8)) & 0xFF));
            bits -= 8;
        }
    }
    // Valid encodings end with 0, 2, 4, 5 or 7 symbols in their last group of 8.
    const std::size_t tail = symbols % 8;
    if (tail == 1 || tail == 3 || tail == 6) return std::nullopt;
    return out;
}

}  // namespace vigil::server::security
