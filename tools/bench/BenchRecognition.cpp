// vigil-bench-recognition: milliseconds per stage of the recognition chain on
// real photos, frames per second on 640x480 frames with 1 and 4 faces, and
// matching time against large random watchlists. Prints the BLAS in use and
// how many GFLOP/s the descriptor network reaches.
//
// usage: vigil-bench-recognition [SHARED_FACES_DIR]
#include "vigil/recognition/BlasCheck.hpp"
#include "vigil/recognition/FaceEngine.hpp"
#include "vigil/recognition/Matcher.hpp"
#include "vigil/recognition/ModelPaths.hpp"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <iostream>
#include <random>
#include <string>
#include <thread>
#include <vector>

using namespace vigil::recognition;
namespace fs = std::filesystem;

namespace {

// Median wall time of `runs` calls after `warmup` unmeasured ones: the median
// ignores the odd slow run caused by the other engineers sharing the machine.
double medianMs(const std::function<void()>& work, int runs, int warmup = 2) {
    for (int i = 0; i < warmup; ++i) work();
    std::vector<double> ms;
    for (int i = 0; i < runs; ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        work();
        ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    }
    std::nth_element(ms.begin(), ms.begin() + ms.size() / 2, ms.end());
    return ms[ms.size() / 2];
}

// Multiply-accumulates of dlib's face ResNet per 150x150 chip, layer by layer
// (valid 7x7/2 stem, 3x3 convolutions, strided ones valid, others padded).
double networkGflop() {
    auto conv = [](double outSide, double outCh, double inCh, double k) { return outSide * outSide * outCh * inCh * k * k; };
    double mac = conv(72, 32, 3, 7);                                          // stem, then max-pool to 35
    mac += 6 * conv(35, 32, 32, 3);                                           // 3 residual blocks at 32
    mac += conv(17, 64, 32, 3) + conv(17, 64, 64, 3) + 6 * conv(17, 64, 64, 3);  // down + 3 at 64
    mac += conv(8, 128, 64, 3) + conv(8, 128, 128, 3) + 4 * conv(8, 128, 128, 3);
    mac += conv(3, 256, 128, 3) + conv(3, 256, 256, 3) + 4 * conv(3, 256, 256, 3);
    mac += 2 * conv(1, 256, 256, 3) + 256 * 128;  // last down block, fc
    return 2.0 * mac / 1e9;
}

double cpuMhz() {
    std::ifstream in("/proc/cpuinfo");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("cpu MHz", 0) == 0) return std::stod(line.substr(line.find(':') + 1));
    return 0.0;
}

// A crop around the largest face of a photo, resized so the face is about
// faceWidth pixels wide, to build synthetic frames from real faces.
cv::Mat faceTile(FaceDetector& detector, const fs::path& photo, cv::Size tile) {
    const cv::Mat image = cv::imread(photo.string());
    if (image.empty()) throw std::runtime_error("cannot read " + photo.string());
    auto faces = detector.detect(image);
    if (faces.empty()) throw std::runtime_error("no face in " + photo.string());
    const cv::Rect f = faces.front().box;
    // Face width : tile width = 0.6, centred, clipped to the image.
    const double scale = 0.6 * tile.width / f.width;
    const int w = static_cast<int>(tile.width / scale), h = static_cast<int>(tile.height / scale);
    cv::Rect crop(f.x + f.width / 2 - w / 2, f.y + f.height / 2 - h / 2, w, h);
    cv::Mat padded;
    const int pad = std::max(w, h);
    cv::copyMakeBorder(image, padded, pad, pad, pad, pad, cv::BORDER_REPLICATE);
    crop.x += pad;
    crop.y += pad;
    cv::Mat out;
    cv::resize(padded(crop), out, tile, 0, 0, cv::INTER_AREA);
    return out;
}

void row(const std::string& what, double ms, const std::string& extra = "") {
    std::printf("  %-46s %9.2f ms%s\n", what.c_str(), ms, extra.c_str());
}

}  // namespace

