// The live alert feed (each sighting: snapshot beside the enrolled photo,
// station, place, time, distance, acknowledge) and the map of sightings and
// stations.
#include "server/console/ConsoleApp.hpp"

#include "client/gui/toolkit/Theme.hpp"
#include "client/gui/toolkit/Widgets.hpp"

#include <imgui.h>

#include <algorithm>
#include <map>

namespace vigil::console {

namespace proto = vigil::protocol;

void ConsoleApp::drawAlerts(const gui::Fonts& fonts) {
    ImGui::PushFont(fonts.bold);
    ImGui::TextUnformatted("Live alerts");
    ImGui::PopFont();
    ImGui::SameLine();
    ImGui::TextDisabled("%zu sighting(s), %zu not acknowledged", alerts_.size(), unacknowledgedAlerts());
    if (unacknowledgedAlerts() > 0) {
        const float width = ImGui::CalcTextSize("Acknowledge all").x + ImGui::GetStyle().FramePadding.x * 2;
        ImGui::SameLine(ImGui::GetContentRegionMax().x - width);
        if (ImGui::Button("Acknowledge all"))
            for (const auto& alert : alerts_) acknowledge(alert.id);
    }
    if (sightings_call_.last && !sightings_call_.last->ok())
        gui::errorLine("Cannot load sightings: " +
                       std::string(proto::errorSentence(sightings_call_.last->error.code)));
    ImGui::BeginChild("alert-feed", {0, 0}, false);
    if (alerts_.empty())
        gui::hintLine("No sightings yet. When a station recognises a wanted person, the alert "
                      "appears here at once.");
    for (const auto& sighting : alerts_) drawAlertCard(sighting, fonts);
    ImGui::EndChild();
}

void ConsoleApp::drawAlertCard(const proto::Sighting& sighting, const gui::Fonts& fonts) {
    ImGui::PushID(static_cast<int>(sighting.id));
    const bool fresh = !acknowledged_.contains(sighting.id) && sighting.review != proto::ReviewState::Dismissed;
    const float image = ImGui::GetFontSize() * 9;
    // Tall enough for the image with its caption and for the text column
    // (large name, badge, four lines, a button).
    const float text_column = fonts.large->FontSize + ImGui::GetStyle().ItemSpacing.y +
                              6 * ImGui::GetTextLineHeightWithSpacing() + ImGui::GetFrameHeightWithSpacing();
    const float height = std::max(image + ImGui::GetTextLineHeightWithSpacing(), text_column) +
                         ImGui::GetStyle().WindowPadding.y * 2;
    ImGui::PushStyleColor(ImGuiCol_Border, fresh ? gui::dangerColor(sighting.danger)
                                                 : ImGui::GetStyle().Colors[ImGuiCol_Border]);
    ImGui::PushStyleVar(ImGuiStyleVar_ChildBorderSize, fresh ? 3.0f : 1.0f);
    ImGui::BeginChild("card", {0, height}, true, ImGuiWindowFlags_NoScrollbar);

    ImGui::BeginGroup();
    gui::imageFit(imageTexture("snapshot:" + std::to_string(sighting.id), sighting.snapshot_jpeg),
                  {image, image}, "no snapshot");
    ImGui::TextDisabled("seen");
    ImGui::EndGroup();
    ImGui::SameLine();
    ImGui::BeginGroup();
    const proto::WantedPerson* person = findPerson(sighting.person_id);
    gui::imageFit(person ? imageTexture("thumb:" + std::to_string(person->id) + ":" +
                                            std::to_string(person->updated_at),
                                        person->thumbnail_jpeg)
                         : gui::Texture{},
                  {image, image}, "not on list");
    ImGui::TextDisabled("enrolled");
    ImGui::EndGroup();
    ImGui::SameLine();

    ImGui::BeginGroup();
    ImGui::PushFont(fonts.large);
    ImGui::TextUnformatted(sighting.person_name.c_str());
    ImGui::PopFont();
    gui::dangerBadge(sighting.danger);
    ImGui::Text("Station: %s", sighting.station.c_str());
    const auto& where = sighting.location;
    if (where.has_coordinates)
        ImGui::Text("Place: %s (%.5f, %.5f)", where.place.empty() ? "-" : where.place.c_str(),
                    where.latitude, where.longitude);
    else
        ImGui::Text("Place: %s", where.place.empty() ? "unknown" : where.place.c_str());
    ImGui::Text("Seen: %s (%s)", gui::formatTime(sighting.observed_at_ms).c_str(),
                gui::formatAge(sighting.observed_at_ms, gui::nowUnixMs()).c_str());
    ImGui::Text("Face distance: %.3f (lower is closer)", sighting.distance);
    switch (sighting.review) {
        case proto::ReviewState::Pending:
            ImGui::TextColored(gui::colors::kWarning, "UNCONFIRMED - waiting for an operator's review");
            break;
        case proto::ReviewState::Confirmed:
            ImGui::TextColored(gui::colors::kDanger, "CONFIRMED by %s at %s", sighting.decided_by.c_str(),
                               gui::formatTime(sighting.decided_at_ms).c_str());
            break;
        case proto::ReviewState::Dismissed:
            ImGui::TextDisabled("DISMISSED by %s: %s%s", sighting.decided_by.c_str(),
                                dismissalWords(sighting.dismiss_reason).c_str(),
                                sighting.review_note.empty() ? "" : (" (" + sighting.review_note + ")").c_str());
            break;
    }
    if (fresh) {
        if (ImGui::Button("Acknowledge")) acknowledge(sighting.id);
    } else {
        ImGui::TextDisabled(sighting.review == proto::ReviewState::Dismissed ? "no action needed" : "acknowledged");
    }
    ImGui::EndGroup();

    ImGui::EndChild();
    ImGui::PopStyleVar();
    ImGui::PopStyleColor();
    ImGui::PopID();
}

void ConsoleApp::drawMap(const gui::Fonts& fonts) {
    ImGui::PushFont(fonts.bold);
    ImGui::TextUnformatted("Map of sightings and stations");
    ImGui::PopFont();
    ImGui::SameLine();
    ImGui::TextDisabled("squares: stations (blue: connected now; where they last reported from), circles: sightings. "
                        "Drag to pan, wheel to zoom.");
    std::vector<gui::MapMarker> markers;
    // Stations: where the server lists them, else where each last reported from.
    std::map<std::string, const proto::Location*> station_places;
    for (const auto& station : status_.stations)
        if (station.location.has_coordinates) station_places[station.username] = &station.location;
    for (const auto& sighting : alerts_)  // newest first: the first one per station wins
        if (sighting.location.has_coordinates) station_places.try_emplace(sighting.station, &sighting.location);
    // Connected stations in blue, the others (known from their reports) in grey.
    for (const auto& [name, place] : station_places) {
        const bool connected = std::any_of(status_.stations.begin(), status_.stations.end(),
                                           [&](const auto& s) { return s.username == name; });
        markers.push_back({{place->latitude, place->longitude}, name + (connected ? " (connected)" : ""),
                           connected ? IM_COL32(90, 160, 250, 255) : IM_COL32(150, 155, 165, 255), true});
    }
    int sightings_placed = 0;
    for (const auto& sighting : alerts_) {
        if (!sighting.location.has_coordinates) continue;
        ++sightings_placed;
        markers.push_back({{sighting.location.latitude, sighting.location.longitude},
                           sighting.person_name + " - " + gui::formatAge(sighting.observed_at_ms, gui::nowUnixMs()),
                           ImGui::ColorConvertFloat4ToU32(gui::dangerColor(sighting.danger)), false});
    }
    if (ImGui::SmallButton("Fit all markers")) map_view_.fitted = false;
    ImGui::SameLine();
    ImGui::TextDisabled("%d sighting(s) with coordinates, %zu station(s)", sightings_placed,
                        station_places.size());
    last_map_ = gui::drawMap("sightings-map", map_view_, tiles_, textures_, markers, {0, 0});
    map_drawn_ = !markers.empty();
}

}  // namespace vigil::console
