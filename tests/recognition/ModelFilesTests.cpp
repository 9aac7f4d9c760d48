#include "TestSupport.hpp"
#include "vigil/recognition/BlasCheck.hpp"
#include "vigil/recognition/ModelFingerprint.hpp"
#include "vigil/recognition/ModelPaths.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <optional>
#include <stdexcept>

using namespace vigil::recognition;
using vigil::recognition::test::skipBecause;
namespace fs = std::filesystem;

namespace {

// Sets an environment variable for one scope and restores it afterwards.
class ScopedEnv {
public:
    ScopedEnv(const char* name, const char* value) : name_(name) {
        if (const char* old = std::getenv(name)) old_ = old;
        if (value) ::setenv(name, value, 1);
        else ::unsetenv(name);
    }
    ~ScopedEnv() {
        if (old_) ::setenv(name_, old_->c_str(), 1);
        else ::unsetenv(name_);
    }
    ScopedEnv(const ScopedEnv&) = delete;
    ScopedEnv& operator=(const ScopedEnv&) = delete;

private:
    const char* name_;
    std::optional<std::string> old_;
};

fs::path writeTemp(const std::string& name, const std::string& content) {
    const fs::path p = fs::temp_directory_path() / name;
    std::ofstream(p, std::ios::binary) << content;
    return p;
}

}  // namespace

TEST_CASE("the fingerprint of a file is its SHA-256 in lower-case hex") {
    // FIPS 180-2 test vector: SHA-256("abc").
    const fs::path p = writeTemp("vigil-fingerprint-abc.bin", "abc");
    CHECK(sha256OfFile(p) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    // SHA-256 of the empty string.
    const fs::path empty = writeTemp("vigil-fingerprint-empty.bin", "");
    CHECK(sha256OfFile(empty) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    fs::remove(p);
    fs::remove(empty);
}

TEST_CASE("a fingerprint changes when one byte of the model changes") {
    std::string content(200'000, 'x');  // larger than one read buffer
    const fs::path a = writeTemp("vigil-fingerprint-a.bin", content);
    content[150'000] = 'y';
    const fs::path b = writeTemp("vigil-fingerprint-b.bin", content);
    CHECK(modelFingerprint(a) != modelFingerprint(b));
    CHECK(modelFingerprint(a).size() == 64);
    fs::remove(a);
    fs::remove(b);
}

TEST_CASE("fingerprinting a missing file is an error, not an empty fingerprint") {
    CHECK_THROWS_AS(sha256OfFile("/nonexistent/vigil/model.dat"), std::runtime_error);
}

TEST_CASE("the installed descriptor model has the fingerprint pinned by tools/fetch-models") {
    if (!fs::exists(descriptorModelPath())) {
        skipBecause("face descriptor model not found at " + descriptorModelPath().string() +
                    ": run tools/fetch-models");
        return;
    }
    // The official dlib file is a legitimate drop-in with another hash; only
    // a file of the converted model's size is held to the pinned hash.
    if (fs::file_size(descriptorModelPath()) == 22'466'154)
        CHECK(modelFingerprint(descriptorModelPath()) == VIGIL_PINNED_MODEL_SHA256);
    else
        MESSAGE("the model is not the converted one (official dlib file?): hash not compared");
}

TEST_CASE("the models folder is VIGIL_MODEL_DIR when set, else under HOME") {
    {
        const ScopedEnv dir("VIGIL_MODEL_DIR", "/opt/vigil-models");
        CHECK(modelDirectory() == fs::path("/opt/vigil-models"));
        CHECK(descriptorModelPath() == fs::path("/opt/vigil-models/dlib_face_recognition_resnet_model_v1.dat"));
    }
    {
        const ScopedEnv dir("VIGIL_MODEL_DIR", nullptr);
        const ScopedEnv home("HOME", "/home/station");
        CHECK(modelDirectory() == fs::path("/home/station/.cache/vigil/models"));
    }
    {
        const ScopedEnv dir("VIGIL_MODEL_DIR", "");  // empty counts as unset
        const ScopedEnv home("HOME", "/home/x");
        CHECK(modelDirectory() == fs::path("/home/x/.cache/vigil/models"));
    }
    CHECK(landmarkModelPath() == fs::path("/usr/share/dlib/shape_predictor_68_face_landmarks.dat"));
}

TEST_CASE("the BLAS check names the library dlib loaded and warns only for the reference BLAS") {
    const BlasInfo info = detectBlas();
    // This test binary links dlib, which links libblas.so.3.
    CHECK(info.kind != BlasKind::NotLoaded);
    CHECK_FALSE(info.libraryPath.empty());
    MESSAGE("BLAS in use: " << describe(info));
    CHECK(blasWarning(info).has_value() == (info.kind == BlasKind::Reference));

    BlasInfo reference;
    reference.kind = BlasKind::Reference;
    reference.libraryPath = "/usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0";
    REQUIRE(blasWarning(reference).has_value());
    CHECK(blasWarning(reference)->find("OpenBLAS") != std::string::npos);
}