int main(int argc, char** argv) {
    const fs::path faces = argc > 1 ? fs::path(argv[1]) : fs::path(VIGIL_SHARED_DIR) / "faces";
    try {
        const BlasInfo blas = detectBlas();
        std::printf("BLAS: %s\n", describe(blas).c_str());
        if (auto warning = blasWarning(blas)) std::printf("%s\n", warning->c_str());
        std::printf("CPU: %u hardware threads, %.0f MHz\n", std::thread::hardware_concurrency(), cpuMhz());
        std::printf("model: %s\n\n", descriptorModelPath().c_str());

        FaceEngine engine;
        FaceDetector tileDetector;

        // 640x480 frames built from real dev photos: one face (about 150 px
        // wide) and four faces side by side (about 96 px wide each).
        cv::Mat oneFace(480, 640, CV_8UC3, cv::Scalar(90, 90, 90));
        faceTile(tileDetector, faces / "dev/obama/obama1.jpg", {250, 330}).copyTo(oneFace(cv::Rect(195, 75, 250, 330)));
        cv::Mat fourFaces(480, 640, CV_8UC3, cv::Scalar(90, 90, 90));
        const char* four[] = {"dev/biden/biden1.jpg", "dev/kit_harington/kit2.jpg", "dev/rose_leslie/rose2.jpg",
                              "dev/alex_lacamoire/alex1.jpg"};
        for (int i = 0; i < 4; ++i)
            faceTile(tileDetector, faces / four[i], {160, 220}).copyTo(fourFaces(cv::Rect(160 * i, 130, 160, 220)));

        const auto oneDetections = engine.detector().detect(oneFace);
        const auto fourDetections = engine.detector().detect(fourFaces);
        std::printf("frames: 640x480 with %zu face(s) and with %zu face(s)\n", oneDetections.size(),
                    fourDetections.size());
        if (oneDetections.size() != 1 || fourDetections.size() != 4)
            throw std::runtime_error("the benchmark frames do not hold 1 and 4 detectable faces");

        std::printf("\nstages (median):\n");
        const double detectMs = medianMs([&] { engine.detector().detect(oneFace); }, 20);
        row("HOG detection, 640x480", detectMs);
        FaceLandmarks landmarks;
        const double landmarksMs =
            medianMs([&] { landmarks = engine.aligner().landmarks(oneFace, oneDetections[0].box); }, 50);
        row("68 landmarks, per face", landmarksMs);
        cv::Mat chip;
        const double chipMs = medianMs([&] { chip = engine.aligner().alignedChip(oneFace, landmarks); }, 50);
        row("aligned 150x150 chip, per face", chipMs);
        const double singleMs = medianMs([&] { engine.descriptorNet().describe(chip); }, 20);
        const std::vector<cv::Mat> chips4(4, chip);
        const double batchMs = medianMs([&] { engine.descriptorNet().describe(chips4); }, 10) / 4.0;
        const double gflop = networkGflop();
        char extra[160];
        std::snprintf(extra, sizeof extra, "   (%.1f GFLOP/s)", gflop / (singleMs / 1000.0));
        row("descriptor, single", singleMs, extra);
        std::snprintf(extra, sizeof extra, "   (%.1f GFLOP/s)", gflop / (batchMs / 1000.0));
        row("descriptor, batch of 4, per face", batchMs, extra);
        std::printf("  faces per second (landmarks + chip + batched descriptor): %.1f\n",
                    1000.0 / (landmarksMs + chipMs + batchMs));

        std::printf("\nwhole frames (detect + landmarks + chips + descriptors):\n");
        const double frame1 = medianMs([&] { engine.analyse(oneFace); }, 15);
        std::snprintf(extra, sizeof extra, "   = %.1f fps", 1000.0 / frame1);
        row("640x480, 1 face", frame1, extra);
        const double frame4 = medianMs([&] { engine.analyse(fourFaces); }, 10);
        std::snprintf(extra, sizeof extra, "   = %.1f fps", 1000.0 / frame4);
        row("640x480, 4 faces", frame4, extra);

        std::printf("\nmatching against random descriptors (median per probe):\n");
        std::mt19937 rng(7);
        std::normal_distribution<float> n(0.0f, 0.09f);
        Matcher matcher(engine.modelFingerprint());
        std::vector<Descriptor> probes(8);
        for (auto& p : probes)
            for (auto& v : p) v = n(rng);
        for (std::size_t target : {std::size_t{1'000}, std::size_t{100'000}, std::size_t{1'000'000}}) {
            matcher.reserve(target);
            Descriptor d;
            while (matcher.size() < target) {
                for (auto& v : d) v = n(rng);
                matcher.add(static_cast<PersonId>(matcher.size() / 2), d);  // two photos per person
            }
            const int runs = target >= 1'000'000 ? 10 : 50;
            const double single = medianMs([&] { (void)matcher.match(probes[0]); }, runs);
            const double batched = medianMs([&] { (void)matcher.match(probes); }, runs) / probes.size();
            char what[64];
            std::snprintf(what, sizeof what, "%zu descriptors, one probe", target);
            row(what, single);
            std::snprintf(what, sizeof what, "%zu descriptors, 8 probes per pass", target);
            row(what, batched, "   (per probe)");
        }

        const double mhz = cpuMhz();
        const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
        // Zen 4 / recent x86: 2 FMA pipes x 8 float lanes x 2 flops = 32 flop/cycle/core.
        const double peak = cores * 32.0 * mhz / 1000.0;
        std::printf("\nnetwork: %.2f GFLOP per face (counted layer by layer)\n", gflop);
        if (peak > 0)
            std::printf("peak estimate: %u cores x 32 flop/cycle x %.0f MHz = %.0f GFLOP/s; batched descriptor at "
                        "%.0f%% of it\n",
                        cores, mhz, peak, 100.0 * gflop / (batchMs / 1000.0) / peak);
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "vigil-bench-recognition: %s\n", e.what());
        return 1;
    }
}
