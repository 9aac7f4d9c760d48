#pragma once
// The minimum a password and a user name must meet. NIST SP 800-63B s5.1.1.2:
// at least 8 characters (we ask 10 for accounts that can read biometric
// data), no composition rules, a length cap well above what people use, and
// a refusal of passwords that equal the user name or are trivially common.

#include <optional>
#include <string>
#include <string_view>

namespace vigil::server {

struct PasswordPolicy {
    std::size_t min_length = 10;
    std::size_t max_length = 256;

    // A sentence saying what is wrong, or nothing when the password is fine.
    std::optional<std::string> check(std::string_view username, std::string_view password) const;
};

// User names: 3-64 characters of letters, digits, '.', '_', '-'. Keeps names
// printable in logs and unambiguous in the console.
std::optional<std::string> checkUsername(std::string_view username);

}  // namespace vigil::server
