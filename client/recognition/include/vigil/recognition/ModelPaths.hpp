// Where the recognition models live. The descriptor network is produced by
// tools/fetch-models (or is the official dlib file dropped in under the same
// name); the landmark model comes from Debian's libdlib-data.
#pragma once

#include <filesystem>

namespace vigil::recognition {

inline constexpr const char* kDescriptorModelFileName = "dlib_face_recognition_resnet_model_v1.dat";
inline constexpr const char* kLandmarkModelPath = "/usr/share/dlib/shape_predictor_68_face_landmarks.dat";

// $VIGIL_MODEL_DIR when set and not empty, else $HOME/.cache/vigil/models.
std::filesystem::path modelDirectory();

// modelDirectory() / kDescriptorModelFileName.
std::filesystem::path descriptorModelPath();

std::filesystem::path landmarkModelPath();

}  // namespace vigil::recognition
