#include "server/console/ConsoleApp.hpp"

#include "client/gui/toolkit/Theme.hpp"
#include "client/gui/toolkit/Widgets.hpp"
#include "client/gui/toolkit/PrivacyBlur.hpp"

#include <imgui.h>

#include <algorithm>
#include <charconv>

namespace vigil::console {

using namespace std::chrono_literals;
namespace proto = vigil::protocol;

ConsoleApp::ConsoleApp(ConsoleBackend& backend, gui::TileStore& tiles, ConsoleOptions options)
    : backend_(backend), tiles_(tiles), options_(options) {
    requestCaptcha();
}

ConsoleApp::~ConsoleApp() = default;

bool ConsoleApp::isAdmin() const { return session_ && session_->role == proto::Role::Admin; }

bool ConsoleApp::canEditWatchlist() const {
    return session_ && (session_->role == proto::Role::Admin || session_->role == proto::Role::Operator);
}

const proto::WantedPerson* ConsoleApp::findPerson(std::uint64_t id) const {
    if (!persons_call_.last || !persons_call_.last->ok()) return nullptr;
    for (const auto& person : *persons_call_.last->value)
        if (person.id == id) return &person;
    return nullptr;
}

const proto::WantedPerson* ConsoleApp::selectedPerson() const {
    return selected_person_ ? findPerson(*selected_person_) : nullptr;
}

std::size_t ConsoleApp::unacknowledgedAlerts() const {
    // A dismissed sighting needs no acknowledgement: HQ already decided it was not a match.
    return static_cast<std::size_t>(std::count_if(alerts_.begin(), alerts_.end(), [&](const auto& s) {
        return !acknowledged_.contains(s.id) && s.review != proto::ReviewState::Dismissed;
    }));
}

gui::Texture ConsoleApp::imageTexture(const std::string& key, const proto::Bytes& encoded) {
    if (textures_.has(key)) return textures_.get(key, cv::Mat{});
    cv::Mat image = gui::decodeImage(encoded);
    if (options_.blur_faces && !image.empty()) gui::pixelate(image, {0, 0, image.cols, image.rows});
    return textures_.get(key, image);
}

gui::Texture ConsoleApp::previewTexture(const std::string& key, const PhotoCheck& photo) {
    if (textures_.has(key)) return textures_.get(key, cv::Mat{});
    cv::Mat image = photo.image.clone();
    if (options_.blur_faces && !image.empty()) {
        if (photo.faces.empty()) gui::pixelate(image, {0, 0, image.cols, image.rows});
        for (const auto& face : photo.faces) gui::pixelate(image, face);
        gui::pixelateFrame(image);  // faces the detector missed too
    }
    return textures_.get(key, image);
}

// --- actions ---------------------------------------------------------------

void ConsoleApp::requestCaptcha() {
    if (captcha_call_.busy()) return;
    login_.captcha_answer.clear();
    captcha_call_.future = tasks_.post([this] { return backend_.newCaptcha(); });
}

void ConsoleApp::submitLogin() {
    if (login_call_.busy() || !login_.captcha) return;
    proto::LoginRequest request;
    request.username = login_.username;
    request.password = login_.password;
    request.captcha_id = login_.captcha->challenge_id;
    request.captcha_answer = login_.captcha_answer;
    request.one_time_code = login_.one_time_code;
    login_.error.clear();
    login_.failed = false;
    login_call_.future = tasks_.post([this, request] { return backend_.login(request); });
}

void ConsoleApp::logout() {
    tasks_.post([this] { backend_.logout(); });
    session_.reset();
    login_ = {};
    form_ = {};
    alerts_.clear();
    acknowledged_.clear();
    selected_person_.reset();
    persons_call_.last.reset();
    users_call_.last.reset();
    sightings_call_.last.reset();
    audit_call_.last.reset();
    pending_call_.last.reset();
    photos_call_.last.reset();
    photos_for_ = 0;
    review_ = {};
    screen_ = Screen::Login;
    requestCaptcha();
}

void ConsoleApp::refreshLists(bool force) {
    if (!session_) return;
    const auto now = std::chrono::steady_clock::now();
    if (!force && now - last_refresh_ < options_.refresh_interval) return;
    last_refresh_ = now;
    // A viewer sees sightings only; the server would refuse the watchlist anyway.
    if (session_->role != proto::Role::Viewer && !persons_call_.busy())
        persons_call_.future = tasks_.post([this] { return backend_.persons(); });
    if (!sightings_call_.busy())
        sightings_call_.future = tasks_.post([this] { return backend_.sightings(200); });
    if (isAdmin() && !users_call_.busy())
        users_call_.future = tasks_.post([this] { return backend_.users(); });
    if (canEditWatchlist() && !pending_call_.busy())
        pending_call_.future = tasks_.post([this] { return backend_.pendingSightings(); });
    if (isAdmin() && !audit_call_.busy())
        audit_call_.future = tasks_.post([this] { return backend_.audit(500); });
    if (!status_call_.valid()) status_call_ = tasks_.post([this] { return backend_.status(); });
}

void ConsoleApp::collectCalls() {
    if (captcha_call_.collect()) {
        if (captcha_call_.last->ok()) {
            login_.captcha = *captcha_call_.last->value;
            ++login_.captcha_generation;
        } else {
            login_.captcha.reset();
            login_.error = "Could not get a CAPTCHA: " +
                           std::string(proto::errorSentence(captcha_call_.last->error.code));
        }
    }
    if (login_call_.collect()) {
        if (login_call_.last->ok()) {
            session_ = *login_call_.last->value;
            login_.password.clear();
            screen_ = session_->role == proto::Role::Viewer ? Screen::Alerts : Screen::Persons;
            refreshLists(true);
        } else {
            login_.failed = true;
            login_.error = std::string(proto::errorSentence(login_call_.last->error.code));
            login_.password.clear();
            requestCaptcha();  // a CAPTCHA is single use, right or wrong
        }
    }
    persons_call_.collect();
    users_call_.collect();
    pending_call_.collect();
    collectReview();
    audit_call_.collect();
    if (sightings_call_.collect() && sightings_call_.last->ok()) {
        // Merge: keep pushed alerts, add stored ones not seen yet; newest first.
        // A stored one also carries the latest review decision.
        for (const auto& sighting : *sightings_call_.last->value) {
            const auto known = std::find_if(alerts_.begin(), alerts_.end(),
                                            [&](const auto& a) { return a.id == sighting.id; });
            if (known == alerts_.end()) alerts_.push_back(sighting);
            else *known = sighting;
        }
        std::sort(alerts_.begin(), alerts_.end(), [](const auto& a, const auto& b) {
            return a.received_at_ms > b.received_at_ms;
        });
    }
    if (gui::isReady(status_call_)) {
        try {
            status_ = status_call_.get();
        } catch (const std::exception&) {
            status_call_ = {};
        }
    }
    if (photo_call_.collect()) {
        if (photo_call_.last->ok()) {
            form_.photos.push_back(*photo_call_.last->value);
            form_.photo_keys.push_back(++next_photo_key_);
            form_.photo_path.clear();
            form_.error.clear();
        } else {
            form_.error = std::string(proto::errorSentence(photo_call_.last->error.code)) +
                          (photo_call_.last->error.text.empty()
                               ? ""
                               : " (" + photo_call_.last->error.text + ")");
        }
    }
    if (add_call_.collect()) {
        if (add_call_.last->ok()) {
            form_.saved = true;
            form_.saved_message = "Added " + form_.name + " (watchlist version " +
                                  std::to_string(add_call_.last->value->watchlist_version) + ").";
            selected_person_ = add_call_.last->value->person_id;
            refreshLists(true);
        } else {
            form_.error = std::string(proto::errorSentence(add_call_.last->error.code)) +
                          (add_call_.last->error.text.empty() ? "" : ": " + add_call_.last->error.text);
        }
    }
    if (change_call_.collect()) {
        if (change_call_.last->ok()) {
            status_message_ = change_what_ + ": done.";
            if (screen_ == Screen::PersonForm) {
                form_.saved = true;
                form_.saved_message = "Saved " + form_.name + ".";
            }
        } else {
            status_message_ = change_what_ + " failed: " +
                              std::string(proto::errorSentence(change_call_.last->error.code));
            if (screen_ == Screen::PersonForm) form_.error = status_message_;
        }
        refreshLists(true);
    }
    if (session_) {
        for (const auto& decided : backend_.pollDecisions()) applyDecision(decided);
        auto pushed = backend_.pollAlerts();
        // A push of a known sighting is its review decision: replace it in place.
        for (auto& sighting : pushed) {
            const auto known = std::find_if(alerts_.begin(), alerts_.end(),
                                            [&](const auto& a) { return a.id == sighting.id; });
            if (known == alerts_.end()) alerts_.insert(alerts_.begin(), std::move(sighting));
            else *known = std::move(sighting);
        }
    }
}

void ConsoleApp::checkPhoto() {
    if (photo_call_.busy() || form_.photo_path.empty()) return;
    const std::string path = form_.photo_path;
    form_.error.clear();
    photo_call_.future = tasks_.post([this, path] { return backend_.checkPhoto(path); });
}

namespace {
std::vector<std::string> splitAliases(const std::string& text) {
    std::vector<std::string> aliases;
    std::string current;
    auto flush = [&] {
        const auto first = current.find_first_not_of(' ');
        if (first != std::string::npos) {
            const auto last = current.find_last_not_of(' ');
            aliases.push_back(current.substr(first, last - first + 1));
        }
        current.clear();
    };
    for (char c : text) {
        if (c == ',' || c == ';') flush();
        else current.push_back(c);
    }
    flush();
    return aliases;
}

std::string joinAliases(const std::vector<std::string>& aliases) {
    std::string text;
    for (const auto& alias : aliases) text += (text.empty() ? "" : ", ") + alias;
    return text;
}
}  // namespace

void ConsoleApp::savePerson() {
    if (add_call_.busy() || change_call_.busy()) return;
    proto::PersonDetails details;
    details.name = form_.name;
    details.aliases = splitAliases(form_.aliases);
    details.reason = form_.reason;
    details.danger = form_.danger;
    details.notes = form_.notes;
    form_.error.clear();
    form_.saved = false;
    if (form_.editing) {
        proto::PersonUpdate update{*form_.editing, details};
        change_what_ = "Saving " + details.name;
        change_call_.future = tasks_.post([this, update] { return backend_.updatePerson(update); });
        return;
    }
    proto::PersonAdd add;
    add.details = details;
    for (const auto& photo : form_.photos)
        if (photo.accepted) add.photos_jpeg.push_back(photo.jpeg);
    add_call_.future = tasks_.post([this, add] { return backend_.addPerson(add); });
}

void ConsoleApp::startAdd() {
    form_ = {};
    screen_ = Screen::PersonForm;
}

void ConsoleApp::startEdit(const proto::WantedPerson& person) {
    form_ = {};
    form_.editing = person.id;
    form_.name = person.details.name;
    form_.aliases = joinAliases(person.details.aliases);
    form_.reason = person.details.reason;
    form_.danger = person.details.danger;
    form_.notes = person.details.notes;
    screen_ = Screen::PersonForm;
}

void ConsoleApp::removeSelected() {
    const proto::WantedPerson* person = selectedPerson();
    if (!person || change_call_.busy()) return;
    const std::uint64_t id = person->id;
    change_what_ = "Removing " + person->details.name;
    change_call_.future = tasks_.post([this, id] { return backend_.removePerson(id); });
    selected_person_.reset();
}

void ConsoleApp::decide(const std::string& username, proto::UserAction action, proto::Role role) {
    if (change_call_.busy()) return;
    proto::UserDecision decision{username, action, role};
    static constexpr const char* kVerbs[] = {"Approving", "Rejecting", "Disabling", "Enabling",
                                             "Changing the role of"};
    change_what_ = std::string(kVerbs[static_cast<int>(action)]) + " " + username;
    change_call_.future = tasks_.post([this, decision] { return backend_.decideUser(decision); });
}

void ConsoleApp::acknowledge(std::uint64_t sighting_id) { acknowledged_.insert(sighting_id); }

// --- frame -------------------------------------------------------------------

void ConsoleApp::frame(const gui::Fonts& fonts) {
    collectCalls();
    refreshLists(false);
    const ImGuiViewport* viewport = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(viewport->WorkPos);
    ImGui::SetNextWindowSize(viewport->WorkSize);
    ImGui::Begin("Vigil HQ console", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                     ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoSavedSettings);
    if (!session_) {
        screen_ = Screen::Login;
        drawLogin(fonts);
    } else {
        drawShell(fonts);
    }
    ImGui::End();
}

void ConsoleApp::drawShell(const gui::Fonts& fonts) {
    // Header: who is logged in and as what.
    ImGui::PushFont(fonts.large);
    ImGui::TextUnformatted("Vigil HQ");
    ImGui::PopFont();
    ImGui::SameLine();
    ImGui::SetCursorPosY(ImGui::GetCursorPosY() + ImGui::GetFontSize() * 0.45f);
    ImGui::TextDisabled("signed in as %s (%s)", session_->username.c_str(),
                        std::string(proto::describe(session_->role)).c_str());
    const float logout_width = ImGui::CalcTextSize("Log out").x + ImGui::GetStyle().FramePadding.x * 2;
    ImGui::SameLine(ImGui::GetContentRegionMax().x - logout_width);
    if (ImGui::Button("Log out")) logout();
    ImGui::Separator();

    const float status_height = ImGui::GetFrameHeightWithSpacing() + 4;
    const float nav_width = ImGui::GetFontSize() * 12;
    ImGui::BeginChild("navigation", {nav_width, -status_height}, true);
    drawNavigation();
    ImGui::EndChild();
    ImGui::SameLine();
    ImGui::BeginChild("content", {0, -status_height}, false);
    switch (screen_) {
        case Screen::Login:
        case Screen::Persons: drawPersons(fonts); break;
        case Screen::PersonForm: drawPersonForm(fonts); break;
        case Screen::Accounts: drawAccounts(fonts); break;
        case Screen::Alerts: drawAlerts(fonts); break;
        case Screen::Review: drawReview(fonts); break;
        case Screen::Map: drawMap(fonts); break;
        case Screen::Audit: drawAudit(fonts); break;
        case Screen::Status: drawStatus(fonts); break;
    }
    ImGui::EndChild();
    drawStatusBar();
}

void ConsoleApp::drawNavigation() {
    auto item = [&](const char* label, Screen target, bool allowed, std::size_t badge = 0) {
        if (!allowed) return;
        const bool selected = screen_ == target || (target == Screen::Persons && screen_ == Screen::PersonForm);
        std::string text = label;
        if (badge > 0) text += "  (" + std::to_string(badge) + ")";
        if (badge > 0) ImGui::PushStyleColor(ImGuiCol_Text, gui::colors::kDanger);
        if (ImGui::Selectable(text.c_str(), selected)) screen_ = target;
        if (badge > 0) ImGui::PopStyleColor();
    };
    const bool staff = canEditWatchlist();
    item("Wanted persons", Screen::Persons, session_->role != proto::Role::Viewer);
    item("Live alerts", Screen::Alerts, true, unacknowledgedAlerts());
    item("Review queue", Screen::Review, staff, pendingReviews());
    item("Map", Screen::Map, true);
    item("Accounts", Screen::Accounts, isAdmin());
    item("Audit log", Screen::Audit, isAdmin());
    item("Server status", Screen::Status, staff);
}

void ConsoleApp::drawStatusBar() {
    ImGui::Separator();
    const auto& s = status_;
    const std::int64_t up = s.uptime_seconds;
    ImGui::Text("Stations connected: %zu",
                static_cast<std::size_t>(std::count_if(s.stations.begin(), s.stations.end(), [](const auto& c) {
                    return c.role == proto::Role::Station;
                })));
    ImGui::SameLine(0, 30);
    ImGui::Text("Receiving alerts: %zu", s.alert_subscribers);
    ImGui::SameLine(0, 30);
    ImGui::Text("Watchlist v%llu (%zu persons)", static_cast<unsigned long long>(s.watchlist_version),
                s.person_count);
    ImGui::SameLine(0, 30);
    ImGui::Text("Uptime %lldh %02lldm", static_cast<long long>(up / 3600),
                static_cast<long long>(up / 60 % 60));
    if (tasks_.pending() > 0) {
        ImGui::SameLine(0, 30);
        ImGui::TextDisabled("working...");
    }
    if (!status_message_.empty()) {
        ImGui::SameLine(0, 30);
        ImGui::TextUnformatted(status_message_.c_str());
    }
}

// --- script target ---------------------------------------------------------

bool ConsoleApp::showScreen(std::string_view screen) {
    if (screen == "login") {
        if (session_) logout();
        return true;
    }
    if (!session_) return false;
    if (screen == "persons") screen_ = Screen::Persons;
    else if (screen == "person-add") startAdd();
    else if (screen == "person-edit") {
        const proto::WantedPerson* person = selectedPerson();
        if (!person) return false;
        startEdit(*person);
    } else if (screen == "accounts") screen_ = Screen::Accounts;
    else if (screen == "alerts") screen_ = Screen::Alerts;
    else if (screen == "review") {
        if (!canEditWatchlist()) return false;
        screen_ = Screen::Review;
    }
    else if (screen == "map") screen_ = Screen::Map;
    else if (screen == "audit") screen_ = Screen::Audit;
    else if (screen == "status") screen_ = Screen::Status;
    else return false;
    return true;
}

bool ConsoleApp::setField(std::string_view field, std::string_view value) {
    const std::string text(value);
    if (field == "username") login_.username = text;
    else if (field == "password") login_.password = text;
    else if (field == "captcha") login_.captcha_answer = text;
    else if (field == "one-time-code") login_.one_time_code = text;
    else if (field == "search") search_ = text;
    else if (field == "name") form_.name = text;
    else if (field == "aliases") form_.aliases = text;
    else if (field == "reason") form_.reason = text;
    else if (field == "notes") form_.notes = text;
    else if (field == "photo-path") form_.photo_path = text;
    else if (field == "danger") return proto::parseDangerLevel(text, form_.danger);
    else if (field == "dismiss-reason") return proto::parseDismissReason(text, review_.reason);
    else if (field == "dismiss-text") review_.text = text;
    else return false;
    return true;
}

bool ConsoleApp::press(std::string_view action) {
    if (action == "login") submitLogin();
    else if (action == "new-captcha") requestCaptcha();
    else if (action == "logout") logout();
    else if (action == "check-photo") checkPhoto();
    else if (action == "save-person") savePerson();
    else if (action == "select-first-person") {
        if (!persons_call_.last || !persons_call_.last->ok() || persons_call_.last->value->empty())
            return false;
        selected_person_ = persons_call_.last->value->front().id;
    } else if (action == "remove-person") {
        if (!selectedPerson()) return false;
        confirm_remove_ = true;
    } else if (action == "confirm-remove") {
        if (!confirm_remove_) return false;
        removeSelected();
        confirm_remove_ = false;
    } else if (action == "approve-first-pending") {
        if (!users_call_.last || !users_call_.last->ok()) return false;
        for (const auto& user : *users_call_.last->value)
            if (user.status == proto::AccountStatus::Pending) {
                decide(user.username, proto::UserAction::Approve, proto::Role::Station);
                return true;
            }
        return false;
    } else if (action == "acknowledge-all") {
        for (const auto& alert : alerts_) acknowledge(alert.id);
    } else if (action == "review-confirm") {
        if (!selectedReview()) return false;
        confirmSelected();
    } else if (action == "review-dismiss") {
        if (!selectedReview()) return false;
        review_.dismissing = true;
    } else if (action == "review-dismiss-send") {
        if (!selectedReview() || !review_.dismissing) return false;
        dismissSelected();
    } else if (action == "refresh") refreshLists(true);
    else return false;
    return true;
}

std::optional<bool> ConsoleApp::condition(std::string_view name) {
    auto listed = [](const auto& call) { return call.last && call.last->ok(); };
    if (name == "captcha-shown") return login_.captcha.has_value() && textures_.has("captcha", login_.captcha_generation);
    if (name == "logged-in") return session_.has_value();
    if (name == "login-failed") return login_.failed && !captcha_call_.busy();
    if (name == "persons-loaded") return listed(persons_call_);
    if (name == "has-person") return listed(persons_call_) && !persons_call_.last->value->empty();
    if (name == "photo-checked") return !photo_call_.busy() && !form_.photos.empty();
    if (name == "photo-accepted")
        return std::any_of(form_.photos.begin(), form_.photos.end(), [](const auto& p) { return p.accepted; });
    if (name == "person-saved") return form_.saved;
    if (name == "has-alert") return !alerts_.empty();
    if (name == "users-loaded") return listed(users_call_);
    if (name == "has-pending-user") {
        if (!listed(users_call_)) return false;
        const auto& users = *users_call_.last->value;
        return std::any_of(users.begin(), users.end(),
                           [](const auto& u) { return u.status == proto::AccountStatus::Pending; });
    }
    if (name == "audit-loaded") return listed(audit_call_) && !audit_call_.last->value->empty();
    if (name == "map-drawn") return map_drawn_;
    if (name == "has-pending-review") return pendingReviews() > 0;
    if (name == "review-empty") return pending_call_.succeeded() && !pending_call_.busy() && pendingReviews() == 0;
    if (name == "review-recorded") return review_call_.succeeded() && !review_call_.busy();
    if (name == "has-decided-alert")
        return std::any_of(alerts_.begin(), alerts_.end(),
                           [](const auto& s) { return s.review != proto::ReviewState::Pending; });
    if (name == "idle") {
        // Finished and collected: an answer still waiting in its future
        // would make the next press of the same button a no-op.
        const bool any_busy = captcha_call_.busy() || login_call_.busy() || persons_call_.busy() ||
                              users_call_.busy() || sightings_call_.busy() || audit_call_.busy() ||
                              photo_call_.busy() || add_call_.busy() || change_call_.busy() ||
                              pending_call_.busy() || review_call_.busy() || photos_call_.busy();
        return tasks_.pending() == 0 && !any_busy;
    }
    return std::nullopt;
}

}  // namespace vigil::console
