#include "server/console/Console.hpp"

#include "client/gui/toolkit/AppLoop.hpp"
#include "server/console/ConsoleApp.hpp"
#include "server/console/HqBackend.hpp"
#include "server/core/HqService.hpp"

#include <iostream>
#include <optional>

namespace vigil::console {

int runConsole(server::HqService& service, const server::ServerConfig& config) {
    const auto environment = gui::GuiEnvironment::fromEnvironment("vigil-server");
    std::optional<gui::GuiWindow> window;
    try {
        window.emplace(gui::WindowOptions{"Vigil HQ - " + config.server_name, 1400, 880});
    } catch (const std::exception& error) {
        std::cerr << "vigil-server: " << error.what() << "\n";
        return 2;
    }
    gui::TileStore tiles(environment.tiles);
    HqBackend backend(service);
    ConsoleApp app(backend, tiles, ConsoleOptions{environment.blur_faces});
    return gui::runAppLoop(*window, environment, app, [&] { app.frame(window->fonts()); },
                           [&] { app.endFrame(); });
}

}  // namespace vigil::console
