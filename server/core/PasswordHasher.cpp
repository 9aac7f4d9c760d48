#include "server/core/PasswordHasher.hpp"

#include "protocol/Crypto.hpp"

#include <openssl/evp.h>

#include <charconv>
#include <stdexcept>
#include <vector>

namespace vigil::server {
namespace {

constexpr std::size_t kSaltBytes = 16;
constexpr std::size_t kKeyBytes = 32;
constexpr unsigned kMaxLog2N = 22;  // refuse hashes that would need > 4 GiB

struct Parsed {
    ScryptParams params;
    crypto::Bytes salt;
    crypto::Bytes key;
};

std::optional<crypto::Bytes> derive(std::string_view password, const crypto::Bytes& salt, const ScryptParams& p) {
    if (p.log2N < 1 || p.log2N > kMaxLog2N || p.r == 0 || p.p == 0 || p.r > 32 || p.p > 16) return std::nullopt;
    const std::uint64_t n = std::uint64_t{1} << p.log2N;
    // scrypt needs 128*r*N bytes for V plus 256*r*p for B; allow a margin.
    const std::uint64_t maxmem = 128ull * p.r * (n + p.p + 2) + (1u << 20);
    crypto::Bytes key(kKeyBytes);
    if (EVP_PBE_scrypt(password.data(), password.size(), salt.data(), salt.size(), n, p.r, p.p, maxmem,
                       key.data(), key.size()) != 1)
        return std::nullopt;
    return key;
}

bool parseUnsigned(std::string_view text, unsigned& out) {
    const auto* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, out);
    return ec == std::errc() && ptr == end;
}

std::optional<Parsed> parse(std::string_view encoded) {
    // $scrypt$ln=17,r=8,p=1$salt$key
    constexpr std::string_view prefix = "$scrypt$";
    if (!encoded.starts_with(prefix)) return std::nullopt;
    encoded.remove_prefix(prefix.size());
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= encoded.size(); ++i) {
        if (i == encoded.size() || encoded[i] == '$') {
            parts.push_back(encoded.substr(start, i - start));
            start = i + 1;
        }
    }
    if (parts.size() != 3) return std::nullopt;
    Parsed out;
    std::string_view params = parts[0];
    int seen = 0;
    while (!params.empty()) {
        const auto comma = params.find(',');
        const auto item = params.substr(0, comma);
        params = comma == std::string_view::npos ? std::string_view() : params.substr(comma + 1);
        const auto eq = item.find('=');
        if (eq == std::string_view::npos) return std::nullopt;
        const auto name = item.substr(0, eq);
        unsigned value = 0;
        if (!parseUnsigned(item.substr(eq + 1), value)) return std::nullopt;
        if (name == "ln") out.params.log2N = value, seen |= 1;
        else if (name == "r") out.params.r = value, seen |= 2;
        else if (name == "p") out.params.p = value, seen |= 4;
        else return std::nullopt;
    }
    if (seen != 7) return std::nullopt;
    auto salt = crypto::fromHex(parts[1]);
    auto key = crypto::fromHex(parts[2]);
    if (!salt || !key || salt->size() < 8 || key->size() != kKeyBytes) return std::nullopt;
    out.salt = std::move(*salt);
    out.key = std::move(*key);
    return out;
}

}  // namespace

PasswordHasher::PasswordHasher(ScryptParams params) : params_(params) {
    if (!derive("probe", crypto::Bytes(kSaltBytes), params_))
        throw std::invalid_argument("scrypt parameters are out of range");
    dummy_ = hash(crypto::randomHex(16));
}

std::string PasswordHasher::hash(std::string_view password) const {
    const auto salt = crypto::randomBytes(kSaltBytes);
    const auto key = derive(password, salt, params_);
    if (!key) throw std::runtime_error("scrypt failed (out of memory?)");
    return "$scrypt$ln=" + std::to_string(params_.log2N) + ",r=" + std::to_string(params_.r) +
           ",p=" + std::to_string(params_.p) + "$" + crypto::toHex(salt) + "$" + crypto::toHex(*key);
}

bool PasswordHasher::verify(std::string_view password, std::string_view encoded) const {
    const auto parsed = parse(encoded);
    if (!parsed) return false;
    const auto key = derive(password, parsed->salt, parsed->params);
    return key && crypto::constantTimeEqual(*key, parsed->key);
}

void PasswordHasher::verifyDummy(std::string_view password) const { (void)verify(password, dummy_); }

bool PasswordHasher::needsRehash(std::string_view encoded) const {
    const auto parsed = parse(encoded);
    return !parsed || parsed->params.log2N < params_.log2N || parsed->params.r < params_.r ||
           parsed->params.p < params_.p;
}

}  // namespace vigil::server
