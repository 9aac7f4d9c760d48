#pragma once
// Web Mercator (EPSG:3857) as the OpenStreetMap "slippy map" tiles use it:
// at zoom z the world is 2^z x 2^z tiles of 256 px, x grows east from
// longitude -180 and y grows south from latitude +85.0511.
// https://wiki.openstreetmap.org/wiki/Slippy_map_tilenames

namespace vigil::gui {

inline constexpr int kTileSize = 256;
inline constexpr int kMaxZoom = 19;  // the OSM standard layer's deepest level
// Where Mercator's y reaches the square's edge: atan(sinh(pi)).
inline constexpr double kMaxLatitude = 85.0511287798066;

// A position in pixels of the whole world at one zoom level.
struct WorldPixel {
    double x = 0;
    double y = 0;
};

struct LatLon {
    double latitude = 0;
    double longitude = 0;
};

double worldSize(int zoom);  // pixels across the world at `zoom`
WorldPixel project(LatLon position, int zoom);   // latitude clamped to +-kMaxLatitude
LatLon unproject(WorldPixel pixel, int zoom);
// Wraps a tile column into [0, 2^zoom): the map repeats east-west.
int wrapTileX(int x, int zoom);

// The deepest zoom (<= max_zoom) at which all points fit in a view of the
// given size with `margin` pixels around them. One point gives max_zoom.
int fitZoom(const LatLon* points, int count, double view_width, double view_height,
            double margin, int max_zoom);

}  // namespace vigil::gui
