// Wanted persons: a searchable list with thumbnails, the selected person's
// details, and removal behind a confirmation.
#include "server/console/ConsoleApp.hpp"

#include "client/gui/toolkit/Theme.hpp"
#include "client/gui/toolkit/Widgets.hpp"

#include <imgui.h>

#include <algorithm>
#include <cctype>

namespace vigil::console {

namespace proto = vigil::protocol;

namespace {

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

// Matches the search text against name, aliases and reason (view filtering).
bool matches(const proto::WantedPerson& person, const std::string& needle) {
    if (needle.empty()) return true;
    if (lower(person.details.name).find(needle) != std::string::npos) return true;
    if (lower(person.details.reason).find(needle) != std::string::npos) return true;
    return std::any_of(person.details.aliases.begin(), person.details.aliases.end(),
                       [&](const auto& alias) { return lower(alias).find(needle) != std::string::npos; });
}

std::string joined(const std::vector<std::string>& items) {
    std::string text;
    for (const auto& item : items) text += (text.empty() ? "" : ", ") + item;
    return text;
}

}  // namespace

void ConsoleApp::drawPersons(const gui::Fonts& fonts) {
    ImGui::PushFont(fonts.bold);
    ImGui::TextUnformatted("Wanted persons");
    ImGui::PopFont();
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 22);
    gui::inputText("##search", search_);
    ImGui::SameLine();
    ImGui::TextDisabled("search name, alias or reason");
    if (canEditWatchlist()) {
        const float add_width = ImGui::CalcTextSize("Add person").x + ImGui::GetStyle().FramePadding.x * 2;
        ImGui::SameLine(ImGui::GetContentRegionMax().x - add_width);
        if (ImGui::Button("Add person")) startAdd();
    }

    if (!persons_call_.last) {
        gui::hintLine(persons_call_.busy() ? "Loading the watchlist..." : "");
        return;
    }
    if (!persons_call_.last->ok()) {
        gui::errorLine("Cannot load the watchlist: " +
                       std::string(proto::errorSentence(persons_call_.last->error.code)));
        return;
    }
    const auto& persons = *persons_call_.last->value;
    const std::string needle = lower(search_);
    const float detail_width = selectedPerson() ? ImGui::GetFontSize() * 24 : 0;
    const float thumb = ImGui::GetFontSize() * 3.6f;

    ImGui::BeginChild("person-list", {detail_width > 0 ? -detail_width - 8 : 0, 0}, false);
    if (persons.empty()) gui::hintLine("The watchlist is empty. Add a person with at least one photo.");
    const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH |
                                  ImGuiTableFlags_ScrollY | ImGuiTableFlags_SizingStretchProp;
    if (!persons.empty() && ImGui::BeginTable("persons", 5, flags)) {
        ImGui::TableSetupScrollFreeze(0, 1);
        ImGui::TableSetupColumn("Photo", ImGuiTableColumnFlags_WidthFixed, thumb);
        ImGui::TableSetupColumn("Name", ImGuiTableColumnFlags_WidthStretch, 2.0f);
        ImGui::TableSetupColumn("Danger", ImGuiTableColumnFlags_WidthFixed, ImGui::GetFontSize() * 9);
        ImGui::TableSetupColumn("Reason", ImGuiTableColumnFlags_WidthStretch, 3.0f);
        ImGui::TableSetupColumn("Photos", ImGuiTableColumnFlags_WidthFixed, ImGui::GetFontSize() * 4);
        ImGui::TableHeadersRow();
        for (const auto& person : persons) {
            if (!matches(person, needle)) continue;
            ImGui::PushID(static_cast<int>(person.id));
            ImGui::TableNextRow(0, thumb + 4);
            ImGui::TableNextColumn();
            const gui::Texture texture =
                imageTexture("thumb:" + std::to_string(person.id) + ":" + std::to_string(person.updated_at),
                             person.thumbnail_jpeg);
            gui::imageFit(texture, {thumb, thumb}, "-");
            ImGui::TableNextColumn();
            const bool selected = selected_person_ == person.id;
            if (ImGui::Selectable(person.details.name.c_str(), selected,
                                  ImGuiSelectableFlags_SpanAllColumns | ImGuiSelectableFlags_AllowItemOverlap,
                                  {0, thumb}))
                selected_person_ = person.id;
            ImGui::TableNextColumn();
            gui::dangerBadge(person.details.danger);
            ImGui::TableNextColumn();
            ImGui::TextWrapped("%s", person.details.reason.c_str());
            if (!person.details.aliases.empty())
                ImGui::TextDisabled("aka %s", joined(person.details.aliases).c_str());
            ImGui::TableNextColumn();
            ImGui::Text("%zu", person.faces.size());
            ImGui::PopID();
        }
        ImGui::EndTable();
    }
    ImGui::EndChild();

