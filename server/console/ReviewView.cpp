// The review queue: every sighting a station reported waits here until an
// operator or admin confirms it (then HQ pushes it to every station) or
// dismisses it with a reason (the reporting station withdraws its alert).
// Beside each: the snapshot and the enrolled photo, distance and runner-up,
// station, place on the map, time. Keyboard first: Up/Down choose, C
// confirms, D dismisses (1-4 pick the reason, Enter sends, Esc cancels).
#include "server/console/ConsoleApp.hpp"

#include "client/gui/toolkit/Theme.hpp"
#include "client/gui/toolkit/Widgets.hpp"

#include <GLFW/glfw3.h>
#include <imgui.h>

#include <algorithm>

namespace vigil::console {

namespace proto = vigil::protocol;

namespace {

constexpr proto::DismissReason kReasons[] = {proto::DismissReason::WrongPerson, proto::DismissReason::PoorImage,
                                             proto::DismissReason::Duplicate, proto::DismissReason::Other};

bool key(int glfw_key) { return ImGui::IsKeyPressed(glfw_key, false); }

}  // namespace

std::string dismissalWords(proto::DismissReason reason) {
    std::string words(proto::describe(reason));  // "wrong-person"
    std::replace(words.begin(), words.end(), '-', ' ');
    return words;
}

// A decision pushed by the server (this console's, another's, or the
// command line's) updates the sighting in the feed and leaves the queue.
void ConsoleApp::applyDecision(const proto::SightingDecided& decided) {
    for (auto& sighting : alerts_)
        if (sighting.id == decided.sighting_id) {
            sighting.review = decided.decision;
            sighting.decided_by = decided.decided_by;
            sighting.decided_at_ms = decided.decided_at_ms;
            sighting.dismiss_reason = decided.reason;
            sighting.review_note = decided.note;
        }
    if (pending_call_.succeeded()) {
        auto& pending = *pending_call_.last->value;
        std::erase_if(pending, [&](const auto& s) { return s.id == decided.sighting_id; });
    }
}

const proto::Sighting* ConsoleApp::selectedReview() const {
    if (!pending_call_.succeeded()) return nullptr;
    const auto& pending = *pending_call_.last->value;
    for (const auto& sighting : pending)
        if (review_.selected && sighting.id == *review_.selected) return &sighting;
    return pending.empty() ? nullptr : &pending.front();
}

std::size_t ConsoleApp::pendingReviews() const {
    return pending_call_.succeeded() ? pending_call_.last->value->size() : 0;
}

void ConsoleApp::confirmSelected() {
    const proto::Sighting* sighting = selectedReview();
    if (!sighting || review_call_.busy()) return;
    const std::uint64_t id = sighting->id;
    review_.message = "Confirming the sighting of " + sighting->person_name + "...";
    review_.failed = false;
    review_call_.future = tasks_.post([this, id] { return backend_.confirmSighting(id); });
    review_.dismissing = false;
}

void ConsoleApp::dismissSelected() {
    const proto::Sighting* sighting = selectedReview();
    if (!sighting || review_call_.busy()) return;
    if (review_.reason == proto::DismissReason::Other && review_.text.empty()) {
        review_.message = "Say why the sighting is dismissed.";
        review_.failed = true;
        return;
    }
    const std::uint64_t id = sighting->id;
    const proto::DismissReason reason = review_.reason;
    const std::string text = review_.text;
    review_.message = "Dismissing the sighting of " + sighting->person_name + "...";
    review_.failed = false;
    review_call_.future = tasks_.post([this, id, reason, text] { return backend_.dismissSighting(id, reason, text); });
    review_.dismissing = false;
    review_.text.clear();
}

void ConsoleApp::collectReview() {
    if (photos_call_.collect() && !photos_call_.last->ok()) photos_for_ = 0;
    if (!review_call_.collect()) return;
    review_.failed = !review_call_.last->ok();
    if (review_.failed) {
        review_.message = "Not recorded: " + review_call_.last->message();
    } else {
        const proto::SightingDecided& decided = *review_call_.last->value;
        review_.message = decided.decision == proto::ReviewState::Confirmed
                              ? "Confirmed: every station is told."
                              : "Dismissed (" + dismissalWords(decided.reason) + "): the reporting station withdraws "
                                "its alert.";
        applyDecision(decided);
        review_.selected.reset();  // the next one in the queue
    }
    refreshLists(true);
}

void ConsoleApp::handleReviewKeys() {
    if (ImGui::GetIO().WantTextInput || !pending_call_.succeeded()) return;
    const auto& pending = *pending_call_.last->value;
    if (pending.empty()) return;
    const proto::Sighting* current = selectedReview();
    auto at = std::find_if(pending.begin(), pending.end(), [&](const auto& s) { return current && s.id == current->id; });
    if (key(GLFW_KEY_DOWN) && at != pending.end() && at + 1 != pending.end()) review_.selected = (at + 1)->id;
    if (key(GLFW_KEY_UP) && at != pending.end() && at != pending.begin()) review_.selected = (at - 1)->id;
    if (review_.dismissing) {
        for (int i = 0; i < 4; ++i)
            if (key(GLFW_KEY_1 + i)) review_.reason = kReasons[i];
        if (key(GLFW_KEY_ENTER) || key(GLFW_KEY_KP_ENTER)) dismissSelected();
        if (key(GLFW_KEY_ESCAPE)) review_.dismissing = false;
        return;
    }
    if (key(GLFW_KEY_C)) confirmSelected();
    if (key(GLFW_KEY_D)) review_.dismissing = true;
}

void ConsoleApp::drawReview(const gui::Fonts& fonts) {
    handleReviewKeys();
    ImGui::PushFont(fonts.bold);
    ImGui::TextUnformatted("Review queue");
    ImGui::PopFont();
    ImGui::SameLine();
    ImGui::TextDisabled("%zu sighting(s) wait for a decision. Keys: Up/Down choose, C confirm, D dismiss.",
                        pendingReviews());
    if (pending_call_.last && !pending_call_.last->ok()) {
        gui::errorLine("Cannot load the review queue: " + pending_call_.last->message());
        return;
    }
    if (!review_.message.empty()) {
        if (review_.failed) gui::errorLine(review_.message);
        else ImGui::TextColored(gui::colors::kOk, "%s", review_.message.c_str());
    }
    if (pendingReviews() == 0) {
        gui::hintLine("Nothing to review. A station's match appears here at once; the station already shows it "
                      "as unconfirmed, and the other stations hear of it when you confirm it.");
        return;
    }
    const proto::Sighting* selected = selectedReview();
    const float list_width = ImGui::GetFontSize() * 17;
    ImGui::BeginChild("review-list", {list_width, 0}, true);
    for (const auto& sighting : *pending_call_.last->value) {
        ImGui::PushID(static_cast<int>(sighting.id));
        const std::string label = sighting.person_name + "\n" + sighting.station + ", " +
                                  gui::formatAge(sighting.received_at_ms, gui::nowUnixMs());
        ImGui::PushStyleColor(ImGuiCol_Text, gui::dangerColor(sighting.danger));
        ImGui::Bullet();
        ImGui::PopStyleColor();
        ImGui::SameLine();
        if (ImGui::Selectable(label.c_str(), selected && selected->id == sighting.id)) {
            review_.selected = sighting.id;
            review_.dismissing = false;
        }
        ImGui::PopID();
    }
    ImGui::EndChild();
    ImGui::SameLine();
    ImGui::BeginChild("review-detail", {0, 0}, false);
    if (selected) drawReviewDetail(*selected, fonts);
    ImGui::EndChild();
}

void ConsoleApp::drawReviewDetail(const proto::Sighting& sighting, const gui::Fonts& fonts) {
    const float image = std::min(ImGui::GetFontSize() * 15, (ImGui::GetContentRegionAvail().x - 20) / 3);
    ImGui::BeginGroup();
    gui::imageFit(imageTexture("snapshot:" + std::to_string(sighting.id), sighting.snapshot_jpeg), {image, image},
                  "no snapshot");
    ImGui::TextDisabled("seen by the station");
    ImGui::EndGroup();
    ImGui::SameLine();
    // Every enrolled photo of the person, read once per person under review.
    if (photos_for_ != sighting.person_id && !photos_call_.busy()) {
        photos_for_ = sighting.person_id;
        const std::uint64_t person_id = sighting.person_id;
        photos_call_.last.reset();
        photos_call_.future = tasks_.post([this, person_id] { return backend_.personPhotos(person_id); });
    }
    ImGui::BeginGroup();
    const bool have_photos = photos_call_.succeeded() && !photos_call_.busy() && !photos_call_.last->value->empty();
    if (have_photos) {
        const auto& photos = *photos_call_.last->value;
        const float small = photos.size() == 1 ? image : (image - ImGui::GetStyle().ItemSpacing.x) / 2;
        for (std::size_t i = 0; i < photos.size() && i < 4; ++i) {
            if (i % 2 == 1) ImGui::SameLine();
            gui::imageFit(imageTexture("enrolled:" + std::to_string(sighting.person_id) + ":" + std::to_string(i),
                                       photos[i]),
                          {small, photos.size() == 1 ? image : small}, "unreadable");
        }
        ImGui::TextDisabled("enrolled photos (%zu)", photos.size());
    } else {
        const proto::WantedPerson* person = findPerson(sighting.person_id);
        gui::imageFit(person ? imageTexture("thumb:" + std::to_string(person->id) + ":" +
                                                std::to_string(person->updated_at),
                                            person->thumbnail_jpeg)
                             : gui::Texture{},
                      {image, image}, photos_call_.busy() ? "loading..." : "not on the list any more");
        ImGui::TextDisabled("enrolled photo");
    }
    ImGui::EndGroup();
    ImGui::SameLine();
    ImGui::BeginGroup();
    std::vector<gui::MapMarker> markers;
    if (sighting.location.has_coordinates)
        markers.push_back({{sighting.location.latitude, sighting.location.longitude}, sighting.station,
                           ImGui::ColorConvertFloat4ToU32(gui::dangerColor(sighting.danger)), false});
    if (markers.empty()) {
        gui::imageFit({}, {image, image}, "no coordinates");
    } else {
        if (review_.map_for != sighting.id) {
            review_map_.center = markers.front().position;
            review_map_.zoom = 14;
            review_map_.fitted = true;
            review_.map_for = sighting.id;
        }
        gui::drawMap("review-map", review_map_, tiles_, textures_, markers,
                     {std::max(image, ImGui::GetContentRegionAvail().x), image});
    }
    ImGui::TextDisabled("where");
    ImGui::EndGroup();

    ImGui::PushFont(fonts.large);
    ImGui::TextUnformatted(sighting.person_name.c_str());
    ImGui::PopFont();
    ImGui::SameLine();
    gui::dangerBadge(sighting.danger);
    ImGui::Text("Face distance %.3f (lower is closer)", sighting.distance);
    if (sighting.runner_up_id != 0)
        ImGui::Text("Runner-up: %s at %.3f (margin %.3f)",
                    sighting.runner_up_name.empty() ? ("person #" + std::to_string(sighting.runner_up_id)).c_str()
                                                    : sighting.runner_up_name.c_str(),
                    sighting.runner_up_distance, sighting.runner_up_distance - sighting.distance);
    else
        ImGui::TextDisabled("Runner-up: no other wanted person was near");
    ImGui::Text("Station: %s", sighting.station.c_str());
    ImGui::Text("Place: %s", sighting.location.place.empty() ? "unknown" : sighting.location.place.c_str());
    ImGui::Text("Seen: %s (%s); received %s", gui::formatTime(sighting.observed_at_ms).c_str(),
                gui::formatAge(sighting.observed_at_ms, gui::nowUnixMs()).c_str(),
                gui::formatTime(sighting.received_at_ms).c_str());
    ImGui::Spacing();

    ImGui::BeginDisabled(review_call_.busy());
    ImGui::PushStyleColor(ImGuiCol_Button, ImVec4{0.60f, 0.14f, 0.14f, 1});
    if (ImGui::Button("Confirm  [C]")) confirmSelected();
    ImGui::PopStyleColor();
    ImGui::SameLine();
    if (ImGui::Button("Dismiss...  [D]")) review_.dismissing = true;
    ImGui::EndDisabled();
    if (!review_.dismissing) return;

    ImGui::Spacing();
    ImGui::TextUnformatted("Why is this not a sighting of this person?");
    int index = 0;
    for (const proto::DismissReason reason : kReasons) {
        ++index;
        const std::string label = "[" + std::to_string(index) + "] " + dismissalWords(reason);
        if (ImGui::RadioButton(label.c_str(), review_.reason == reason)) review_.reason = reason;
        ImGui::SameLine();
    }
    ImGui::NewLine();
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 24);
    gui::inputText(review_.reason == proto::DismissReason::Other ? "reason (required)" : "note (optional)", review_.text);
    if (review_.reason == proto::DismissReason::WrongPerson)
        gui::hintLine("\"Wrong person\" keeps this face as a look-alike of " + sighting.person_name +
                      ": stations stop alerting on faces closer to it than to the enrolled photos.");
    if (ImGui::Button("Dismiss  [Enter]")) dismissSelected();
    ImGui::SameLine();
    if (ImGui::Button("Cancel  [Esc]")) review_.dismissing = false;
}

}  // namespace vigil::console
