#include "server/console/Console.hpp"

#include "client/gui/toolkit/AppLoop.hpp"
#include "server/console/ConsoleApp.hpp"
#include "server/console/HqBackend.hpp"
#include "server/core/HqService.hpp"

namespace vigil::console {

int runConsole(server::HqService& service, const server::ServerConfig& config) {
    HqBackend backend(service);
    gui::AppWindowSpec spec;
    spec.application = "vigil-server";
    spec.window = {"Vigil HQ - " + config.server_name, 1400, 880};
    return gui::runWindowApp(spec, [&](gui::TileStore& tiles, const gui::GuiEnvironment& environment) {
        return std::make_unique<ConsoleApp>(backend, tiles, ConsoleOptions{environment.blur_faces});
    });
}

}  // namespace vigil::console
