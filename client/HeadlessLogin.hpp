#pragma once
// Logging in and registering from a terminal: the CAPTCHA image is saved as a
// PNG for the officer to open, the answer and the password are typed (the
// password without echo) or, for unattended stations, read from a file.

#include "client/core/ServerLink.hpp"
#include "client/core/StationConfig.hpp"

#include <functional>
#include <future>
#include <iosfwd>

namespace vigil::client {

class StationCore;

// Logs `core` in unless a resumed session already did. Returns 0 on success.
int headlessLogin(StationCore& core, const StationConfig& config, std::istream& in, std::ostream& out);

// `vigil-client register`: creates a pending account. Returns an exit code.
int runRegister(const StationConfig& config, std::istream& in, std::ostream& out);

}  // namespace vigil::client
