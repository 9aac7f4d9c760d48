#include "client/gui/toolkit/WebMercator.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace vigil::gui {

double worldSize(int zoom) { return kTileSize * std::ldexp(1.0, zoom); }

WorldPixel project(LatLon position, int zoom) {
    const double size = worldSize(zoom);
    const double latitude = std::clamp(position.latitude, -kMaxLatitude, kMaxLatitude);
    const double phi = latitude * std::numbers::pi / 180.0;
    const double x = (position.longitude + 180.0) / 360.0 * size;
    const double y = (1.0 - std::asinh(std::tan(phi)) / std::numbers::pi) / 2.0 * size;
    return {x, y};
}

LatLon unproject(WorldPixel pixel, int zoom) {
    const double size = worldSize(zoom);
    const double longitude = pixel.x / size * 360.0 - 180.0;
    const double n = std::numbers::pi * (1.0 - 2.0 * pixel.y / size);
    const double latitude = std::atan(std::sinh(n)) * 180.0 / std::numbers::pi;
    return {latitude, longitude};
}

int wrapTileX(int x, int zoom) {
    const int count = 1 << zoom;
    return ((x % count) + count) % count;
}

int fitZoom(const LatLon* points, int count, double view_width, double view_height,
            double margin, int max_zoom) {
    if (count <= 1) return max_zoom;
    for (int zoom = max_zoom; zoom > 0; --zoom) {
        double min_x = 1e300, max_x = -1e300, min_y = 1e300, max_y = -1e300;
        for (int i = 0; i < count; ++i) {
            const WorldPixel p = project(points[i], zoom);
            min_x = std::min(min_x, p.x);
            max_x = std::max(max_x, p.x);
            min_y = std::min(min_y, p.y);
            max_y = std::max(max_y, p.y);
        }
        if (max_x - min_x <= view_width - 2 * margin && max_y - min_y <= view_height - 2 * margin)
            return zoom;
    }
    return 0;
}

}  // namespace vigil::gui
