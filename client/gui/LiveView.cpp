// The station's main screen: live video with face boxes, names and
// distances; the alert panel, flashing until acknowledged; the station's
// place on a small map; connection state and pipeline figures.
#include "client/gui/StationUi.hpp"

#include "client/gui/toolkit/PrivacyBlur.hpp"
#include "client/gui/toolkit/Theme.hpp"
#include "client/gui/toolkit/Widgets.hpp"

#include <imgui.h>

#include <algorithm>
#include <cstdio>

namespace vigil::station {

namespace proto = vigil::protocol;

void StationUi::drawLive(const gui::Fonts& fonts) {
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const float spacing = ImGui::GetStyle().ItemSpacing.x;
    const float left_width = std::max(avail.x * 0.60f, avail.x - ImGui::GetFontSize() * 34);
    const float figures_height = ImGui::GetTextLineHeightWithSpacing() * 4 + ImGui::GetStyle().WindowPadding.y * 2;

    ImGui::BeginChild("left", {left_width, avail.y}, false, ImGuiWindowFlags_NoScrollbar);
    drawVideo({left_width, avail.y - figures_height - ImGui::GetStyle().ItemSpacing.y});
    ImGui::BeginChild("figures", {0, 0}, true, ImGuiWindowFlags_NoScrollbar);
    drawFigures();
    ImGui::EndChild();
    ImGui::EndChild();

    ImGui::SameLine(0, spacing);
    ImGui::BeginChild("right", {0, avail.y}, false, ImGuiWindowFlags_NoScrollbar);
    const float right_height = avail.y;
    const float connection_height = ImGui::GetTextLineHeightWithSpacing() * 4 + ImGui::GetStyle().WindowPadding.y * 2;
    const float map_height = std::max(ImGui::GetFontSize() * 10, right_height * 0.28f);
    drawAlertPanel(fonts, {0, right_height - map_height - connection_height - 2 * ImGui::GetStyle().ItemSpacing.y});
    ImGui::BeginChild("connection", {0, connection_height}, true, ImGuiWindowFlags_NoScrollbar);
    drawConnection();
    ImGui::EndChild();
    drawStationMap({ImGui::GetContentRegionAvail().x, ImGui::GetContentRegionAvail().y});
    ImGui::EndChild();
}

void StationUi::drawVideo(ImVec2 size) {
    const auto& s = snapshot_;
    gui::Texture texture;
    if (!s.frame.empty()) {
        if (textures_.has("video", s.frame_number)) {
            texture = textures_.get("video", cv::Mat{}, s.frame_number);
        } else if (options_.blur_faces) {
            cv::Mat frame = s.frame.clone();
            for (const auto& face : s.faces) gui::pixelate(frame, face.box);
            gui::pixelateFrame(frame);
            texture = textures_.get("video", frame, s.frame_number);
        } else {
            texture = textures_.get("video", s.frame, s.frame_number);
        }
    }
    const std::string missing = s.source_error.empty() ? "waiting for video..." : "no video: " + s.source_error;
    const gui::ImageRect placed = gui::imageFit(texture, size, missing.c_str());
    if (!texture) return;

    ImDrawList* draw = ImGui::GetWindowDrawList();
    for (const auto& face : s.faces) {
        const ImVec2 a{placed.min.x + face.box.x * placed.scale, placed.min.y + face.box.y * placed.scale};
        const ImVec2 b{a.x + face.box.width * placed.scale, a.y + face.box.height * placed.scale};
        const ImU32 colour = face.wanted ? ImGui::ColorConvertFloat4ToU32(gui::dangerColor(face.danger))
                                         : IM_COL32(200, 205, 212, 255);
        draw->AddRect(a, b, colour, 0, 0, face.wanted ? 4.0f : 2.0f);
        char label[160];
        if (face.wanted && face.distance > 0)
            std::snprintf(label, sizeof label, "%s  %.2f", face.name.c_str(), face.distance);
        else if (face.wanted || !face.name.empty())
            std::snprintf(label, sizeof label, "%s", face.name.c_str());
        else if (face.distance > 0)
            std::snprintf(label, sizeof label, "unknown  %.2f", face.distance);
        else
            std::snprintf(label, sizeof label, "unknown");
        const ImVec2 text = ImGui::CalcTextSize(label);
        const ImVec2 box{a.x, std::max(placed.min.y, a.y - text.y - 6)};
        draw->AddRectFilled(box, {box.x + text.x + 10, box.y + text.y + 6}, colour);
        draw->AddText({box.x + 5, box.y + 3}, IM_COL32(10, 10, 12, 255), label);
    }
    // The source in the corner, so an operator knows which camera this is.
    if (!s.source_description.empty()) {
        const ImVec2 text = ImGui::CalcTextSize(s.source_description.c_str());
        const ImVec2 at{placed.min.x + 8, placed.min.y + placed.size.y - text.y - 10};
        draw->AddRectFilled({at.x - 4, at.y - 2}, {at.x + text.x + 4, at.y + text.y + 2}, IM_COL32(0, 0, 0, 170), 3);
        draw->AddText(at, IM_COL32(235, 238, 242, 255), s.source_description.c_str());
    }
}

// HQ's verdict on the alert, in one line the officer cannot miss: an
// unconfirmed match is a lead, a confirmed one is an instruction, a
// dismissed one is withdrawn with HQ's reason.
void StationUi::drawReviewBanner(const StationAlert& alert, const gui::Fonts& fonts) {
    ImVec4 background{0.55f, 0.40f, 0.05f, 1};
    std::string text = "UNCONFIRMED - HQ is checking this match";
    if (alert.review == AlertReview::Confirmed) {
        background = {0.62f, 0.08f, 0.08f, 1};
        text = "CONFIRMED by " + (alert.decided_by.empty() ? std::string("HQ") : alert.decided_by);
    } else if (alert.review == AlertReview::Dismissed) {
        background = {0.20f, 0.30f, 0.48f, 1};  // slate: withdrawn, not a danger colour
        text = "WITHDRAWN by " + (alert.decided_by.empty() ? std::string("HQ") : alert.decided_by) + ": " +
               (alert.dismiss_reason.empty() ? std::string("not a match") : alert.dismiss_reason);
    }
    ImGui::PushFont(fonts.bold);
    const ImVec2 at = ImGui::GetCursorScreenPos();
    const float width = ImGui::GetContentRegionAvail().x;
    const float padding = ImGui::GetStyle().FramePadding.y * 2;
    const float wrap = width - padding * 2;
    const ImVec2 text_size = ImGui::CalcTextSize(text.c_str(), nullptr, false, wrap);
    ImGui::GetWindowDrawList()->AddRectFilled(at, {at.x + width, at.y + text_size.y + padding * 2},
                                              ImGui::ColorConvertFloat4ToU32(background), 4);
    ImGui::SetCursorScreenPos({at.x + padding, at.y + padding});
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + wrap);
    ImGui::TextUnformatted(text.c_str());
    ImGui::PopTextWrapPos();
    ImGui::PopFont();
    ImGui::SetCursorScreenPos({at.x, at.y + text_size.y + padding * 2 + ImGui::GetStyle().ItemSpacing.y});
}

