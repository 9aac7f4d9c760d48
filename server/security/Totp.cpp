#include "server/security/Totp.hpp"

#include "server/security/Base32.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <stdexcept>

namespace vigil::server::security {
namespace {

const EVP_MD* digestFor(TotpHash hash) {
    switch (hash) {
    case TotpHash::Sha1: return EVP_sha1();
    case TotpHash::Sha256: return EVP_sha256();
    case TotpHash::Sha512: return EVP_sha512();
    }
    throw std::invalid_argument("unknown TOTP hash");
}

std::string_view nameOf(TotpHash hash) {
    switch (hash) {
    case TotpHash::Sha1: return "SHA1";
    case TotpHash::Sha256: return "SHA256";
    case TotpHash::Sha512: return "SHA512";
    }
    return "SHA1";
}

std::string percentEncode(std::string_view text) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : text) {
        const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                                (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
        if (unreserved) {
            out.push_back(static_cast<char>(c));
        } else {
            out.push_back('%');
            out.push_back(kHex[c >> 4]);
            out.push_back(kHex[c & 15]);
        }
    }
    return out;
}

}  // namespace

crypto::Bytes generateTotpSecret() { return crypto::randomBytes(20); }

std::uint64_t totpStep(std::int64_t unixSeconds, const TotpParams& params) {
    if (unixSeconds < 0) throw std::invalid_argument("TOTP time before 1970");
    return static_cast<std::uint64_t>(unixSeconds) / params.periodSeconds;
}

std::string totpCodeAtStep(std::span<const std::uint8_t> secret, std::uint64_t step,
                           const TotpParams& params) {
    if (params.digits < 6 || params.digits > 9)
        throw std::invalid_argument("TOTP codes have 6 to 9 digits");
    std::array<std::uint8_t, 8> counter{};
    for (int i = 7; i >= 0; --i) {
        counter[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(step & 0xFF);
        step >>= 8;
    }
    std::array<std::uint8_t, EVP_MAX_MD_SIZE> mac{};
    unsigned int macLength = 0;
    if (HMAC(digestFor(params.hash), secret.data(), static_cast<int>(secret.size()), counter.data(),
             counter.size(), mac.data(), &macLength) == nullptr)
        throw std::runtime_error("HMAC failed");
    // RFC 4226 section 5.3: dynamic truncation.
    const unsigned offset = mac[macLength - 1] & 0x0F;
    const std::uint32_t binary = (std::uint32_t{mac[offset]} & 0x7F) << 24 |
                                 std::uint32_t{mac[offset + 1]} << 16 |
                                 std::uint32_t{mac[offset + 2]} << 8 | std::uint32_t{mac[offset + 3]};
    std::uint32_t modulus = 1;
    for (unsigned i = 0; i < params.digits; ++i) modulus *= 10;
    std::string code = std::to_string(binary % modulus);
    code.insert(0, params.digits - code.size(), '0');
    return code;
}

std::string totpCode(std::span<const std::uint8_t> secret, std::int64_t unixSeconds,
                     const TotpParams& params) {
    return totpCodeAtStep(secret, totpStep(unixSeconds, params), params);
}

TotpCheck verifyTotp(std::span<const std::uint8_t> secret, std::string_view code,
                     std::int64_t unixSeconds, std::optional<std::uint64_t> lastAcceptedStep,
                     const TotpParams& params) {
    TotpCheck check;
    bool wellFormed = code.size() == params.digits;
    for (char c : code) wellFormed = wellFormed && c >= '0' && c <= '9';
    if (!wellFormed) {
        check.verdict = TotpCheck::Verdict::Malformed;
        return check;
    }
    const std::uint64_t now = totpStep(unixSeconds, params);
    const std::uint64_t first = now >= params.driftSteps ? now - params.driftSteps : 0;
    bool matched = false;
    std::uint64_t matchedStep = 0;
    // Visit the whole window and compare in constant time, newest step last so
    // that a code valid for two steps (a 1 in 10^6 coincidence) counts as the newer.
    for (std::uint64_t step = first; step <= now + params.driftSteps; ++step) {
        const bool equal = crypto::constantTimeEqual(totpCodeAtStep(secret, step, params), code);
        matched = matched || equal;
        matchedStep = equal ? step : matchedStep;
    }
    if (!matched) return check;
    check.step = matchedStep;
    check.verdict = (lastAcceptedStep && matchedStep <= *lastAcceptedStep)
                        ? TotpCheck::Verdict::Replayed
                        : TotpCheck::Verdict::Accepted;
    return check;
}

std::string otpauthUri(std::string_view issuer, std::string_view account,
                       std::span<const std::uint8_t> secret, const TotpParams& params) {
    return "otpauth://totp/" + percentEncode(issuer) + ":" + percentEncode(account) +
           "?secret=" + base32Encode(secret) + "&issuer=" + percentEncode(issuer) +
           "&algorithm=" + std::string(nameOf(params.hash)) + "&digits=" +
           std::to_string(params.digits) + "&period=" + std::to_string(params.periodSeconds);
}

}  // namespace vigil::server::security
