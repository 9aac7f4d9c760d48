#pragma once
// Time-based one-time passwords for HQ staff (RFC 6238 on RFC 4226 HOTP):
// HMAC-SHA1, 6 digits, 30-second steps, one step of clock drift either way.
// A code is good once: the caller stores the step of the last accepted code
// per user and passes it back, and any code from that step or an earlier one
// is refused as a replay.

#include "protocol/Crypto.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace vigil::server::security {

enum class TotpHash { Sha1, Sha256, Sha512 };

struct TotpParams {
    TotpHash hash = TotpHash::Sha1;
    unsigned digits = 6;
    std::uint64_t periodSeconds = 30;
    std::uint64_t driftSteps = 1;  // RFC 6238 section 5.2: at most one step back/forward
};

// 160 random bits: RFC 4226 section 4 recommends the HMAC-SHA1 output size.
crypto::Bytes generateTotpSecret();

std::uint64_t totpStep(std::int64_t unixSeconds, const TotpParams& params = {});
// The code for a given step, zero-padded to params.digits.
std::string totpCodeAtStep(std::span<const std::uint8_t> secret, std::uint64_t step,
                           const TotpParams& params = {});
std::string totpCode(std::span<const std::uint8_t> secret, std::int64_t unixSeconds,
                     const TotpParams& params = {});

struct TotpCheck {
    enum class Verdict {
        Accepted,
        Wrong,      // no step within the drift window has this code
        Replayed,   // right code, but its step was already used
        Malformed,  // not exactly params.digits decimal digits
    };
    Verdict verdict = Verdict::Wrong;
    std::uint64_t step = 0;  // the matched step (Accepted / Replayed): store it on Accepted
    bool accepted() const noexcept { return verdict == Verdict::Accepted; }
};

// Compares against every step of the window in constant time (no early exit),
// so timing does not tell which step matched or how close a guess was.
TotpCheck verifyTotp(std::span<const std::uint8_t> secret, std::string_view code,
                     std::int64_t unixSeconds, std::optional<std::uint64_t> lastAcceptedStep,
                     const TotpParams& params = {});

// otpauth://totp/ISSUER:ACCOUNT?secret=...&issuer=...&algorithm=SHA1&digits=6&period=30
// (Google Authenticator Key Uri Format), label parts percent-encoded.
std::string otpauthUri(std::string_view issuer, std::string_view account,
                       std::span<const std::uint8_t> secret, const TotpParams& params = {});

}  // namespace vigil::server::security
