// Feeds the station pipeline a synthetic 640x480 camera at 30 fps showing
// one to three faces from photos, one of them wanted, who leaves and comes
// back every 10 seconds. Prints processed fps, dropped frames, the latency
// from the frame where the wanted person enters to the alert (percentiles),
// describe time, and memory (peak, and resident set per minute to show it
// stays flat).
//
//   vigil-bench-pipeline [--seconds N | --minutes N] [--faces DIR]

#include "client/core/Pipeline.hpp"

#include "vigil/recognition/FaceEngine.hpp"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <mutex>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using namespace vigil;

namespace {

long procStatusKb(const char* field) {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind(field, 0) == 0) return std::stol(line.substr(std::string(field).size()));
    return 0;
}

cv::Mat face(const fs::path& photo, int height) {
    cv::Mat image = cv::imread(photo.string());
    if (image.empty()) throw std::runtime_error("cannot read " + photo.string());
    cv::Mat scaled;
    const double scale = static_cast<double>(height) / image.rows;
    cv::resize(image, scaled, cv::Size(), scale, scale, cv::INTER_AREA);
    return scaled;
}

void place(cv::Mat& canvas, const cv::Mat& picture, int x) {
    const int w = std::min(picture.cols, canvas.cols - x);
    picture(cv::Rect(0, 0, w, picture.rows)).copyTo(canvas(cv::Rect(x, (canvas.rows - picture.rows) / 2, w, picture.rows)));
}

double percentile(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v[static_cast<std::size_t>(std::min<double>(v.size() - 1, p / 100.0 * static_cast<double>(v.size())))];
}

}  // namespace

int main(int argc, char** argv) {
    double seconds = 30;
    fs::path faces = fs::path(VIGIL_SHARED_DIR) / "faces" / "dev";
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string a = argv[i];
        if (a == "--seconds") seconds = std::stod(argv[i + 1]);
        else if (a == "--minutes") seconds = 60 * std::stod(argv[i + 1]);
        else if (a == "--faces") faces = argv[i + 1];
        else {
            std::cerr << "usage: vigil-bench-pipeline [--seconds N | --minutes N] [--faces DIR]\n";
            return 2;
        }
    }
    if (!fs::exists(faces / "obama")) {
        std::cerr << "vigil-bench-pipeline: photos not found under " << faces << " (give --faces DIR)\n";
        return 2;
    }
    // The wanted person (enrolled from another photo than the one shown) and two passers-by.
    const cv::Mat wanted = face(faces / "obama" / "obama2.jpg", 220);
    const cv::Mat other1 = face(faces / "kit_harington" / "kit1.jpg", 200);
    const cv::Mat other2 = face(faces / "rose_leslie" / "rose1.jpg", 200);

    auto persons = std::make_shared<std::map<std::uint64_t, protocol::WantedPerson>>();
    recognition::FaceEngine engine;
    {
        const auto enrolled = engine.enrol(cv::imread((faces / "obama" / "obama1.jpg").string()));
        if (!enrolled.descriptor) throw std::runtime_error("cannot enrol the wanted person");
        protocol::WantedPerson p;
        p.id = 1;
        p.details.name = "Wanted Person";
        p.faces.push_back({1, *enrolled.descriptor, 1});
        (*persons)[1] = p;
    }

    // Every 10 s: a passer-by alone (1 face), the wanted person enters at 2 s
    // (2 faces), a second passer-by at 4 s (3 faces), the wanted person leaves at 7 s.
    constexpr double kFps = 30;
    const auto total = static_cast<std::int64_t>(seconds * kFps);
    std::mutex mutex;
    std::vector<Clock::time_point> entries;
    std::int64_t index = 0;
    client::PipelineOptions options;
    options.syntheticFps = kFps;
    options.policy.cooldownMs = 4000;  // each return of the wanted person is a fresh alert
    options.frameSource = [&](cv::Mat& frame) {
        if (index >= total) return false;
        const double t = std::fmod(static_cast<double>(index) / kFps, 10.0);
        frame = cv::Mat(480, 640, CV_8UC3, cv::Scalar(70, 80, 90));
        place(frame, other1, 10);
        if (t >= 2 && t < 7) place(frame, wanted, 220);
        if (t >= 4) place(frame, other2, 450);
        if (static_cast<std::int64_t>(std::fmod(static_cast<double>(index), 10 * kFps)) == static_cast<std::int64_t>(2 * kFps)) {
            std::lock_guard lock(mutex);
            entries.push_back(Clock::now());
        }
        ++index;
        return true;
    };
    std::vector<double> latencies;
    client::Pipeline pipeline(options, [&](client::PipelineAlert alert) {
        std::lock_guard lock(mutex);
        if (!entries.empty())
            latencies.push_back(std::chrono::duration<double, std::milli>(alert.raisedAt - entries.back()).count());
    });
    pipeline.setWatchlist(persons, pipeline.modelFingerprint());

    std::cout << "vigil-bench-pipeline: " << seconds << " s of a 640x480 30 fps source, 1-3 faces\n";
    const long rssBefore = procStatusKb("VmRSS:");
    const auto start = Clock::now();
    pipeline.start();
    std::vector<long> rssPerMinute;
    while (!pipeline.waitFinished(std::chrono::seconds(1))) {
        const auto elapsed = Clock::now() - start;
        if (elapsed >= std::chrono::minutes(rssPerMinute.size() + 1)) rssPerMinute.push_back(procStatusKb("VmRSS:"));
    }
    const double wall = std::chrono::duration<double>(Clock::now() - start).count();
    pipeline.stop();
    const auto s = pipeline.stats();

    std::lock_guard lock(mutex);
    std::cout << std::fixed << std::setprecision(1)
              << "frames captured      " << s.framesCaptured << " (" << s.framesCaptured / wall << " fps)\n"
              << "frames processed     " << s.framesProcessed << " (" << s.framesProcessed / wall << " fps)\n"
              << "frames dropped       " << s.framesDropped << "\n"
              << "faces described      " << s.facesDescribed << " (" << s.describeMsAverage << " ms each), "
              << s.describeDropped << " describe jobs shed\n"
              << "wanted entries       " << entries.size() << ", alerts " << latencies.size() << "\n"
              << "entry -> alert ms    p50 " << percentile(latencies, 50) << "  p90 " << percentile(latencies, 90)
              << "  p99 " << percentile(latencies, 99) << "  max " << percentile(latencies, 100) << "\n"
              << "memory               rss before " << rssBefore / 1024 << " MiB, peak " << procStatusKb("VmHWM:") / 1024
              << " MiB\n";
    if (!rssPerMinute.empty()) {
        std::cout << "rss per minute MiB  ";
        for (long kb : rssPerMinute) std::cout << " " << kb / 1024;
        std::cout << "\n";
    }
    if (!s.error.empty()) {
        std::cerr << "pipeline error: " << s.error << "\n";
        return 1;
    }
    return 0;
}
