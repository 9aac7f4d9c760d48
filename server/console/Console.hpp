#pragma once
// The HQ console window. `vigil-server serve` calls runConsole when it has a
// display (and --headless was not given); the server keeps listening on its
// own threads while the window runs. Window-only settings come from the
// environment (see client/gui/toolkit/AppLoop.hpp: VIGIL_UI_SCRIPT,
// VIGIL_SCREENSHOT, VIGIL_BLUR_FACES, VIGIL_TILE_URL, VIGIL_TILE_CACHE,
// VIGIL_TILES).
//
// No ImGui, GLFW or OpenGL type appears here: the server's main includes it.

namespace vigil::server {
class HqService;
struct ServerConfig;
}  // namespace vigil::server

namespace vigil::console {

// Runs the window until it is closed. Returns the process exit status: 0
// when closed (or a UI script finished), 1 when a UI script failed, 2 when no
// window could be opened (no display, no OpenGL 3.3) - a sentence saying why
// goes to stderr and the caller may fall back to headless.
int runConsole(server::HqService& service, const server::ServerConfig& config);

}  // namespace vigil::console

namespace vigil::server {
using console::runConsole;
}
