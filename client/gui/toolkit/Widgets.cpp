#include "client/gui/toolkit/Widgets.hpp"

#include "client/gui/toolkit/Theme.hpp"

#include <imgui/imgui_stdlib.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>

namespace vigil::gui {

ImageRect imageFit(const Texture& texture, ImVec2 box, const char* missing) {
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    ImDrawList* draw = ImGui::GetWindowDrawList();
    ImGui::Dummy(box);
    draw->AddRectFilled(origin, {origin.x + box.x, origin.y + box.y}, IM_COL32(24, 27, 33, 255));
    if (!texture || texture.width <= 0 || texture.height <= 0) {
        draw->AddRect(origin, {origin.x + box.x, origin.y + box.y}, IM_COL32(70, 78, 90, 255));
        const ImVec2 text = ImGui::CalcTextSize(missing);
        draw->AddText({origin.x + (box.x - text.x) / 2, origin.y + (box.y - text.y) / 2},
                      IM_COL32(150, 158, 170, 255), missing);
        return {origin, {0, 0}, 0};
    }
    const float scale = std::min(box.x / static_cast<float>(texture.width),
                                 box.y / static_cast<float>(texture.height));
    const ImVec2 size{texture.width * scale, texture.height * scale};
    const ImVec2 min{origin.x + (box.x - size.x) / 2, origin.y + (box.y - size.y) / 2};
    draw->AddImage(texture.id, min, {min.x + size.x, min.y + size.y});
    return {min, size, scale};
}

void statusDot(const ImVec4& color, const char* text) {
    const ImVec2 at = ImGui::GetCursorScreenPos();
    const float radius = ImGui::GetFontSize() * 0.32f;
    ImGui::GetWindowDrawList()->AddCircleFilled(
        {at.x + radius, at.y + ImGui::GetTextLineHeight() / 2}, radius,
        ImGui::ColorConvertFloat4ToU32(color));
    ImGui::Dummy({radius * 2 + 4, ImGui::GetTextLineHeight()});
    ImGui::SameLine();
    ImGui::TextUnformatted(text);
}

bool flashPhase(double period_seconds) {
    return std::fmod(ImGui::GetTime(), period_seconds) < period_seconds / 2;
}

ImVec4 dangerColor(protocol::DangerLevel level) {
    switch (level) {
        case protocol::DangerLevel::Low: return colors::kOk;
        case protocol::DangerLevel::Medium: return colors::kWarning;
        case protocol::DangerLevel::High: return colors::kDanger;
        case protocol::DangerLevel::Extreme: return {1.0f, 0.25f, 0.65f, 1.0f};
    }
    return colors::kMuted;
}

void dangerBadge(protocol::DangerLevel level) {
    const std::string text = "danger: " + std::string(protocol::describe(level));
    const ImVec2 at = ImGui::GetCursorScreenPos();
    const ImVec2 size = ImGui::CalcTextSize(text.c_str());
    const ImVec2 padding{6, 2};
    ImGui::GetWindowDrawList()->AddRectFilled(
        at, {at.x + size.x + 2 * padding.x, at.y + size.y + 2 * padding.y},
        ImGui::ColorConvertFloat4ToU32(dangerColor(level)), 3);
    ImGui::GetWindowDrawList()->AddText({at.x + padding.x, at.y + padding.y},
                                        IM_COL32(10, 10, 12, 255), text.c_str());
    ImGui::Dummy({size.x + 2 * padding.x, size.y + 2 * padding.y});
}

std::int64_t nowUnixMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string formatTime(std::int64_t unix_ms) {
    if (unix_ms <= 0) return "-";
    const std::time_t seconds = static_cast<std::time_t>(unix_ms / 1000);
    std::tm local{};
    localtime_r(&seconds, &local);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", &local);
    return text;
}

std::string formatAge(std::int64_t then_ms, std::int64_t now_ms) {
    const std::int64_t seconds = std::max<std::int64_t>(0, (now_ms - then_ms) / 1000);
    if (seconds < 90) return std::to_string(seconds) + " s ago";
    if (seconds < 90 * 60) return std::to_string(seconds / 60) + " min ago";
    if (seconds < 48 * 3600) return std::to_string(seconds / 3600) + " h ago";
    return std::to_string(seconds / 86400) + " days ago";
}

void errorLine(const std::string& text) {
    ImGui::PushStyleColor(ImGuiCol_Text, colors::kDanger);
    ImGui::TextWrapped("%s", text.c_str());
    ImGui::PopStyleColor();
}

void hintLine(const std::string& text) {
    ImGui::PushStyleColor(ImGuiCol_Text, colors::kMuted);
    ImGui::TextWrapped("%s", text.c_str());
    ImGui::PopStyleColor();
}

bool inputText(const char* label, std::string& value, int flags) {
    return ImGui::InputText(label, &value, flags);
}

bool inputTextMultiline(const char* label, std::string& value, ImVec2 size) {
    return ImGui::InputTextMultiline(label, &value, size);
}

}  // namespace vigil::gui
