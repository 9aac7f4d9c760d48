#include "vigil/recognition/BlasCheck.hpp"

#include <dlfcn.h>
#include <link.h>

#include <climits>
#include <cstdlib>
#include <string_view>

namespace vigil::recognition {

namespace {

int findBlas(dl_phdr_info* info, std::size_t, void* data) {
    auto* path = static_cast<std::string*>(data);
    const std::string_view name = info->dlpi_name != nullptr ? info->dlpi_name : "";
    // dlib (and anything else) reaches BLAS through the libblas.so.3 soname,
    // which Debian's alternatives system points at one implementation.
    if (name.find("libblas.so") != std::string_view::npos) {
        char resolved[PATH_MAX];
        *path = ::realpath(info->dlpi_name, resolved) != nullptr ? resolved : std::string(name);
        return 1;
    }
    return 0;
}

}  // namespace

BlasInfo detectBlas() {
    BlasInfo info;
    dl_iterate_phdr(findBlas, &info.libraryPath);
    // OpenBLAS exports openblas_get_config whichever soname it is loaded as.
    using GetConfig = const char* (*)();
    void* symbol = dlsym(RTLD_DEFAULT, "openblas_get_config");
    if (info.libraryPath.empty() && symbol == nullptr) return info;
    if (info.libraryPath.find("openblas") != std::string::npos) {
        info.kind = BlasKind::OpenBlas;
    } else if (info.libraryPath.find("/blas/") != std::string::npos) {
        info.kind = BlasKind::Reference;  // Debian installs the reference BLAS under .../blas/
    } else {
        info.kind = BlasKind::Other;
    }
    if (symbol != nullptr) info.details = reinterpret_cast<GetConfig>(symbol)();
    return info;
}

std::optional<std::string> blasWarning(const BlasInfo& info) {
    if (info.kind != BlasKind::Reference) return std::nullopt;
    return "WARNING: libblas.so.3 is the slow reference BLAS (" + info.libraryPath +
           "): face descriptors will take about 10x longer. Install OpenBLAS (apt-get install "
           "libopenblas0-pthread) or select it with update-alternatives --config libblas.so.3-x86_64-linux-gnu.";
}

std::string describe(const BlasInfo& info) {
    std::string kind;
    switch (info.kind) {
        case BlasKind::OpenBlas: kind = "OpenBLAS"; break;
        case BlasKind::Reference: kind = "reference BLAS (slow)"; break;
        case BlasKind::Other: kind = "unknown BLAS"; break;
        case BlasKind::NotLoaded: return "no BLAS library loaded";
    }
    std::string text = kind + " at " + (info.libraryPath.empty() ? "?" : info.libraryPath);
    if (!info.details.empty()) text += " [" + info.details + "]";
    return text;
}

}  // namespace vigil::recognition
