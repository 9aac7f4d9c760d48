// vigil-screenshot-check [--max-kib N] DIR
//     every PNG in DIR is not blank, no two are (nearly) the same screen
//     (NAME--STATE.png, a state of NAME.png, need only differ by a line), and
//     with --max-kib none is larger than N KiB. One line per file and per
//     failed pair; exit status 1 on any failure.
// vigil-screenshot-check --expect-colour FILE R,G,B MIN_PERCENT
//     FILE shows at least MIN_PERCENT of its pixels in the colour R,G,B (a
//     state drawn in a colour of its own, e.g. the station's CONFIRMED banner).
// vigil-screenshot-check --refuse-colour FILE R,G,B MAX_PERCENT
//     FILE shows at most MAX_PERCENT in that colour (a state that must be
//     gone, e.g. UNCONFIRMED once HQ confirmed).
// vigil-screenshot-check --shrink IN OUT --max-kib N
//     writes IN as a PNG of at most N KiB (scaled to at most 1280 px wide,
//     then fewer colour levels until it fits): for images committed to the
//     repository.
// Used by tools/screenshots and the gui_screenshots test.

#include "gui/ScreenshotMetrics.hpp"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

namespace {

constexpr double kMinStdDev = 12.0;          // a blank or single-colour window is ~0
constexpr double kMinChangedFraction = 0.02; // 2% of the pixels: a different screen, not a blinking cursor
constexpr double kMinStateChangedFraction = 0.001; // a line of text: another state of the same screen
constexpr int kMaxCommittedWidth = 1280;

int shrink(const std::string& in, const std::string& out, std::uintmax_t max_bytes) {
    cv::Mat image = cv::imread(in, cv::IMREAD_COLOR);
    if (image.empty()) {
        std::fprintf(stderr, "cannot read %s\n", in.c_str());
        return 1;
    }
    if (image.cols > kMaxCommittedWidth)
        cv::resize(image, image, {}, double(kMaxCommittedWidth) / image.cols, double(kMaxCommittedWidth) / image.cols,
                   cv::INTER_AREA);
    // Fewer grey levels per channel compress far better; UI text stays crisp
    // at 16 levels, photos band a little.
    for (int step : {1, 4, 8, 16, 32}) {
        cv::Mat posterised = image.clone();
        if (step > 1) posterised.forEach<cv::Vec3b>([step](cv::Vec3b& pixel, const int*) {
            for (int c = 0; c < 3; ++c) pixel[c] = static_cast<uchar>(pixel[c] / step * step + step / 2);
        });
        std::vector<uchar> png;
        cv::imencode(".png", posterised, png, {cv::IMWRITE_PNG_COMPRESSION, 9});
        if (png.size() <= max_bytes || step == 32) {
            if (!cv::imwrite(out, posterised, {cv::IMWRITE_PNG_COMPRESSION, 9})) {
                std::fprintf(stderr, "cannot write %s\n", out.c_str());
                return 1;
            }
            std::printf("%s: %dx%d, %zu KiB%s\n", out.c_str(), posterised.cols, posterised.rows, png.size() / 1024,
                        png.size() <= max_bytes ? "" : " - STILL TOO LARGE");
            return png.size() <= max_bytes ? 0 : 1;
        }
    }
    return 1;
}

int checkColour(const std::string& file, const std::string& rgb, double limit_percent, bool at_least) {
    const cv::Mat image = cv::imread(file, cv::IMREAD_COLOR);
    int r = 0, g = 0, b = 0;
    if (image.empty() || std::sscanf(rgb.c_str(), "%d,%d,%d", &r, &g, &b) != 3) {
        std::fprintf(stderr, "cannot read %s or the colour %s\n", file.c_str(), rgb.c_str());
        return 1;
    }
    const double percent = vigil::test::colourFraction(image, cv::Scalar(b, g, r)) * 100;
    const bool ok = at_least ? percent >= limit_percent : percent <= limit_percent;
    std::printf("%s %s: %.2f%% of pixels in %s (%s %.2f%% expected)\n", ok ? "ok  " : "FAIL",
                std::filesystem::path(file).filename().c_str(), percent, rgb.c_str(), at_least ? "at least" : "at most",
                limit_percent);
    return ok ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    std::uintmax_t max_bytes = 0;
    for (std::size_t i = 0; i + 1 < args.size(); ++i)
        if (args[i] == "--max-kib") {
            max_bytes = std::stoull(args[i + 1]) * 1024;
            args.erase(args.begin() + static_cast<std::ptrdiff_t>(i), args.begin() + static_cast<std::ptrdiff_t>(i) + 2);
            break;
        }
    if (args.size() == 3 && args[0] == "--shrink" && max_bytes > 0) return shrink(args[1], args[2], max_bytes);
    if (args.size() == 4 && args[0] == "--expect-colour") return checkColour(args[1], args[2], std::stod(args[3]), true);
    if (args.size() == 4 && args[0] == "--refuse-colour") return checkColour(args[1], args[2], std::stod(args[3]), false);
    if (args.size() != 1) {
        std::fprintf(stderr, "usage: %s [--max-kib N] DIR | --shrink IN OUT --max-kib N\n", argv[0]);
        return 2;
    }
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(args[0]))
        if (entry.path().extension() == ".png") files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    if (files.size() < 2) {
        std::fprintf(stderr, "FAIL: expected screenshots in %s, found %zu\n", args[0].c_str(), files.size());
        return 1;
    }
    bool ok = true;
    std::vector<cv::Mat> images;
    for (const auto& file : files) {
        cv::Mat image = cv::imread(file.string(), cv::IMREAD_COLOR);
        if (image.empty()) {
            std::printf("FAIL %s: not a readable PNG\n", file.filename().c_str());
            ok = false;
            images.emplace_back();
            continue;
        }
        const double spread = vigil::test::greyStdDev(image);
        const auto bytes = std::filesystem::file_size(file);
        const bool blank = spread < kMinStdDev;
        const bool large = max_bytes > 0 && bytes > max_bytes;
        std::printf("%s %s: %dx%d, grey std-dev %.1f, %ju KiB%s%s\n", blank || large ? "FAIL" : "ok  ",
                    file.filename().c_str(), image.cols, image.rows, spread, bytes / 1024,
                    blank ? " - blank" : "", large ? " - too large" : "");
        ok = ok && !blank && !large;
        images.push_back(std::move(image));
    }
    for (std::size_t i = 0; i < images.size(); ++i)
        for (std::size_t j = i + 1; j < images.size(); ++j) {
            if (images[i].empty() || images[j].empty()) continue;
            const double changed = vigil::test::changedFraction(images[i], images[j]);
            // "NAME--STATE.png" is a state of the screen NAME.png (a refusal
            // shown, a decision made): it must differ, if only in a line.
            const bool states = vigil::test::sameScreen(files[i].stem().string(), files[j].stem().string());
            if (changed < (states ? kMinStateChangedFraction : kMinChangedFraction)) {
                std::printf("FAIL %s and %s show the same screen (%.2f%% of pixels differ)\n",
                            files[i].filename().c_str(), files[j].filename().c_str(), changed * 100);
                ok = false;
            }
        }
    std::printf("%s: %zu screenshots\n", ok ? "PASS" : "FAIL", files.size());
    return ok ? 0 : 1;
}
