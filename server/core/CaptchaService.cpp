#include "server/core/CaptchaService.hpp"

#include "server/core/CaptchaRenderer.hpp"

#include "protocol/Crypto.hpp"

#include <algorithm>
#include <cctype>

namespace vigil::server {

std::string RandomCaptchaText::next() {
    // Rejection sampling keeps every character equally likely.
    std::string out;
    while (out.size() < 6) {
        for (auto byte : crypto::randomBytes(16)) {
            const unsigned limit = 256 - 256 % kCaptchaAlphabet.size();
            if (byte < limit && out.size() < 6) out.push_back(kCaptchaAlphabet[byte % kCaptchaAlphabet.size()]);
        }
    }
    return out;
}

std::string captchaAnswerHash(std::string_view answer) {
    while (!answer.empty() && std::isspace(static_cast<unsigned char>(answer.front()))) answer.remove_prefix(1);
    while (!answer.empty() && std::isspace(static_cast<unsigned char>(answer.back()))) answer.remove_suffix(1);
    std::string upper(answer);
    std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return std::toupper(c); });
    return crypto::toHex(crypto::sha256(upper));
}

CaptchaService::CaptchaService(std::unique_ptr<CaptchaTextSource> text, Clock clock, CaptchaLimits limits)
    : text_(std::move(text)), clock_(std::move(clock)), limits_(limits) {}

void CaptchaService::dropExpired(std::int64_t now) {
    for (auto it = open_.begin(); it != open_.end();) {
        if (it->second.expires_at_ms <= now) {
            if (auto pa = perAddress_.find(it->second.address); pa != perAddress_.end() && --pa->second == 0)
                perAddress_.erase(pa);
            it = open_.erase(it);
        } else {
            ++it;
        }
    }
}

std::optional<IssuedCaptcha> CaptchaService::issue(protocol::CaptchaPurpose purpose, const std::string& address) {
    const std::string answer = text_->next();
    {
        std::lock_guard lock(mutex_);
        const auto now = clock_();
        if (open_.size() >= limits_.max_open) dropExpired(now);
        const auto countFromHere = [&] {
            const auto it = perAddress_.find(address);
            return it == perAddress_.end() ? std::size_t{0} : it->second;
        };
        if (countFromHere() >= limits_.max_open_per_address) {
            dropExpired(now);
            if (countFromHere() >= limits_.max_open_per_address) return std::nullopt;
        }
        if (open_.size() >= limits_.max_open) return std::nullopt;
    }
    // Rendering takes a few milliseconds; do it outside the lock.
    IssuedCaptcha issued;
    issued.id = crypto::randomHex(16);
    issued.png = renderCaptchaPng(answer);
    issued.expires_in_seconds = static_cast<std::uint32_t>(limits_.ttl_ms / 1000);
    std::lock_guard lock(mutex_);
    open_[issued.id] = Open{captchaAnswerHash(answer), purpose, clock_() + limits_.ttl_ms, address};
    ++perAddress_[address];
    return issued;
}

bool CaptchaService::verify(std::string_view id, std::string_view answer, protocol::CaptchaPurpose purpose) {
    std::lock_guard lock(mutex_);
    auto it = open_.find(id);
    if (it == open_.end()) return false;
    const Open challenge = it->second;
    if (auto pa = perAddress_.find(challenge.address); pa != perAddress_.end() && --pa->second == 0)
        perAddress_.erase(pa);
    open_.erase(it);
    if (challenge.expires_at_ms <= clock_()) return false;
    if (challenge.purpose != purpose) return false;
    return crypto::constantTimeEqual(captchaAnswerHash(answer), challenge.answer_hash);
}

std::size_t CaptchaService::openCount() {
    std::lock_guard lock(mutex_);
    return open_.size();
}

}  // namespace vigil::server