    if (const proto::WantedPerson* person = selectedPerson()) {
        ImGui::SameLine();
        ImGui::BeginChild("person-detail", {0, 0}, true);
        drawPersonDetail(*person, fonts);
        ImGui::EndChild();
    }
    drawRemoveConfirmation();
}

void ConsoleApp::drawPersonDetail(const proto::WantedPerson& person, const gui::Fonts& fonts) {
    const float width = ImGui::GetContentRegionAvail().x;
    gui::imageFit(imageTexture("thumb:" + std::to_string(person.id) + ":" + std::to_string(person.updated_at),
                               person.thumbnail_jpeg),
                  {width, width * 0.75f}, "no photo");
    ImGui::PushFont(fonts.large);
    ImGui::TextWrapped("%s", person.details.name.c_str());
    ImGui::PopFont();
    gui::dangerBadge(person.details.danger);
    if (!person.details.aliases.empty()) ImGui::TextWrapped("Also known as: %s", joined(person.details.aliases).c_str());
    ImGui::Spacing();
    ImGui::PushFont(fonts.bold);
    ImGui::TextUnformatted("Wanted for");
    ImGui::PopFont();
    ImGui::TextWrapped("%s", person.details.reason.empty() ? "-" : person.details.reason.c_str());
    ImGui::PushFont(fonts.bold);
    ImGui::TextUnformatted("Notes");
    ImGui::PopFont();
    ImGui::TextWrapped("%s", person.details.notes.empty() ? "-" : person.details.notes.c_str());
    ImGui::TextDisabled("%zu enrolled photo(s), updated %s", person.faces.size(),
                        gui::formatTime(person.updated_at * 1000).c_str());
    if (canEditWatchlist()) {
        ImGui::Spacing();
        if (ImGui::Button("Edit")) startEdit(person);
        ImGui::SameLine();
        ImGui::PushStyleColor(ImGuiCol_Button, ImVec4{0.55f, 0.16f, 0.16f, 1});
        ImGui::PushStyleColor(ImGuiCol_ButtonHovered, ImVec4{0.70f, 0.20f, 0.20f, 1});
        if (ImGui::Button("Remove...")) confirm_remove_ = true;
        ImGui::PopStyleColor(2);
    }
}

void ConsoleApp::drawRemoveConfirmation() {
    const proto::WantedPerson* person = selectedPerson();
    if (confirm_remove_ && person) ImGui::OpenPopup("Remove wanted person");
    if (!person) confirm_remove_ = false;
    ImGui::SetNextWindowSize({ImGui::GetFontSize() * 30, 0});
    if (ImGui::BeginPopupModal("Remove wanted person", nullptr, ImGuiWindowFlags_NoResize)) {
        if (person) {
            ImGui::TextWrapped("Remove %s from the watchlist?", person->details.name.c_str());
            gui::hintLine("Every station drops this person at its next sync and stops raising "
                          "alerts for them. Stored sightings are kept. This is recorded in the audit log.");
        }
        ImGui::Spacing();
        ImGui::PushStyleColor(ImGuiCol_Button, ImVec4{0.55f, 0.16f, 0.16f, 1});
        if (ImGui::Button("Remove")) {
            removeSelected();
            confirm_remove_ = false;
            ImGui::CloseCurrentPopup();
        }
        ImGui::PopStyleColor();
        ImGui::SameLine();
        if (ImGui::Button("Cancel") || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape))) {
            confirm_remove_ = false;
            ImGui::CloseCurrentPopup();
        }
        ImGui::EndPopup();
    }
}

}  // namespace vigil::console
