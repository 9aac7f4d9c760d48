#include "server/security/RecoveryCodes.hpp"

#include "protocol/Crypto.hpp"

#include <sstream>
#include <stdexcept>

namespace vigil::server::security {
namespace {

constexpr std::string_view kAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
constexpr std::size_t kCodeSymbols = 16;  // 16 * 5 = 80 bits
constexpr std::string_view kFormat = "vigil-recovery-v1";

std::string normalise(std::string_view entered) {
    std::string out;
    for (char c : entered) {
        if (c == '-' || c == ' ') continue;
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
        // Crockford decoding: the confusable letters read as the digits they resemble.
        if (c == 'O') c = '0';
        if (c == 'I' || c == 'L') c = '1';
        out.push_back(c);
    }
    return out;
}

std::string hashCode(const std::string& salt, const std::string& normalised) {
    return crypto::toHex(crypto::sha256(salt + ":" + normalised));
}

}  // namespace

NewRecoveryCodes generateRecoveryCodes(std::size_t count) {
    if (count == 0 || count > 100) throw std::invalid_argument("between 1 and 100 recovery codes");
    NewRecoveryCodes result;
    const std::string salt = crypto::randomHex(16);
    std::ostringstream stored;
    stored << kFormat << " " << salt;
    for (std::size_t i = 0; i < count; ++i) {
        const crypto::Bytes random = crypto::randomBytes(kCodeSymbols);
        std::string code;
        for (std::size_t s = 0; s < kCodeSymbols; ++s) {
            if (s > 0 && s % 4 == 0) code.push_back('-');
            code.push_back(kAlphabet[random[s] & 31]);  // 256 is a multiple of 32: no bias
        }
        stored << " " << hashCode(salt, normalise(code));
        result.shownOnce.push_back(std::move(code));
    }
    result.stored = stored.str();
    return result;
}

RecoveryCodeSet RecoveryCodeSet::parse(std::string_view stored) {
    std::istringstream in{std::string(stored)};
    std::string format;
    RecoveryCodeSet set;
    if (!(in >> format) || format != kFormat || !(in >> set.salt_) || set.salt_.size() != 32 ||
        !crypto::fromHex(set.salt_))
        throw std::invalid_argument("not a stored recovery code set");
    std::string hash;
    while (in >> hash) {
        if (hash.size() != 64 || !crypto::fromHex(hash))
            throw std::invalid_argument("a stored recovery code hash is malformed");
        set.hashes_.push_back(hash);
    }
    return set;
}

bool RecoveryCodeSet::consume(std::string_view entered) {
    const std::string candidate = hashCode(salt_, normalise(entered));
    std::optional<std::size_t> match;
    for (std::size_t i = 0; i < hashes_.size(); ++i) {
        const bool equal = crypto::constantTimeEqual(hashes_[i], candidate);
        if (equal && !match) match = i;
    }
    if (!match) return false;
    hashes_.erase(hashes_.begin() + static_cast<std::ptrdiff_t>(*match));
    return true;
}

std::string RecoveryCodeSet::serialize() const {
    std::string out = std::string(kFormat) + " " + salt_;
    for (const auto& h : hashes_) out += " " + h;
    return out;
}

}  // namespace vigil::server::security
