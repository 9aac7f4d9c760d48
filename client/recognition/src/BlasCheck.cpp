#include "vigil/recognition/BlasCheck.hpp"

#include <dlfcn.h>
#include <link.h>

#include <climits>
#include <cstdlib>
#include <string_view>

namespace vigil::recognition {

BlasInfo detectBlas() {
    BlasInfo info;
    // What libblas.so.3 resolves to for this process: the copy dlib already
    // loaded, or else the one the dynamic linker would give it (Debian's
    // alternatives system points the soname at one implementation).
    void* handle = dlopen("libblas.so.3", RTLD_LAZY | RTLD_NOLOAD);
    if (handle == nullptr) handle = dlopen("libblas.so.3", RTLD_LAZY | RTLD_LOCAL);
    if (handle == nullptr) return info;
    link_map* map = nullptr;
    if (dlinfo(handle, RTLD_DI_LINKMAP, &map) == 0 && map != nullptr && map->l_name != nullptr) {
        char resolved[PATH_MAX];
        info.libraryPath = ::realpath(map->l_name, resolved) != nullptr ? resolved : map->l_name;
    }
    // OpenBLAS exports openblas_get_config under every name it is installed as.
    using GetConfig = const char* (*)();
    void* symbol = dlsym(handle, "openblas_get_config");
    if (symbol != nullptr || info.libraryPath.find("openblas") != std::string::npos) {
        info.kind = BlasKind::OpenBlas;
    } else if (info.libraryPath.find("/blas/") != std::string::npos) {
        info.kind = BlasKind::Reference;  // Debian installs the reference BLAS under .../blas/
    } else {
        info.kind = BlasKind::Other;
    }
    if (symbol != nullptr) info.details = reinterpret_cast<GetConfig>(symbol)();
    dlclose(handle);  // only drops our reference; dlib's stays
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
