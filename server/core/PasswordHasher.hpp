#pragma once
// Password hashing with scrypt (OpenSSL EVP_PBE_scrypt). The encoded form
// carries its parameters so they can be raised later without invalidating
// stored hashes:  $scrypt$ln=17,r=8,p=1$<salt hex>$<hash hex>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vigil::server {

struct ScryptParams {
    // OWASP Password Storage Cheat Sheet (2023): scrypt N=2^17, r=8, p=1.
    // Tests lower log2N to keep the suite fast; the hash records what was used.
    unsigned log2N = 17;
    unsigned r = 8;
    unsigned p = 1;
};

class PasswordHasher {
public:
    explicit PasswordHasher(ScryptParams params = {});

    std::string hash(std::string_view password) const;
    // Constant-time comparison of the derived key; false for malformed input.
    bool verify(std::string_view password, std::string_view encoded) const;
    // Spends the same time as a real verify; for unknown users, so their
    // answer cannot be told apart from a wrong password by its timing.
    void verifyDummy(std::string_view password) const;
    // True when `encoded` was made with weaker parameters than the current ones.
    bool needsRehash(std::string_view encoded) const;

    const ScryptParams& params() const { return params_; }

private:
    ScryptParams params_;
    std::string dummy_;
};

}  // namespace vigil::server
