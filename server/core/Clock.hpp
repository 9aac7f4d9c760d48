#pragma once
// Time as a dependency: every expiry, lock-out and rate limit reads the clock
// through this so tests move time forward instead of sleeping.

#include <chrono>
#include <cstdint>
#include <functional>

namespace vigil::server {

// Unix time in milliseconds.
using Clock = std::function<std::int64_t()>;

inline std::int64_t systemNowMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

inline Clock systemClock() { return &systemNowMs; }

}  // namespace vigil::server
