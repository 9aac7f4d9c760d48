#pragma once
// How many accounts may be created, per address and overall, in a sliding
// window. Counts come from credentials.db, so a restart does not reset them.

#include "server/core/Clock.hpp"
#include "server/core/CredentialStore.hpp"

namespace vigil::server {

struct RegistrationLimits {
    std::size_t per_address = 3;
    std::size_t global = 30;
    std::int64_t window_ms = 3600 * 1000;
};

class RegistrationLimiter {
public:
    RegistrationLimiter(CredentialStore& store, Clock clock, RegistrationLimits limits = {});
    bool allowed(const std::string& address);
    void record(const std::string& address);

private:
    CredentialStore& store_;
    Clock clock_;
    RegistrationLimits limits_;
};

}  // namespace vigil::server
