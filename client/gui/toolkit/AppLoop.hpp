#pragma once
// The frame loop both windows run, and the settings they read from the
// environment (the cores own the command lines; these are about the window
// only, so they stay out of the cores' option tables):
//
//   VIGIL_UI_SCRIPT=FILE     drive the window with a UI script (UiScript.hpp);
//                            the process exits when the script ends, non-zero
//                            with a sentence on stderr when a step failed
//   VIGIL_SCREENSHOT=FILE    save one screenshot once the window has settled
//   VIGIL_BLUR_FACES=1       pixelate faces everywhere (screen sharing, docs)
//   VIGIL_TILE_URL=TEMPLATE  map tiles, e.g. https://tile.openstreetmap.org/{z}/{x}/{y}.png
//   VIGIL_TILE_CACHE=DIR     where tiles are cached (default ~/.cache/vigil/tiles)
//   VIGIL_TILES=off          never fetch tiles (plain map background)
//
// F12 saves a screenshot into the current directory at any time.

#include "client/gui/toolkit/GuiWindow.hpp"
#include "client/gui/toolkit/TileStore.hpp"
#include "client/gui/toolkit/UiScript.hpp"

#include <functional>
#include <memory>
#include <string>

namespace vigil::gui {

struct GuiEnvironment {
    std::string ui_script;
    std::string screenshot;
    bool blur_faces = false;
    TileStoreOptions tiles;

    static GuiEnvironment fromEnvironment(const std::string& application);
};

// The screens of one application as the loop drives them: one frame of
// ImGui calls, then the chance to release what the frame no longer needs.
class WindowApp : public UiScriptTarget {
public:
    virtual void frame(const Fonts& fonts) = 0;
    virtual void endFrame() = 0;
};

struct AppWindowSpec {
    std::string application;  // "vigil-client": messages and the tile User-Agent
    WindowOptions window;
    // Around the window's life: the station starts its core once the window
    // is open and stops it after the screens are gone.
    std::function<void()> opened;
    std::function<void()> closing;
    // Extra script actions a showcase adds (e.g. an HQ decision made in
    // process); asked only for actions the screens do not know.
    std::function<bool(std::string_view action)> extra_actions;
};

using MakeWindowApp = std::function<std::unique_ptr<WindowApp>(TileStore& tiles, const GuiEnvironment& environment)>;

// What both vigil-client and vigil-server do with a display: read the
// environment, open the window (a sentence on stderr and status 2 when it
// cannot), make the screens over a tile store, run the loop. Returns the
// process exit status (see runAppLoop; 2 when no window could be opened).
int runWindowApp(const AppWindowSpec& spec, const MakeWindowApp& make);

// Runs frames until the window closes or the script ends. `frame` issues the
// ImGui calls of one frame; `after` runs once it was rendered. Returns the
// process exit status: 0, or 1 when the UI script failed.
int runAppLoop(GuiWindow& window, const GuiEnvironment& environment, UiScriptTarget& target,
               const std::function<void()>& frame, const std::function<void()>& after);

}  // namespace vigil::gui
