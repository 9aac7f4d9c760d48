#include "client/gui/toolkit/AppLoop.hpp"

#include <GLFW/glfw3.h>
#include <imgui.h>

#include <cstdlib>
#include <ctime>
#include <iostream>
#include <memory>
#include <optional>

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

namespace {

// The screens, plus the showcase's extra actions behind them.
class ExtendedTarget final : public UiScriptTarget {
public:
    ExtendedTarget(UiScriptTarget& screens, const std::function<bool(std::string_view)>& extra)
        : screens_(screens), extra_(extra) {}
    bool showScreen(std::string_view screen) override { return screens_.showScreen(screen); }
    bool setField(std::string_view field, std::string_view value) override { return screens_.setField(field, value); }
    bool press(std::string_view action) override {
        return screens_.press(action) || (extra_ && extra_(action));
    }
    std::optional<bool> condition(std::string_view name) override { return screens_.condition(name); }

private:
    UiScriptTarget& screens_;
    const std::function<bool(std::string_view)>& extra_;
};

}  // namespace

int runWindowApp(const AppWindowSpec& spec, const MakeWindowApp& make) {
    const auto environment = GuiEnvironment::fromEnvironment(spec.application);
    std::optional<GuiWindow> window;
    try {
        window.emplace(spec.window);
    } catch (const std::exception& error) {
        std::cerr << spec.application << ": " << error.what() << "\n";
        return 2;
    }
    if (spec.opened) spec.opened();
    int status = 0;
    {
        TileStore tiles(environment.tiles);
        const std::unique_ptr<WindowApp> app = make(tiles, environment);
        ExtendedTarget target(*app, spec.extra_actions);
        status = runAppLoop(*window, environment, target, [&] { app->frame(window->fonts()); },
                            [&] { app->endFrame(); });
    }
    if (spec.closing) spec.closing();
    return status;
}

}  // namespace vigil::gui
