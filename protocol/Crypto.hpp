#pragma once
// Cryptographic primitives both sides share, on OpenSSL 3: random tokens,
// SHA-256, constant-time comparison, and AES-256-GCM sealed records for data
// at rest (server photos and descriptors, the station's watchlist cache and
// offline queue).

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace vigil::crypto {

using Bytes = std::vector<std::uint8_t>;
using Sha256 = std::array<std::uint8_t, 32>;
using Key256 = std::array<std::uint8_t, 32>;

// Cryptographically secure random bytes (OpenSSL's DRBG). Throws on failure.
Bytes randomBytes(std::size_t count);
Key256 randomKey();
// `bytes` random bytes as lowercase hex (2*bytes characters).
std::string randomHex(std::size_t bytes);

Sha256 sha256(std::span<const std::uint8_t> data);
Sha256 sha256(std::string_view data);
std::string toHex(std::span<const std::uint8_t> data);
// Empty optional when `hex` is not valid hex of even length.
std::optional<Bytes> fromHex(std::string_view hex);

// Compares secrets (token hashes, CAPTCHA answer hashes) in time that does not
// depend on where they differ. Different lengths compare unequal.
bool constantTimeEqual(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b);
bool constantTimeEqual(std::string_view a, std::string_view b);

// AES-256-GCM with a fresh random 96-bit nonce per record (NIST SP 800-38D
// s8.2.2: random nonces are safe well below 2^32 records per key). The record
// layout is nonce(12) | ciphertext | tag(16). `associatedData` (e.g. the
// record's table and id) is authenticated but not stored, so a record moved
// to another row fails to open.
Bytes seal(const Key256& key, std::span<const std::uint8_t> plaintext,
           std::string_view associatedData);
// Empty optional when the record was altered, truncated, sealed under another
// key or for other associated data.
std::optional<Bytes> open(const Key256& key, std::span<const std::uint8_t> record,
                          std::string_view associatedData);

inline constexpr std::size_t kSealOverhead = 12 + 16;

}  // namespace vigil::crypto
