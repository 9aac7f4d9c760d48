#include "client/gui/StationApp.hpp"

#include "client/core/StationCore.hpp"
#include "client/gui/CoreBackend.hpp"
#include "client/gui/StationUi.hpp"
#include "client/gui/toolkit/AppLoop.hpp"

namespace vigil::client {

int runStationApp(StationCore& core, const StationConfig& config, StationAppExtras extras) {
    station::CoreBackend backend(core);
    gui::AppWindowSpec spec;
    spec.application = "vigil-client";
    spec.window = {"Vigil station - " + (config.username.empty() ? config.serverHost : config.username), 1400, 880};
    spec.opened = [&] { core.start(); };
    spec.closing = [&] { core.stop(); };
    spec.extra_actions = std::move(extras.script_actions);
    return gui::runWindowApp(spec, [&](gui::TileStore& tiles, const gui::GuiEnvironment& environment) {
        return std::make_unique<station::StationUi>(backend, tiles, station::StationUiOptions{environment.blur_faces});
    });
}

}  // namespace vigil::client
