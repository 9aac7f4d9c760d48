#include "server/core/RegistrationLimiter.hpp"

namespace vigil::server {

RegistrationLimiter::RegistrationLimiter(CredentialStore& store, Clock clock, RegistrationLimits limits)
    : store_(store), clock_(std::move(clock)), limits_(limits) {}

bool RegistrationLimiter::allowed(const std::string& address) {
    const auto since = clock_() - limits_.window_ms;
    return store_.registrationsFromSince(address, since) < limits_.per_address &&
           store_.registrationsSince(since) < limits_.global;
}

void RegistrationLimiter::record(const std::string& address) { store_.logRegistration(address, clock_()); }

}  // namespace vigil::server
