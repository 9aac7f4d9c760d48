#pragma once
// RFC 4648 base32 (A-Z2-7), the alphabet authenticator apps expect for TOTP
// secrets. Encoding omits '=' padding, as the Key Uri Format asks.

#include "protocol/Crypto.hpp"

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace vigil::server::security {

std::string base32Encode(std::span<const std::uint8_t> bytes);
// Accepts upper or lower case, ignores spaces and '=' padding; empty optional
// for any other character or a length no encoder produces.
std::optional<crypto::Bytes> base32Decode(std::string_view text);

}  // namespace vigil::server::security
