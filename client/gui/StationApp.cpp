#include "client/gui/StationApp.hpp"

#include "client/core/StationCore.hpp"
#include "client/gui/CoreBackend.hpp"
#include "client/gui/StationUi.hpp"
#include "client/gui/toolkit/AppLoop.hpp"

#include <iostream>
#include <optional>

namespace vigil::client {

int runStationApp(StationCore& core, const StationConfig& config) {
    const auto environment = gui::GuiEnvironment::fromEnvironment("vigil-client");
    std::optional<gui::GuiWindow> window;
    try {
        window.emplace(gui::WindowOptions{"Vigil station - " + (config.username.empty() ? config.serverHost
                                                                                          : config.username),
                                          1400, 880});
    } catch (const std::exception& error) {
        std::cerr << "vigil-client: " << error.what() << "\n";
        return 2;
    }
    core.start();
    int status = 0;
    {
        gui::TileStore tiles(environment.tiles);
        station::CoreBackend backend(core);
        station::StationUi ui(backend, tiles, station::StationUiOptions{environment.blur_faces});
        status = gui::runAppLoop(*window, environment, ui, [&] { ui.frame(window->fonts()); },
                                 [&] { ui.endFrame(); });
    }
    core.stop();
    return status;
}

}  // namespace vigil::client
