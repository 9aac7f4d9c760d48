#pragma once
// Small ImGui helpers both windows use: images fitted into boxes, status
// dots, danger badges, flashing, timestamps.

#include "client/gui/toolkit/TextureCache.hpp"
#include "protocol/WireTypes.hpp"

#include <imgui.h>

#include <cstdint>
#include <string>

namespace vigil::gui {

// Draws `texture` scaled to fit `box` (aspect kept, centred); a framed
// placeholder with `missing` when there is no texture. Returns where the
// image landed (screen coordinates of its top-left and its size), so callers
// can draw boxes over it.
struct ImageRect {
    ImVec2 min;
    ImVec2 size;
    float scale = 1;  // displayed pixels per image pixel
};
ImageRect imageFit(const Texture& texture, ImVec2 box, const char* missing = "no image");

void statusDot(const ImVec4& color, const char* text);
// True during the "on" half of a period: for flashing alerts.
bool flashPhase(double period_seconds = 0.8);

ImVec4 dangerColor(protocol::DangerLevel level);
void dangerBadge(protocol::DangerLevel level);

// "2026-11-23 11:42:07" in local time from unix milliseconds.
std::string formatTime(std::int64_t unix_ms);
// "42 s", "5 min", "3 h" since unix milliseconds `then`.
std::string formatAge(std::int64_t then_ms, std::int64_t now_ms);
std::int64_t nowUnixMs();

// Error / hint lines with icons and wrapping.
void errorLine(const std::string& text);
void hintLine(const std::string& text);

// A text input over std::string (imgui_stdlib).
bool inputText(const char* label, std::string& value, int flags = 0);
bool inputTextMultiline(const char* label, std::string& value, ImVec2 size);

}  // namespace vigil::gui
