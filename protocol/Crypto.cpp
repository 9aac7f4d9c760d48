#include "protocol/Crypto.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <memory>
#include <stdexcept>

namespace vigil::crypto {
namespace {

constexpr std::size_t kNonceBytes = 12;
constexpr std::size_t kTagBytes = 16;

struct CipherCtxDeleter {
    void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxDeleter>;

CipherCtx newCipherCtx() {
    CipherCtx ctx(EVP_CIPHER_CTX_new());
    if (!ctx) throw std::runtime_error("EVP_CIPHER_CTX_new failed");
    return ctx;
}

int asInt(std::size_t n) {
    if (n > static_cast<std::size_t>(INT32_MAX)) throw std::length_error("record too large to seal");
    return static_cast<int>(n);
}

}  // namespace

Bytes randomBytes(std::size_t count) {
    Bytes out(count);
    if (count > 0 && RAND_bytes(out.data(), asInt(count)) != 1)
        throw std::runtime_error("the system random generator failed");
    return out;
}

Key256 randomKey() {
    Key256 key{};
    if (RAND_bytes(key.data(), static_cast<int>(key.size())) != 1)
        throw std::runtime_error("the system random generator failed");
    return key;
}

std::string randomHex(std::size_t bytes) { return toHex(randomBytes(bytes)); }

Sha256 sha256(std::span<const std::uint8_t> data) {
    Sha256 out{};
    unsigned int len = 0;
    if (EVP_Digest(data.data(), data.size(), out.data(), &len, EVP_sha256(), nullptr) != 1 ||
        len != out.size())
        throw std::runtime_error("SHA-256 failed");
    return out;
}

Sha256 sha256(std::string_view data) {
    return sha256(std::span(reinterpret_cast<const std::uint8_t*>(data.data()), data.size()));
}

std::string toHex(std::span<const std::uint8_t> data) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    out.reserve(data.size() * 2);
    for (std::uint8_t b : data) {
        out.push_back(kDigits[b >> 4]);
        out.push_back(kDigits[b & 15]);
    }
    return out;
}

std::optional<Bytes> fromHex(std::string_view hex) {
    if (hex.size() % 2 != 0) return std::nullopt;
    auto nibble = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    Bytes out(hex.size() / 2);
    for (std::size_t i = 0; i < out.size(); ++i) {
        const int hi = nibble(hex[2 * i]), lo = nibble(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) return std::nullopt;
        out[i] = static_cast<std::uint8_t>(hi << 4 | lo);
    }
    return out;
}

bool constantTimeEqual(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) {
    if (a.size() != b.size()) return false;
    return a.empty() || CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

bool constantTimeEqual(std::string_view a, std::string_view b) {
    return constantTimeEqual(std::span(reinterpret_cast<const std::uint8_t*>(a.data()), a.size()),
                             std::span(reinterpret_cast<const std::uint8_t*>(b.data()), b.size()));
}

Bytes seal(const Key256& key, std::span<const std::uint8_t> plaintext, std::string_view associatedData) {
    Bytes out(kNonceBytes + plaintext.size() + kTagBytes);
    if (RAND_bytes(out.data(), kNonceBytes) != 1) throw std::runtime_error("the system random generator failed");
    auto ctx = newCipherCtx();
    int len = 0;
    if (EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.data(), out.data()) != 1 ||
        EVP_EncryptUpdate(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(associatedData.data()),
                          asInt(associatedData.size())) != 1 ||
        EVP_EncryptUpdate(ctx.get(), out.data() + kNonceBytes, &len, plaintext.data(), asInt(plaintext.size())) != 1 ||
        EVP_EncryptFinal_ex(ctx.get(), out.data() + kNonceBytes + len, &len) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagBytes,
                            out.data() + kNonceBytes + plaintext.size()) != 1)
        throw std::runtime_error("AES-256-GCM encryption failed");
    return out;
}

std::optional<Bytes> open(const Key256& key, std::span<const std::uint8_t> record, std::string_view associatedData) {
    if (record.size() < kNonceBytes + kTagBytes) return std::nullopt;
    const std::size_t textBytes = record.size() - kNonceBytes - kTagBytes;
    Bytes out(textBytes);
    auto ctx = newCipherCtx();
    int len = 0;
    Bytes tag(record.end() - kTagBytes, record.end());
    if (EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.data(), record.data()) != 1 ||
        EVP_DecryptUpdate(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(associatedData.data()),
                          asInt(associatedData.size())) != 1 ||
        EVP_DecryptUpdate(ctx.get(), out.data(), &len, record.data() + kNonceBytes, asInt(textBytes)) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagBytes, tag.data()) != 1)
        return std::nullopt;
    if (EVP_DecryptFinal_ex(ctx.get(), out.data() + len, &len) != 1) return std::nullopt;
    return out;
}

}  // namespace vigil::crypto
