// vigil-client: the field station.
//
//   vigil-client [options]                 the station window (when built with the GUI and a display)
//   vigil-client --headless --source SRC   the same station without a window: prints alerts
//   vigil-client register                  ask HQ for a station account (CAPTCHA)
//   vigil-client evaluate DIR              accuracy of the recognition chain on a labelled folder

#include "HeadlessLogin.hpp"

#include "client/core/StationConfig.hpp"
#include "client/core/StationCore.hpp"

#include "vigil/recognition/Evaluation.hpp"

#if VIGIL_WITH_STATION_GUI
#include "client/gui/StationApp.hpp"
#endif

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <thread>

namespace {

std::atomic<bool> g_interrupted{false};

void onSignal(int) { g_interrupted = true; }

std::string localTime(std::chrono::system_clock::time_point t) {
    const std::time_t tt = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    localtime_r(&tt, &tm);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%d %H:%M:%S", &tm);
    return buffer;
}

int runHeadless(const vigil::client::StationConfig& config) {
    using namespace vigil::client;
    using namespace std::chrono_literals;
    StationCore core(config);
    std::mutex printMutex;
    core.onAlert([&](const StationAlert& alert) {
        std::lock_guard lock(printMutex);
        std::cout << "ALERT  " << localTime(alert.observedAt) << "  " << alert.name << "  danger "
                  << vigil::protocol::describe(alert.danger) << "  distance " << std::fixed
                  << std::setprecision(3) << alert.distance << "  latency " << std::setprecision(0)
                  << alert.latencyMs << " ms" << (alert.reportId.empty() ? "  (local, not reported)" : "")
                  << std::endl;
        if (!config.snapshotDir.empty()) {
            std::filesystem::create_directories(config.snapshotDir);
            std::ofstream(config.snapshotDir / ("alert-" + std::to_string(alert.alertId) + ".jpg"),
                          std::ios::binary)
                .write(reinterpret_cast<const char*>(alert.snapshotJpeg.data()),
                       static_cast<std::streamsize>(alert.snapshotJpeg.size()));
        }
    });
    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
    core.startLink();
    if (!config.caFile.empty() && headlessLogin(core, config, std::cin, std::cout) == 0) {
        // A station matches only what it knows: give HQ a moment to send the list.
        if (!core.waitWatchlist(15s)) std::cout << "no watchlist from HQ yet; using the cached one" << std::endl;
    }
    core.startPipeline();
    std::cout << "station started: source " << config.source << ", model "
              << core.snapshot().modelFingerprint.substr(0, 12) << "..., watchlist "
              << core.snapshot().watchlistPersons << " persons" << std::endl;

    const auto started = std::chrono::steady_clock::now();
    const auto limit = std::chrono::seconds(config.runSeconds);
    while (!g_interrupted) {
        if (core.waitPipelineFinished(200ms)) break;
        if (config.runSeconds > 0 && std::chrono::steady_clock::now() - started >= limit) break;
    }
    if (!config.caFile.empty() && !core.waitSightingsDelivered(10s))
        std::cout << "some sightings are not yet acknowledged by HQ; they stay queued on disk and are "
                     "sent at the next start"
                  << std::endl;
    core.waitSpeechIdle(30s);
    const auto s = core.snapshot();
    core.stop();
    std::cout << "station stopped: " << s.pipeline.framesCaptured << " frames, " << s.pipeline.framesProcessed
              << " processed, " << s.pipeline.framesDropped << " dropped, " << s.pipeline.facesDescribed
              << " faces described (" << std::setprecision(1) << std::fixed << s.pipeline.describeMsAverage
              << " ms each), " << s.alerts.size() << " alerts, " << s.sightingsDelivered
              << " sightings delivered, " << s.sightingsPending << " pending" << std::endl;
    for (const auto& wav : core.spokenWavFiles()) std::cout << "spoken alert: " << wav.string() << std::endl;
    if (!s.locationWarning.empty()) std::cout << "location warning: " << s.locationWarning << std::endl;
    if (!s.watchlistWarning.empty()) std::cout << "watchlist warning: " << s.watchlistWarning << std::endl;
    if (!s.pipeline.error.empty()) {
        std::cout << "pipeline error: " << s.pipeline.error << std::endl;
        return 1;
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc > 1 && std::string_view(argv[1]) == "evaluate") {
        const std::vector<std::string> args(argv + 2, argv + argc);
        return vigil::recognition::runEvaluateCommand(args, std::cout);
    }
    auto parsed = vigil::client::parseStationConfig(argc, argv, std::cout);
    if (parsed.helpShown) return 0;
    if (!parsed.error.empty()) {
        std::cerr << "vigil-client: " << parsed.error << " (see --help)\n";
        return 2;
    }
    const auto& config = parsed.config;
    try {
        if (config.command == "register") return vigil::client::runRegister(config, std::cin, std::cout);
        if (!config.command.empty()) {
            std::cerr << "vigil-client: unknown command " << config.command << " (see --help)\n";
            return 2;
        }
#if VIGIL_WITH_STATION_GUI
        const char* display = std::getenv("DISPLAY");
        if (!config.headless && display && *display) {
            vigil::client::StationCore core(config);
            return runStationApp(core, config);
        }
#endif
        if (!config.headless)
            std::cout << "no window available (built without the GUI or no DISPLAY): running headless\n";
        return runHeadless(config);
    } catch (const std::exception& e) {
        std::cerr << "vigil-client: " << e.what() << "\n";
        return 1;
    }
}
