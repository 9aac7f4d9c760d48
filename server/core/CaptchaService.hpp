#pragma once
// CAPTCHA challenges for registration and login: an image rendered with
// OpenCV (CaptchaRenderer), single use, short expiry, and only a SHA-256 of
// the answer kept in memory. A restart forgets open challenges, which only
// means a user asks for a new one.

#include "server/core/Clock.hpp"

#include "protocol/WireTypes.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace vigil::server {

// Where the answer text comes from. The shipped binary uses RandomCaptchaText;
// tests inject a source whose text they know, so they never need a back door.
class CaptchaTextSource {
public:
    virtual ~CaptchaTextSource() = default;
    virtual std::string next() = 0;
};

// Six characters from an alphabet without look-alikes (no 0/O, 1/I/L, 2/Z,
// 5/S, 8/B, G/6), drawn from OpenSSL's DRBG.
class RandomCaptchaText : public CaptchaTextSource {
public:
    std::string next() override;
};

inline constexpr std::string_view kCaptchaAlphabet = "ACDEFHJKMNPRTUVWXY3479";

struct CaptchaLimits {
    std::int64_t ttl_ms = 120'000;
    std::size_t max_open = 20'000;           // all addresses together
    std::size_t max_open_per_address = 16;   // one address cannot exhaust the pool
};

struct IssuedCaptcha {
    std::string id;
    protocol::Bytes png;
    std::uint32_t expires_in_seconds = 0;
};

class CaptchaService {
public:
    CaptchaService(std::unique_ptr<CaptchaTextSource> text, Clock clock, CaptchaLimits limits = {});

    // Empty optional when too many challenges are open (caller answers ServerBusy).
    std::optional<IssuedCaptcha> issue(protocol::CaptchaPurpose purpose, const std::string& address);

    // Consumes the challenge whatever the outcome: a challenge is answered once.
    // Case-insensitive; surrounding spaces ignored.
    bool verify(std::string_view id, std::string_view answer, protocol::CaptchaPurpose purpose);

    std::size_t openCount();

private:
    struct Open {
        std::string answer_hash;
        protocol::CaptchaPurpose purpose;
        std::int64_t expires_at_ms;
        std::string address;
    };
    void dropExpired(std::int64_t now);

    std::unique_ptr<CaptchaTextSource> text_;
    Clock clock_;
    CaptchaLimits limits_;
    std::mutex mutex_;
    std::map<std::string, Open, std::less<>> open_;
    std::map<std::string, std::size_t, std::less<>> perAddress_;
};

// The hash of an answer as stored: SHA-256 of the upper-cased trimmed text.
std::string captchaAnswerHash(std::string_view answer);

}  // namespace vigil::server
