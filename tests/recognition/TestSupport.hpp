// Where the recognition tests find their real inputs, and the loud skip used
// when an input is absent (ctest marks a test SKIPPED when its output holds
// "SKIPPED:", see CMakeLists.txt).
#pragma once

#include "vigil/recognition/ModelPaths.hpp"

#include <doctest/doctest.h>
#include <opencv2/imgcodecs.hpp>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>

namespace vigil::recognition::test {

inline std::filesystem::path sharedFaces() { return std::filesystem::path(VIGIL_SHARED_DIR) / "faces"; }

// Demo photos of the face-api npm package, extracted by tools/fetch-models.
inline std::filesystem::path demoPhotos() {
    const char* home = std::getenv("HOME");
    return std::filesystem::path(home ? home : "/nonexistent") / ".cache" / "vigil" / "npm" /
           ("face-api-" + std::string(VIGIL_FACE_API_VERSION)) / "demo";
}

inline bool skipBecause(const std::string& reason) {
    std::cout << "\n**********\nSKIPPED: " << reason << "\n**********\n" << std::flush;
    MESSAGE("SKIPPED: " << reason);
    return true;
}

inline bool skipWithoutSharedFaces() {
    if (std::filesystem::is_directory(sharedFaces() / "dev")) return false;
    return skipBecause("test photos not found at " + sharedFaces().string() +
                       " (the shared/ folder must sit beside the clone)");
}

inline bool skipWithoutLandmarkModel() {
    if (std::filesystem::exists(landmarkModelPath())) return false;
    return skipBecause(landmarkModelPath().string() + " missing: apt-get install libdlib-data");
}

inline bool skipWithoutDescriptorModel() {
    if (skipWithoutSharedFaces() || skipWithoutLandmarkModel()) return true;
    if (std::filesystem::exists(descriptorModelPath())) return false;
    return skipBecause("face descriptor model not found at " + descriptorModelPath().string() +
                       ": run tools/fetch-models");
}

inline cv::Mat readPhoto(const std::filesystem::path& file) {
    cv::Mat image = cv::imread(file.string(), cv::IMREAD_COLOR);
    REQUIRE_MESSAGE(!image.empty(), "cannot decode " << file);
    return image;
}

}  // namespace vigil::recognition::test