void StationUi::drawAlertPanel(const gui::Fonts& fonts, ImVec2 size) {
    const StationAlert* alert = activeAlert();
    // A withdrawn alert stays until closed, but no longer flashes.
    const bool withdrawn = alert && alert->review == AlertReview::Dismissed;
    const bool on = alert && !withdrawn && gui::flashPhase(0.9);
    ImVec4 border = ImGui::GetStyle().Colors[ImGuiCol_Border];
    if (alert && !withdrawn) border = on ? gui::dangerColor(alert->person.details.danger) : ImVec4{0.35f, 0.08f, 0.08f, 1};
    ImGui::PushStyleColor(ImGuiCol_Border, border);
    ImGui::PushStyleVar(ImGuiStyleVar_ChildBorderSize, alert ? 5.0f : 1.0f);
    if (alert)
        ImGui::PushStyleColor(ImGuiCol_ChildBg, withdrawn ? ImGui::GetStyle().Colors[ImGuiCol_ChildBg]
                                                : on      ? ImVec4{0.28f, 0.07f, 0.07f, 1}
                                                          : ImVec4{0.16f, 0.06f, 0.06f, 1});
    ImGui::BeginChild("alert", size, true);
    if (!alert) {
        ImGui::PushFont(fonts.bold);
        ImGui::TextUnformatted("No active alert");
        ImGui::PopFont();
        gui::hintLine("When a wanted person is recognised, their details appear here, the panel "
                      "flashes and the alert is spoken until you acknowledge it.");
        if (!snapshot_.alerts.empty()) {
            ImGui::Spacing();
            ImGui::TextDisabled("Earlier alerts");
            for (const auto& earlier : snapshot_.alerts) {
                const char* verdict = earlier.review == AlertReview::Confirmed   ? "confirmed"
                                      : earlier.review == AlertReview::Dismissed ? "withdrawn"
                                                                                 : "unconfirmed";
                ImGui::BulletText("%s - %s, distance %.2f, %s", earlier.person.details.name.c_str(),
                                  gui::formatTime(earlier.observed_at_ms).c_str(), earlier.distance, verdict);
            }
        }
    } else {
        const auto& person = alert->person;
        ImGui::PushFont(fonts.large);
        if (withdrawn) ImGui::TextDisabled("MATCH WITHDRAWN");
        else ImGui::TextColored(gui::dangerColor(person.details.danger), "WANTED PERSON SEEN");
        ImGui::PopFont();
        drawReviewBanner(*alert, fonts);
        // The one action first, where it is never scrolled away.
        ImGui::PushStyleColor(ImGuiCol_Button, withdrawn ? ImVec4{0.30f, 0.32f, 0.36f, 1} : ImVec4{0.60f, 0.14f, 0.14f, 1});
        ImGui::PushStyleColor(ImGuiCol_ButtonHovered, withdrawn ? ImVec4{0.38f, 0.40f, 0.45f, 1} : ImVec4{0.75f, 0.18f, 0.18f, 1});
        if (ImGui::Button(withdrawn ? "Close" : "Acknowledge",
                          {ImGui::GetContentRegionAvail().x, ImGui::GetFrameHeight() * 1.4f})) {
            const std::uint64_t id = alert->id;
            tasks_.post([this, id] { backend_.acknowledge(id); });
        }
        ImGui::PopStyleColor(2);
        const float image = std::min((ImGui::GetContentRegionAvail().x - ImGui::GetStyle().ItemSpacing.x) / 2,
                                     ImGui::GetFontSize() * 9);
        ImGui::BeginGroup();
        gui::imageFit(imageTexture("enrolled:" + std::to_string(person.id) + ":" + std::to_string(person.updated_at),
                                   person.thumbnail_jpeg),
                      {image, image}, "no photo");
        ImGui::TextDisabled("enrolled photo");
        ImGui::EndGroup();
        ImGui::SameLine();
        ImGui::BeginGroup();
        gui::imageFit(imageTexture("seen:" + std::to_string(alert->id), alert->snapshot_jpeg), {image, image},
                      "no snapshot");
        ImGui::TextDisabled("seen here");
        ImGui::EndGroup();
        ImGui::PushFont(fonts.large);
        ImGui::TextWrapped("%s", person.details.name.c_str());
        ImGui::PopFont();
        gui::dangerBadge(person.details.danger);
        if (!person.details.aliases.empty()) {
            std::string aliases;
            for (const auto& alias : person.details.aliases) aliases += (aliases.empty() ? "" : ", ") + alias;
            ImGui::TextWrapped("Also known as: %s", aliases.c_str());
        }
        ImGui::TextWrapped("Wanted for: %s", person.details.reason.empty() ? "-" : person.details.reason.c_str());
        if (!person.details.notes.empty()) ImGui::TextWrapped("Notes: %s", person.details.notes.c_str());
        ImGui::Text("Seen %s, face distance %.2f", gui::formatTime(alert->observed_at_ms).c_str(), alert->distance);
        if (!alert->seen_by.empty())
            ImGui::TextWrapped("Seen by station %s; HQ passed it on.", alert->seen_by.c_str());
        else
            ImGui::TextDisabled("%s", alert->reported ? "reported to HQ" : "queued for HQ (kept until delivered)");
    }
    ImGui::EndChild();
    if (alert) ImGui::PopStyleColor();
    ImGui::PopStyleVar();
    ImGui::PopStyleColor();
}

