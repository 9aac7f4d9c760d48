#pragma once
// One-time recovery codes for staff who lost their authenticator. Shown once
// at enrolment, stored only as salted SHA-256 hashes (the codes carry 80
// random bits, so a fast hash is enough: there is nothing to brute-force that
// a slow hash would protect), and consumed on use.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vigil::server::security {

struct NewRecoveryCodes {
    std::vector<std::string> shownOnce;  // "ABCD-EFGH-JKMN-PQRS", give these to the user
    std::string stored;                  // what the credential database keeps
};

// Crockford base32 without I, L, O, U: no characters users confuse.
NewRecoveryCodes generateRecoveryCodes(std::size_t count = 10);

// The stored, hashed set of one user's unused codes.
class RecoveryCodeSet {
public:
    // Parses what generateRecoveryCodes()/serialize() produced; throws
    // std::invalid_argument for anything else.
    static RecoveryCodeSet parse(std::string_view stored);

    // Accepts case, spaces and dashes loosely. On a match the code is removed
    // (serialize() and store the result before granting access). Every stored
    // hash is compared, in constant time, whatever matches.
    bool consume(std::string_view entered);

    std::size_t remaining() const noexcept { return hashes_.size(); }
    std::string serialize() const;

private:
    std::string salt_;                 // hex
    std::vector<std::string> hashes_;  // hex SHA-256(salt || normalised code)
};

}  // namespace vigil::server::security
