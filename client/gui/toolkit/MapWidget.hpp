#pragma once
// A slippy map drawn with ImGui: OpenStreetMap raster tiles from a TileStore
// as textures, markers placed by latitude/longitude (Web Mercator), drag to
// pan, wheel (or +/- while hovered) to zoom. Where tiles are missing - no
// network, a tile server down - it draws a plain background with a
// latitude/longitude grid and still places every marker.

#include "client/gui/toolkit/TextureCache.hpp"
#include "client/gui/toolkit/TileStore.hpp"
#include "client/gui/toolkit/WebMercator.hpp"

#include <imgui.h>

#include <span>
#include <string>

namespace vigil::gui {

struct MapMarker {
    LatLon position;
    std::string label;
    ImU32 color = IM_COL32(90, 160, 250, 255);
    bool square = false;  // stations are squares, sightings circles
};

// View state the screen keeps between frames.
struct MapView {
    LatLon center{20.0, 0.0};
    int zoom = 2;
    bool fitted = false;  // false: fit the markers on the next draw
};

struct MapResult {
    int clicked_marker = -1;
    int tiles_drawn = 0;
    int tiles_missing = 0;
};

MapResult drawMap(const char* id, MapView& view, TileStore& tiles, TextureCache& textures,
                  std::span<const MapMarker> markers, ImVec2 size);

}  // namespace vigil::gui
