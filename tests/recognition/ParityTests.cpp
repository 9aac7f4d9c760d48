// Proof of the weight conversion: the converted dlib network and the
// reference implementation (face-api on TensorFlow.js, run by Node.js) give
// the same descriptors for the same aligned chips of real faces.
#include "TestSupport.hpp"
#include "vigil/recognition/FaceEngine.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>

using namespace vigil::recognition;
using namespace vigil::recognition::test;
namespace fs = std::filesystem;

namespace {

std::string quoted(const fs::path& p) { return "'" + p.string() + "'"; }

fs::path makeTempDir() {
    std::string pattern = (fs::temp_directory_path() / "vigil-parity-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    return pattern;
}

}  // namespace

TEST_CASE("the converted network matches face-api's descriptors on the same chips (cosine >= 0.999)") {
    if (skipWithoutDescriptorModel()) return;
    if (std::system("command -v node >/dev/null 2>&1") != 0) {
        skipBecause("node not found: cannot run the face-api reference (apt-get install nodejs npm)");
        return;
    }
    const fs::path parityDir = VIGIL_PARITY_DIR;
    const char* home = std::getenv("HOME");
    const fs::path prefix = fs::path(home ? home : "/tmp") / ".cache" / "vigil" / "parity-node";
    if (std::system((quoted(parityDir / "install-deps.sh") + " " + quoted(prefix)).c_str()) != 0) {
        skipBecause("the parity npm packages could not be installed into " + prefix.string() +
                    " (no npm registry?)");
        return;
    }

    // One photo per identity plus a two-person scene: eight real faces.
    const std::vector<fs::path> photos = {
        "dev/obama/obama1.jpg",         "dev/biden/biden1.jpg",        "dev/kit_harington/kit1.jpg",
        "dev/rose_leslie/rose1.jpg",    "dev/alex_lacamoire/alex2.jpg", "dev/lin_manuel_miranda/lin1.png",
        "scenes/two_people.jpg"};
    FaceEngine engine;
    const fs::path work = makeTempDir();
    std::map<std::string, Descriptor> ours;
    for (const auto& relative : photos) {
        const auto faces = engine.analyse(readPhoto(sharedFaces() / relative));
        REQUIRE_MESSAGE(!faces.empty(), relative);
        for (std::size_t i = 0; i < faces.size(); ++i) {
            const std::string name = relative.stem().string() + "-" + std::to_string(i) + ".png";
            REQUIRE(cv::imwrite((work / name).string(), faces[i].chip));  // PNG: lossless
            ours[name] = faces[i].descriptor;
        }
    }
    REQUIRE(ours.size() == 8);

    const fs::path output = work / "face-api.json";
    const std::string command = "node " + quoted(parityDir / "face-api-descriptors.cjs") + " " + quoted(prefix) +
                                " " + quoted(work) + " " + quoted(output) + " >/dev/null";
    REQUIRE_MESSAGE(std::system(command.c_str()) == 0, "the face-api reference failed: " << command);
    std::ifstream in(output);
    const nlohmann::json reference = nlohmann::json::parse(in);
    REQUIRE(reference.at("backend") == "cpu");

    double worstCosine = 1.0, worstL2 = 0.0;
    std::cout << "parity with face-api " << reference.value("faceApi", "?") << " (tfjs "
              << reference.value("tfjs", "?") << ", backend cpu):\n";
    for (const auto& [name, descriptor] : ours) {
        const auto& theirs = reference.at("descriptors").at(name);
        REQUIRE(theirs.size() == kDescriptorSize);
        double dot = 0, na = 0, nb = 0, l2 = 0;
        for (std::size_t k = 0; k < kDescriptorSize; ++k) {
            const double a = descriptor[k], b = theirs[k].get<double>();
            dot += a * b;
            na += a * a;
            nb += b * b;
            l2 += (a - b) * (a - b);
        }
        const double cosine = dot / std::sqrt(na * nb);
        l2 = std::sqrt(l2);
        std::cout << "  " << std::left << std::setw(18) << name << " cosine " << std::setprecision(12) << cosine
                  << "  1-cosine " << std::setprecision(3) << 1.0 - cosine << "  L2 " << l2 << "\n";
        CHECK_MESSAGE(cosine >= 0.999, name << ": cosine " << cosine);
        worstCosine = std::min(worstCosine, cosine);
        worstL2 = std::max(worstL2, l2);
    }
    std::cout << "worst cosine " << std::setprecision(12) << worstCosine << ", largest L2 distance "
              << std::setprecision(3) << worstL2 << "\n";
    MESSAGE("worst cosine " << worstCosine << ", largest L2 " << worstL2);
    fs::remove_all(work);
}
