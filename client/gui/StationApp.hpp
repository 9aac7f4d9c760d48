#pragma once
// The station window. vigil-client calls runStationApp when it has a display
// (and --headless was not given). It starts the core, runs the window until
// it is closed and stops the core. Window-only settings come from the
// environment (client/gui/toolkit/AppLoop.hpp: VIGIL_UI_SCRIPT,
// VIGIL_SCREENSHOT, VIGIL_BLUR_FACES, VIGIL_TILE_URL, VIGIL_TILE_CACHE,
// VIGIL_TILES).
//
// No ImGui, GLFW or OpenGL type appears here: the client's main includes it.

#include <functional>
#include <string_view>

namespace vigil::client {

class StationCore;
struct StationConfig;

// What a showcase (tests/gui) adds to the window: script actions the
// screens do not have, e.g. an HQ decision made in the same process.
struct StationAppExtras {
    std::function<bool(std::string_view action)> script_actions;
};

// Returns the process exit status: 0 when the window was closed (or a UI
// script finished), 1 when a UI script failed, 2 when no window could be
// opened (a sentence saying why goes to stderr).
int runStationApp(StationCore& core, const StationConfig& config, StationAppExtras extras = {});

}  // namespace vigil::client