void StationUi::drawStationMap(ImVec2 size) {
    const auto& where = snapshot_.location;
    std::vector<gui::MapMarker> markers;
    if (where.has_coordinates)
        markers.push_back({{where.latitude, where.longitude},
                           where.place.empty() ? "this station" : where.place, IM_COL32(90, 160, 250, 255), true});
    if (markers.empty()) {
        gui::imageFit({}, size, where.place.empty() ? "station location unknown"
                                                    : ("at " + where.place + " (no coordinates yet)").c_str());
        map_drawn_ = false;
        return;
    }
    if (!map_view_.fitted) {
        // One marker: centre on it with a district's worth around it.
        map_view_.center = markers.front().position;
        map_view_.zoom = 12;
        map_view_.fitted = true;
    }
    gui::drawMap("station-map", map_view_, tiles_, textures_, markers, size);
    map_drawn_ = true;
}

void StationUi::drawConnection() {
    const auto& s = snapshot_;
    ImGui::Text("Watchlist: version %llu, %zu person(s)", static_cast<unsigned long long>(s.watchlist_version),
                s.watchlist_size);
    ImGui::Text("Sightings: %zu delivered, %zu waiting for HQ", s.figures.sightings_delivered,
                s.figures.sightings_waiting);
    if (!s.warnings.empty()) {
        for (const auto& warning : s.warnings) gui::errorLine(warning);
    } else {
        ImGui::TextDisabled("Place: %s", s.location.place.empty() ? "unknown" : s.location.place.c_str());
    }
}

void StationUi::drawFigures() {
    const auto& f = snapshot_.figures;
    if (ImGui::BeginTable("figures", 4, ImGuiTableFlags_SizingStretchSame)) {
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::Text("Source %.1f fps", f.capture_fps);
        ImGui::TableNextColumn();
        ImGui::Text("Processed %.1f fps", f.processed_fps);
        ImGui::TableNextColumn();
        ImGui::Text("Describe %.0f ms/face", f.describe_ms);
        ImGui::TableNextColumn();
        ImGui::Text("Tracks %zu", f.active_tracks);
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::Text("Dropped %llu frames", static_cast<unsigned long long>(f.frames_dropped));
        ImGui::TableNextColumn();
        ImGui::Text("Describe queue %zu", f.describe_queue);
        ImGui::TableNextColumn();
        ImGui::Text("Skipped %llu faces", static_cast<unsigned long long>(f.describe_dropped));
        ImGui::TableNextColumn();
        ImGui::Text("Described %llu", static_cast<unsigned long long>(f.faces_described));
        ImGui::EndTable();
    }
    ImGui::TextDisabled("Source: %s", snapshot_.source_description.empty() ? "-" : snapshot_.source_description.c_str());
}

}  // namespace vigil::station
