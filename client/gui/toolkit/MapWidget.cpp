#include "client/gui/toolkit/MapWidget.hpp"

// ImGui 1.86 indexes keys by the platform backend's key codes.
#include <GLFW/glfw3.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

namespace vigil::gui {
namespace {

constexpr int kMaxFitZoom = 14;  // a neighbourhood: closer tells an operator nothing more

// Degrees between grid lines so that lines are ~100-250 px apart.
double gridStep(int zoom) {
    static constexpr double kSteps[] = {30, 20, 10, 5, 2, 1, 0.5, 0.2, 0.1, 0.05, 0.02, 0.01,
                                        0.005, 0.002, 0.001};
    const double degrees_per_pixel = 360.0 / worldSize(zoom);
    for (double step : kSteps)
        if (step / degrees_per_pixel < 250) return step;
    return 0.001;
}

void drawGrid(ImDrawList* draw, ImVec2 origin, ImVec2 size, WorldPixel top_left, int zoom) {
    const double step = gridStep(zoom);
    const LatLon nw = unproject(top_left, zoom);
    const LatLon se = unproject({top_left.x + size.x, top_left.y + size.y}, zoom);
    const ImU32 line = IM_COL32(70, 84, 104, 255);
    const ImU32 label = IM_COL32(140, 155, 175, 255);
    // Enough decimals to tell neighbouring lines apart.
    const int decimals = std::max(0, static_cast<int>(std::ceil(-std::log10(step))));
    char text[32];
    for (double lon = std::floor(nw.longitude / step) * step; lon <= se.longitude; lon += step) {
        const float x = origin.x + static_cast<float>(project({0, lon}, zoom).x - top_left.x);
        draw->AddLine({x, origin.y}, {x, origin.y + size.y}, line);
        std::snprintf(text, sizeof text, "%.*f°", decimals, lon);
        draw->AddText({x + 3, origin.y + size.y - ImGui::GetFontSize() - 4}, label, text);
    }
    for (double lat = std::floor(se.latitude / step) * step; lat <= nw.latitude; lat += step) {
        const float y = origin.y + static_cast<float>(project({lat, 0}, zoom).y - top_left.y);
        draw->AddLine({origin.x, y}, {origin.x + size.x, y}, line);
        // Keep labels clear of the notice band along the top edge.
        if (y < origin.y + ImGui::GetTextLineHeightWithSpacing() * 1.5f) continue;
        std::snprintf(text, sizeof text, "%.*f°", decimals, lat);
        draw->AddText({origin.x + 4, y + 2}, label, text);
    }
}

void fit(MapView& view, std::span<const MapMarker> markers, ImVec2 size) {
    view.fitted = true;
    if (markers.empty()) return;
    std::vector<LatLon> points;
    for (const auto& marker : markers) points.push_back(marker.position);
    const float margin = 60 * ImGui::GetIO().FontGlobalScale + ImGui::GetFontSize() * 2;
    view.zoom = fitZoom(points.data(), static_cast<int>(points.size()), size.x, size.y, margin,
                        kMaxFitZoom);
    double min_x = 1e300, max_x = -1e300, min_y = 1e300, max_y = -1e300;
    for (const auto& point : points) {
        const WorldPixel p = project(point, view.zoom);
        min_x = std::min(min_x, p.x);
        max_x = std::max(max_x, p.x);
        min_y = std::min(min_y, p.y);
        max_y = std::max(max_y, p.y);
    }
    view.center = unproject({(min_x + max_x) / 2, (min_y + max_y) / 2}, view.zoom);
}

}  // namespace

MapResult drawMap(const char* id, MapView& view, TileStore& tiles, TextureCache& textures,
                  std::span<const MapMarker> markers, ImVec2 size) {
    MapResult result;
    ImGui::PushID(id);
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    if (size.x <= 0) size.x = ImGui::GetContentRegionAvail().x;
    if (size.y <= 0) size.y = ImGui::GetContentRegionAvail().y;
    size.x = std::max(size.x, 64.0f);
    size.y = std::max(size.y, 64.0f);
    if (!view.fitted) fit(view, markers, size);

    ImGui::InvisibleButton("map", size);
    const bool hovered = ImGui::IsItemHovered();
    ImGuiIO& io = ImGui::GetIO();
    WorldPixel center = project(view.center, view.zoom);
    if (ImGui::IsItemActive() && ImGui::IsMouseDragging(ImGuiMouseButton_Left, 0)) {
        center.x -= io.MouseDelta.x;
        center.y -= io.MouseDelta.y;
        view.center = unproject(center, view.zoom);
    }
    int zoom_change = 0;
    if (hovered && io.MouseWheel != 0) zoom_change = io.MouseWheel > 0 ? 1 : -1;
    if (hovered && (ImGui::IsKeyPressed(GLFW_KEY_KP_ADD) ||
                    ImGui::IsKeyPressed(GLFW_KEY_EQUAL)))
        zoom_change = 1;
    if (hovered && (ImGui::IsKeyPressed(GLFW_KEY_KP_SUBTRACT) ||
                    ImGui::IsKeyPressed(GLFW_KEY_MINUS)))
        zoom_change = -1;
    if (zoom_change != 0) {
        view.zoom = std::clamp(view.zoom + zoom_change, 1, kMaxZoom);
        center = project(view.center, view.zoom);
    }

    ImDrawList* draw = ImGui::GetWindowDrawList();
    const ImVec2 end{origin.x + size.x, origin.y + size.y};
    draw->PushClipRect(origin, end, true);
    draw->AddRectFilled(origin, end, IM_COL32(34, 42, 54, 255));

    const WorldPixel top_left{center.x - size.x / 2.0, center.y - size.y / 2.0};
    const int first_x = static_cast<int>(std::floor(top_left.x / kTileSize));
    const int first_y = std::max(0, static_cast<int>(std::floor(top_left.y / kTileSize)));
    const int last_x = static_cast<int>(std::floor((top_left.x + size.x) / kTileSize));
    const int last_y = std::min((1 << view.zoom) - 1,
                                static_cast<int>(std::floor((top_left.y + size.y) / kTileSize)));
    for (int ty = first_y; ty <= last_y; ++ty) {
        for (int tx = first_x; tx <= last_x; ++tx) {
            const TileKey key{view.zoom, wrapTileX(tx, view.zoom), ty};
            const std::string texture_key = "tile:" + std::to_string(key.zoom) + "/" +
                                            std::to_string(key.x) + "/" + std::to_string(key.y);
            Texture texture;
            if (textures.has(texture_key)) {
                texture = textures.get(texture_key, cv::Mat{});
            } else if (TileResult tile = tiles.tile(key); tile.state == TileState::Ready) {
                texture = textures.get(texture_key, tile.image);
            }
            if (!texture) {
                ++result.tiles_missing;
                continue;
            }
            ++result.tiles_drawn;
            const ImVec2 a{origin.x + static_cast<float>(tx * kTileSize - top_left.x),
                           origin.y + static_cast<float>(ty * kTileSize - top_left.y)};
            draw->AddImage(texture.id, a, {a.x + kTileSize, a.y + kTileSize});
        }
    }
    if (result.tiles_drawn == 0) drawGrid(draw, origin, size, top_left, view.zoom);

    const float radius = ImGui::GetFontSize() * 0.45f;
    // Label boxes already drawn: a marker at the same place (a sighting at
    // its station) gets its label moved below instead of over the other.
    std::vector<ImVec4> labels;
    for (std::size_t i = 0; i < markers.size(); ++i) {
        const MapMarker& marker = markers[i];
        WorldPixel p = project(marker.position, view.zoom);
        const ImVec2 at{origin.x + static_cast<float>(p.x - top_left.x),
                        origin.y + static_cast<float>(p.y - top_left.y)};
        const ImU32 outline = IM_COL32(10, 12, 16, 255);
        if (marker.square) {
            // Larger than a circle, so a sighting drawn at its station leaves the square's edge visible.
            const float half = radius * 1.5f;
            draw->AddRectFilled({at.x - half, at.y - half}, {at.x + half, at.y + half}, marker.color);
            draw->AddRect({at.x - half, at.y - half}, {at.x + half, at.y + half}, outline, 0, 0, 2);
        } else {
            draw->AddCircleFilled(at, radius, marker.color);
            draw->AddCircle(at, radius, outline, 0, 2);
        }
        if (!marker.label.empty()) {
            const ImVec2 text_size = ImGui::CalcTextSize(marker.label.c_str());
            const float width = text_size.x + 8, height = text_size.y + 4;
            ImVec2 box{at.x + radius * 1.5f + 4, at.y - text_size.y / 2 - 2};
            // Past the right edge: put the label on the marker's left instead.
            if (box.x + width > end.x) box.x = std::max(origin.x, at.x - radius * 1.5f - 4 - width);
            for (bool moved = true; moved;) {
                moved = false;
                for (const ImVec4& other : labels)
                    if (box.x < other.z && box.x + width > other.x && box.y < other.w && box.y + height > other.y) {
                        box.y = other.w + 2;
                        moved = true;
                    }
            }
            labels.push_back({box.x, box.y, box.x + width, box.y + height});
            draw->AddRectFilled(box, {box.x + text_size.x + 8, box.y + text_size.y + 4},
                                IM_COL32(15, 18, 24, 220), 3);
            draw->AddText({box.x + 4, box.y + 2}, IM_COL32(235, 238, 242, 255),
                          marker.label.c_str());
        }
        if (hovered && ImGui::IsMouseReleased(ImGuiMouseButton_Left) &&
            std::hypot(io.MousePos.x - at.x, io.MousePos.y - at.y) <= radius * 1.5f)
            result.clicked_marker = static_cast<int>(i);
    }

    const float line = ImGui::GetTextLineHeightWithSpacing();
    if (result.tiles_drawn > 0) {
        const char* attribution = "© OpenStreetMap contributors";
        const ImVec2 text_size = ImGui::CalcTextSize(attribution);
        const ImVec2 box{end.x - text_size.x - 10, end.y - text_size.y - 6};
        draw->AddRectFilled(box, end, IM_COL32(255, 255, 255, 200));
        draw->AddText({box.x + 5, box.y + 3}, IM_COL32(20, 20, 20, 255), attribution);
    } else if (result.tiles_missing > 0) {
        const char* note = "Map tiles unavailable - markers placed by coordinates";
        draw->AddRectFilled({origin.x, origin.y}, {end.x, origin.y + line + 6},
                            IM_COL32(20, 24, 30, 220));
        draw->AddText({origin.x + 8, origin.y + 4}, IM_COL32(250, 200, 90, 255), note);
    }
    char zoom_text[24];
    std::snprintf(zoom_text, sizeof zoom_text, "zoom %d", view.zoom);
    const ImVec2 zoom_size = ImGui::CalcTextSize(zoom_text);
    draw->AddText({end.x - zoom_size.x - 8, origin.y + (result.tiles_drawn > 0 ? 4 : line + 10)},
                  IM_COL32(200, 206, 214, 255), zoom_text);
    draw->PopClipRect();
    ImGui::PopID();
    return result;
}

}  // namespace vigil::gui
