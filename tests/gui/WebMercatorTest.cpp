#include "client/gui/toolkit/WebMercator.hpp"

#include <doctest/doctest.h>

#include <cmath>

using namespace vigil::gui;

TEST_CASE("latitude 0, longitude 0 is the centre of the world at every zoom") {
    for (int zoom : {0, 3, 12}) {
        const WorldPixel p = project({0, 0}, zoom);
        CHECK(p.x == doctest::Approx(worldSize(zoom) / 2));
        CHECK(p.y == doctest::Approx(worldSize(zoom) / 2));
    }
}

TEST_CASE("Berlin falls in the OpenStreetMap tile 10/550/335") {
    const WorldPixel p = project({52.52, 13.405}, 10);
    CHECK(static_cast<int>(p.x / kTileSize) == 550);
    CHECK(static_cast<int>(p.y / kTileSize) == 335);
}

TEST_CASE("projecting and unprojecting returns the same place") {
    for (LatLon place : {LatLon{48.8566, 2.3522}, LatLon{-33.8688, 151.2093},
                         LatLon{64.1466, -21.9426}, LatLon{-54.8, -68.3}}) {
        const LatLon back = unproject(project(place, 14), 14);
        CHECK(back.latitude == doctest::Approx(place.latitude).epsilon(1e-9));
        CHECK(back.longitude == doctest::Approx(place.longitude).epsilon(1e-9));
    }
}

TEST_CASE("latitudes beyond the Mercator square are clamped to its edge") {
    CHECK(project({90, 0}, 2).y == doctest::Approx(0).epsilon(1e-9));
    CHECK(project({-90, 0}, 2).y == doctest::Approx(worldSize(2)));
    CHECK(std::isfinite(project({89.9999999, 0}, 5).y));
}

TEST_CASE("tile columns wrap around the date line") {
    CHECK(wrapTileX(-1, 2) == 3);
    CHECK(wrapTileX(4, 2) == 0);
    CHECK(wrapTileX(5, 2) == 1);
    CHECK(wrapTileX(2, 2) == 2);
}

TEST_CASE("the fitted zoom is the deepest at which every point fits in the view") {
    const LatLon points[] = {{52.52, 13.405}, {48.137, 11.575}};  // Berlin, Munich
    const int zoom = fitZoom(points, 2, 800, 600, 40, 18);
    auto fits = [&](int z) {
        const WorldPixel a = project(points[0], z), b = project(points[1], z);
        return std::abs(a.x - b.x) <= 800 - 80 && std::abs(a.y - b.y) <= 600 - 80;
    };
    CHECK(zoom > 0);
    CHECK(fits(zoom));
    CHECK_FALSE(fits(zoom + 1));
    CHECK(fitZoom(points, 1, 800, 600, 40, 15) == 15);
}
