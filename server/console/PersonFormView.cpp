// Add / edit a wanted person: details, and for a new person the photos, each
// checked by the server first (face found and boxed, quality verdict) and
// only accepted ones uploaded.
#include "server/console/ConsoleApp.hpp"

#include "client/gui/toolkit/Theme.hpp"
#include "client/gui/toolkit/Widgets.hpp"

#include <imgui.h>

namespace vigil::console {

namespace proto = vigil::protocol;

void ConsoleApp::drawPersonForm(const gui::Fonts& fonts) {
    ImGui::PushFont(fonts.bold);
    ImGui::TextUnformatted(form_.editing ? "Edit wanted person" : "Add wanted person");
    ImGui::PopFont();
    if (ImGui::SmallButton("< Back to the list")) screen_ = Screen::Persons;

    const float label_width = ImGui::GetFontSize() * 7;
    const float form_width = std::min(ImGui::GetContentRegionAvail().x * 0.45f, ImGui::GetFontSize() * 34);
    ImGui::BeginChild("details", {form_width, 0}, false);
    auto label = [&](const char* text) {
        ImGui::AlignTextToFramePadding();
        ImGui::TextUnformatted(text);
        ImGui::SameLine(label_width);
        ImGui::SetNextItemWidth(-1);
    };
    label("Name");
    gui::inputText("##name", form_.name);
    label("Aliases");
    gui::inputText("##aliases", form_.aliases);
    ImGui::SetCursorPosX(label_width);
    ImGui::TextDisabled("separate aliases with commas");
    label("Wanted for");
    gui::inputText("##reason", form_.reason);
    label("Danger");
    if (ImGui::BeginCombo("##danger", std::string(proto::describe(form_.danger)).c_str())) {
        for (int i = 0; i <= static_cast<int>(proto::kLastDangerLevel); ++i) {
            const auto level = static_cast<proto::DangerLevel>(i);
            if (ImGui::Selectable(std::string(proto::describe(level)).c_str(), form_.danger == level))
                form_.danger = level;
        }
        ImGui::EndCombo();
    }
    label("Notes");
    gui::inputTextMultiline("##notes", form_.notes, {-1, ImGui::GetFontSize() * 6});

    ImGui::Spacing();
    int accepted = 0;
    for (const auto& photo : form_.photos) accepted += photo.accepted ? 1 : 0;
    const bool busy = add_call_.busy() || change_call_.busy();
    const bool can_save = !form_.name.empty() && (form_.editing || accepted > 0) && !busy;
    ImGui::BeginDisabled(!can_save);
    if (ImGui::Button(busy ? "Saving..." : (form_.editing ? "Save changes" : "Add to watchlist"))) savePerson();
    ImGui::EndDisabled();
    if (!form_.editing && accepted == 0)
        gui::hintLine("A new person needs a name and at least one accepted photo.");
    if (!form_.error.empty()) gui::errorLine(form_.error);
    if (form_.saved) {
        ImGui::PushStyleColor(ImGuiCol_Text, gui::colors::kOk);
        ImGui::TextWrapped("%s", form_.saved_message.c_str());
        ImGui::PopStyleColor();
    }
    ImGui::EndChild();

    ImGui::SameLine();
    ImGui::BeginChild("photos", {0, 0}, true);
    ImGui::PushFont(fonts.bold);
    ImGui::TextUnformatted("Photos");
    ImGui::PopFont();
    if (form_.editing) {
        gui::hintLine("Enrolled photos are fixed once a person is added; to replace them, remove "
                      "the person and add them again with the new photos.");
    } else {
        gui::hintLine("Each photo is checked on the server: exactly one clear, large enough face. "
                      "Only accepted photos are enrolled.");
        ImGui::SetNextItemWidth(-ImGui::CalcTextSize("Check photo").x - ImGui::GetFontSize() * 2);
        const bool enter = gui::inputText("##photo-path", form_.photo_path, ImGuiInputTextFlags_EnterReturnsTrue);
        ImGui::SameLine();
        ImGui::BeginDisabled(form_.photo_path.empty() || photo_call_.busy());
        if (ImGui::Button(photo_call_.busy() ? "Checking..." : "Check photo") || enter) checkPhoto();
        ImGui::EndDisabled();
        ImGui::TextDisabled("path of a JPEG or PNG file on this computer");
    }
    int remove = -1;
    for (int i = 0; i < static_cast<int>(form_.photos.size()); ++i) {
        bool remove_this = false;
        ImGui::Separator();
        const auto at = static_cast<std::size_t>(i);
        drawPhotoCheck(form_.photos[at], form_.photo_keys[at], remove_this);
        if (remove_this) remove = i;
    }
    if (remove >= 0) {
        form_.photos.erase(form_.photos.begin() + remove);
        form_.photo_keys.erase(form_.photo_keys.begin() + remove);
    }
    ImGui::EndChild();
}

void ConsoleApp::drawPhotoCheck(const PhotoCheck& photo, std::uint64_t key_number, bool& remove) {
    ImGui::PushID(static_cast<int>(key_number));
    const float box = ImGui::GetFontSize() * 16;
    const std::string key = "preview:" + std::to_string(key_number);
    const gui::ImageRect placed = gui::imageFit(previewTexture(key, photo), {box, box}, "unreadable image");
    ImDrawList* draw = ImGui::GetWindowDrawList();
    const ImU32 box_colour = ImGui::ColorConvertFloat4ToU32(photo.accepted ? gui::colors::kOk : gui::colors::kDanger);
    for (const auto& face : photo.faces) {
        const ImVec2 a{placed.min.x + face.x * placed.scale, placed.min.y + face.y * placed.scale};
        const ImVec2 b{a.x + face.width * placed.scale, a.y + face.height * placed.scale};
        draw->AddRect(a, b, box_colour, 0, 0, 3);
    }
    ImGui::SameLine();
    ImGui::BeginGroup();
    ImGui::TextWrapped("%s", photo.path.c_str());
    ImGui::PushStyleColor(ImGuiCol_Text, photo.accepted ? gui::colors::kOk : gui::colors::kDanger);
    ImGui::TextWrapped("%s: %s", photo.accepted ? "Accepted" : "Rejected", photo.verdict.c_str());
    ImGui::PopStyleColor();
    ImGui::Text("%zu face(s) found", photo.faces.size());
    if (!photo.measurements.empty()) ImGui::TextWrapped("%s", photo.measurements.c_str());
    if (photo.image.cols > 0) ImGui::TextDisabled("%d x %d px", photo.image.cols, photo.image.rows);
    if (ImGui::SmallButton("Remove from form")) remove = true;
    ImGui::EndGroup();
    ImGui::PopID();
}

}  // namespace vigil::console
