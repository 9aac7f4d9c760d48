#include "server/core/PasswordPolicy.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace vigil::server {
namespace {

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

// The most common passwords of breach corpora that meet the length rule.
constexpr std::array<std::string_view, 12> kCommon{
    "1234567890", "12345678910", "qwertyuiop", "password12", "password123", "1q2w3e4r5t",
    "iloveyou12", "qwerty1234", "0987654321", "1111111111", "abcdefghij", "passw0rd12",
};

}  // namespace

std::optional<std::string> PasswordPolicy::check(std::string_view username, std::string_view password) const {
    if (password.size() < min_length)
        return "the password must have at least " + std::to_string(min_length) + " characters";
    if (password.size() > max_length)
        return "the password must have at most " + std::to_string(max_length) + " characters";
    const auto lowered = lower(password);
    if (!username.empty() && lowered.find(lower(username)) != std::string::npos)
        return "the password must not contain the user name";
    if (std::all_of(password.begin(), password.end(), [&](char c) { return c == password.front(); }))
        return "the password must not repeat a single character";
    if (std::find(kCommon.begin(), kCommon.end(), lowered) != kCommon.end())
        return "the password is one of the most common passwords";
    return std::nullopt;
}

std::optional<std::string> checkUsername(std::string_view username) {
    if (username.size() < 3 || username.size() > 64) return "the user name must have 3 to 64 characters";
    for (unsigned char c : username)
        if (!std::isalnum(c) && c != '.' && c != '_' && c != '-')
            return "the user name may contain only letters, digits, '.', '_' and '-'";
    return std::nullopt;
}

}  // namespace vigil::server
