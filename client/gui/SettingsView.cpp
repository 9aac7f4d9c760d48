// Station settings: video source, match threshold, speech and voice, server
// address. Applied by the core, which says whether it accepted them.
#include "client/gui/StationUi.hpp"

#include "client/gui/toolkit/Theme.hpp"
#include "client/gui/toolkit/Widgets.hpp"

#include <imgui.h>

namespace vigil::station {

void StationUi::drawSettings(const gui::Fonts& fonts) {
    ImGui::PushFont(fonts.bold);
    ImGui::TextUnformatted("Settings");
    ImGui::PopFont();
    if (!settings_) {
        gui::hintLine(settings_load_.valid() ? "Reading the settings..." : settings_message_);
        return;
    }
    StationSettings& s = *settings_;
    if (settings_editable_)
        gui::hintLine("Changes apply at once, without restarting the station, and are kept for its next start.");
    else
        gui::hintLine("This station takes its settings when it starts: change them in its configuration "
                      "file (--config) or on the command line, then restart it. Current values:");
    ImGui::BeginDisabled(!settings_editable_);
    const float label_width = ImGui::GetFontSize() * 11;
    const float field_width = ImGui::GetFontSize() * 26;
    // The field the core refused is marked in the danger colour.
    auto label = [&](const char* text, const char* field = "") {
        ImGui::AlignTextToFramePadding();
        if (!settings_refused_field_.empty() && settings_refused_field_ == field)
            ImGui::TextColored(gui::colors::kDanger, "%s", text);
        else
            ImGui::TextUnformatted(text);
        ImGui::SameLine(label_width);
        ImGui::SetNextItemWidth(field_width);
    };
    label("Video source", "source");
    gui::inputText("##source", s.source);
    ImGui::SetCursorPosX(label_width);
    ImGui::TextDisabled("camera index (0), video file, or rtsp:// URL");
    label("Match threshold", "threshold");
    ImGui::SliderFloat("##threshold", &s.threshold, 0.20f, 1.00f, "%.2f");
    ImGui::SetCursorPosX(label_width);
    ImGui::TextDisabled("face distance below which a face matches; lower is stricter (0.60 default; Ctrl+click to type)");
    label("Spoken alerts");
    ImGui::Checkbox("##speech", &s.speech);
    label("Voice", "voice");
    if (ImGui::BeginCombo("##voice", s.voice.c_str())) {
        for (const auto& voice : voices_)
            if (ImGui::Selectable(voice.c_str(), voice == s.voice)) s.voice = voice;
        ImGui::EndCombo();
    }
    label("Server address", "server");
    gui::inputText("##server", s.server_address);
    ImGui::SetCursorPosX(label_width);
    ImGui::TextDisabled("host:port of the HQ server; its certificate is checked against the pinned CA;\n"
                        "a new address is saved and used from the next start");
    ImGui::EndDisabled();
    if (!settings_editable_) return;
    ImGui::Spacing();
    ImGui::SetCursorPosX(label_width);
    ImGui::BeginDisabled(settings_call_.busy());
    if (ImGui::Button(settings_call_.busy() ? "Applying..." : "Apply")) applySettings();
    ImGui::EndDisabled();
    ImGui::SameLine();
    if (ImGui::Button("Revert")) {
        settings_.reset();
        loadSettings();
    }
    if (!settings_message_.empty()) {
        ImGui::SetCursorPosX(label_width);
        ImGui::PushTextWrapPos(label_width + field_width * 1.6f);
        ImGui::TextColored(settings_failed_ ? gui::colors::kDanger : gui::colors::kOk, "%s",
                           settings_message_.c_str());
        for (const auto& note : settings_notes_) {
            ImGui::SetCursorPosX(label_width);
            ImGui::TextWrapped("%s", note.c_str());
        }
        ImGui::PopTextWrapPos();
    }
}

}  // namespace vigil::station
