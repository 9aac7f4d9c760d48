// Which BLAS dlib's matrix code runs on. Debian's dlib links libblas.so.3,
// which is the reference BLAS (about 210 ms per face descriptor here) unless
// OpenBLAS provides it (about 18 ms).
#pragma once

#include <optional>
#include <string>

namespace vigil::recognition {

enum class BlasKind { OpenBlas, Reference, Other, NotLoaded };

struct BlasInfo {
    BlasKind kind = BlasKind::NotLoaded;
    std::string libraryPath;  // real path of the loaded libblas.so.3
    std::string details;      // e.g. OpenBLAS's configuration string
};

BlasInfo detectBlas();

// A sentence for the start-up log when the reference BLAS is in use, saying
// how to fix it; nothing otherwise.
std::optional<std::string> blasWarning(const BlasInfo& info);

std::string describe(const BlasInfo& info);

}  // namespace vigil::recognition
