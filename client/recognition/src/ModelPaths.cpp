#include "vigil/recognition/ModelPaths.hpp"

#include <cstdlib>
#include <stdexcept>

namespace vigil::recognition {

std::filesystem::path modelDirectory() {
    if (const char* dir = std::getenv("VIGIL_MODEL_DIR"); dir != nullptr && *dir != '\0') return dir;
    const char* home = std::getenv("HOME");
    if (home == nullptr || *home == '\0')
        throw std::runtime_error("neither VIGIL_MODEL_DIR nor HOME is set: cannot locate the face models");
    return std::filesystem::path(home) / ".cache" / "vigil" / "models";
}

std::filesystem::path descriptorModelPath() { return modelDirectory() / kDescriptorModelFileName; }

std::filesystem::path landmarkModelPath() { return kLandmarkModelPath; }

}  // namespace vigil::recognition
