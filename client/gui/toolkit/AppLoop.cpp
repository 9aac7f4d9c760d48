#include "client/gui/toolkit/AppLoop.hpp"

#include <GLFW/glfw3.h>
#include <imgui.h>

#include <cstdlib>
#include <ctime>
#include <iostream>
#include <memory>

namespace vigil::gui {
namespace {

std::string env(const char* name) {
    const char* value = std::getenv(name);
    return value ? value : "";
}

// Frames before VIGIL_SCREENSHOT is taken: fonts, layout and first backend
// answers have arrived by then.
constexpr std::uint64_t kScreenshotAfterFrames = 60;

}  // namespace

GuiEnvironment GuiEnvironment::fromEnvironment(const std::string& application) {
    GuiEnvironment environment;
    environment.ui_script = env("VIGIL_UI_SCRIPT");
    environment.screenshot = env("VIGIL_SCREENSHOT");
    environment.blur_faces = env("VIGIL_BLUR_FACES") == "1";
    if (const std::string url = env("VIGIL_TILE_URL"); !url.empty()) environment.tiles.url_template = url;
    environment.tiles.fetch = env("VIGIL_TILES") != "off";
    if (const std::string dir = env("VIGIL_TILE_CACHE"); !dir.empty()) {
        environment.tiles.cache_dir = dir;
    } else if (const std::string cache = env("XDG_CACHE_HOME"); !cache.empty()) {
        environment.tiles.cache_dir = std::filesystem::path(cache) / "vigil" / "tiles";
    } else if (const std::string home = env("HOME"); !home.empty()) {
        environment.tiles.cache_dir = std::filesystem::path(home) / ".cache" / "vigil" / "tiles";
    }
    environment.tiles.user_agent = application + "/0.1 (Vigil watchlist; libcurl)";
    return environment;
}

int runAppLoop(GuiWindow& window, const GuiEnvironment& environment, UiScriptTarget& target,
               const std::function<void()>& frame, const std::function<void()>& after) {
    std::unique_ptr<UiScriptRunner> runner;
    if (!environment.ui_script.empty()) {
        try {
            runner = std::make_unique<UiScriptRunner>(
                loadUiScript(environment.ui_script), target,
                ScreenshotPort{[&](std::string path) { window.requestScreenshot(std::move(path)); },
                               [&] { return window.screenshotPending(); },
                               [&] { return window.lastScreenshotError(); }});
        } catch (const std::exception& error) {
            std::cerr << error.what() << "\n";
            return 1;
        }
    }
    bool one_shot_taken = environment.screenshot.empty();
    while (window.beginFrame()) {
        frame();
        if (ImGui::IsKeyPressed(GLFW_KEY_F12, false)) {
            char name[64];
            const std::time_t now = std::time(nullptr);
            std::strftime(name, sizeof name, "vigil-%Y%m%d-%H%M%S.png", std::localtime(&now));
            window.requestScreenshot(name);
        }
        if (!one_shot_taken && window.frameNumber() >= kScreenshotAfterFrames) {
            window.requestScreenshot(environment.screenshot);
            one_shot_taken = true;
        }
        window.endFrame();
        after();
        if (const auto& error = window.lastScreenshotError(); error && !error->empty() && !runner) {
            std::cerr << *error << "\n";
            window.requestScreenshot({});
        }
        if (runner) {
            const auto state = runner->tick();
            if (state == UiScriptRunner::State::Failed) {
                std::cerr << runner->error() << "\n";
                return 1;
            }
            if (state == UiScriptRunner::State::Finished) return 0;
        }
    }
    return 0;
}

}  // namespace vigil::gui
