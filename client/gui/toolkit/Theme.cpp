#include "client/gui/toolkit/Theme.hpp"

namespace vigil::gui {

void applyTheme(float scale) {
    ImGui::StyleColorsDark();
    ImGuiStyle& style = ImGui::GetStyle();
    style.WindowRounding = 4;
    style.FrameRounding = 3;
    style.GrabRounding = 3;
    style.TabRounding = 3;
    style.WindowPadding = {12, 10};
    style.FramePadding = {8, 5};
    style.ItemSpacing = {10, 7};
    style.CellPadding = {8, 4};
    style.ScrollbarSize = 16;

    ImVec4* c = style.Colors;
    c[ImGuiCol_Text] = colors::kText;
    c[ImGuiCol_TextDisabled] = colors::kMuted;
    c[ImGuiCol_WindowBg] = {0.09f, 0.10f, 0.12f, 1.0f};
    c[ImGuiCol_ChildBg] = {0.11f, 0.12f, 0.15f, 1.0f};
    c[ImGuiCol_PopupBg] = {0.12f, 0.13f, 0.16f, 0.98f};
    c[ImGuiCol_Border] = {0.26f, 0.29f, 0.34f, 1.0f};
    c[ImGuiCol_FrameBg] = {0.17f, 0.19f, 0.23f, 1.0f};
    c[ImGuiCol_FrameBgHovered] = {0.22f, 0.25f, 0.31f, 1.0f};
    c[ImGuiCol_FrameBgActive] = {0.25f, 0.29f, 0.36f, 1.0f};
    c[ImGuiCol_TitleBg] = {0.09f, 0.10f, 0.12f, 1.0f};
    c[ImGuiCol_TitleBgActive] = {0.13f, 0.16f, 0.22f, 1.0f};
    c[ImGuiCol_Button] = {0.20f, 0.33f, 0.55f, 1.0f};
    c[ImGuiCol_ButtonHovered] = {0.26f, 0.42f, 0.68f, 1.0f};
    c[ImGuiCol_ButtonActive] = {0.30f, 0.48f, 0.78f, 1.0f};
    c[ImGuiCol_Header] = {0.20f, 0.30f, 0.46f, 1.0f};
    c[ImGuiCol_HeaderHovered] = {0.25f, 0.37f, 0.56f, 1.0f};
    c[ImGuiCol_HeaderActive] = {0.28f, 0.42f, 0.64f, 1.0f};
    c[ImGuiCol_Tab] = {0.15f, 0.18f, 0.23f, 1.0f};
    c[ImGuiCol_TabHovered] = {0.26f, 0.42f, 0.68f, 1.0f};
    c[ImGuiCol_TabActive] = {0.22f, 0.36f, 0.60f, 1.0f};
    c[ImGuiCol_TableHeaderBg] = {0.15f, 0.17f, 0.21f, 1.0f};
    c[ImGuiCol_TableRowBgAlt] = {1.0f, 1.0f, 1.0f, 0.03f};
    c[ImGuiCol_NavHighlight] = {0.98f, 0.75f, 0.25f, 1.0f};  // visible keyboard focus

    style.ScaleAllSizes(scale);
}

}  // namespace vigil::gui
