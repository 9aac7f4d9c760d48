#include "client/gui/StationUi.hpp"

#include "client/gui/toolkit/PrivacyBlur.hpp"
#include "client/gui/toolkit/Theme.hpp"
#include "client/gui/toolkit/Widgets.hpp"

#include <imgui.h>

#include <algorithm>
#include <charconv>
#include <chrono>

namespace vigil::station {

namespace proto = vigil::protocol;

StationUi::StationUi(StationBackend& backend, gui::TileStore& tiles, StationUiOptions options)
    : backend_(backend), tiles_(tiles), options_(options) {
    requestCaptcha(proto::CaptchaPurpose::Login);
}

StationUi::~StationUi() = default;

gui::Texture StationUi::imageTexture(const std::string& key, const proto::Bytes& encoded) {
    if (textures_.has(key)) return textures_.get(key, cv::Mat{});
    cv::Mat image = gui::decodeImage(encoded);
    if (options_.blur_faces && !image.empty()) gui::pixelate(image, {0, 0, image.cols, image.rows});
    return textures_.get(key, image);
}

const StationAlert* StationUi::activeAlert() const {
    for (const auto& alert : snapshot_.alerts)
        if (!alert.acknowledged) return &alert;
    return nullptr;
}

// --- actions -----------------------------------------------------------------

void StationUi::requestCaptcha(proto::CaptchaPurpose purpose) {
    if (captcha_call_.busy()) return;
    account_.captcha_answer.clear();
    account_.captcha_purpose = purpose;
    account_.captcha.reset();
    last_captcha_request_ = std::chrono::steady_clock::now();
    captcha_call_.future = tasks_.post([this, purpose] { return backend_.newCaptcha(purpose); });
}

void StationUi::submitSignIn() {
    if (login_call_.busy() || !account_.captcha) return;
    proto::LoginRequest request;
    request.username = account_.username;
    request.password = account_.password;
    request.captcha_id = account_.captcha->challenge_id;
    request.captcha_answer = account_.captcha_answer;
    account_.error.clear();
    account_.failed = false;
    login_call_.future = tasks_.post([this, request] { return backend_.login(request); });
}

void StationUi::submitRegistration() {
    if (register_call_.busy() || !account_.captcha) return;
    if (account_.password != account_.password_again) {
        account_.error = "The two passwords differ.";
        account_.failed = true;
        return;
    }
    proto::RegisterRequest request;
    request.username = account_.username;
    request.password = account_.password;
    request.display_name = account_.display_name;
    request.captcha_id = account_.captcha->challenge_id;
    request.captcha_answer = account_.captcha_answer;
    account_.error.clear();
    account_.notice.clear();
    account_.failed = false;
    register_call_.future = tasks_.post([this, request] { return backend_.registerAccount(request); });
}

void StationUi::loadSettings() {
    if (settings_load_.valid()) return;
    settings_load_ = tasks_.post([this] {
        return SettingsRead{backend_.settings(), backend_.voices(), backend_.settingsEditable()};
    });
}

void StationUi::applySettings() {
    if (!settings_ || settings_call_.busy()) return;
    const StationSettings wanted = *settings_;
    settings_message_.clear();
    settings_call_.future = tasks_.post([this, wanted] { return backend_.applySettings(wanted); });
}

void StationUi::collectCalls() {
    if (captcha_call_.collect()) {
        if (captcha_call_.last->ok()) {
            account_.captcha = *captcha_call_.last->value;
            ++account_.captcha_generation;
            if (account_.error.starts_with("Could not get a CAPTCHA")) account_.error.clear();
        } else {
            account_.error = "Could not get a CAPTCHA: " + captcha_call_.last->message();
        }
    }
    if (login_call_.collect()) {
        account_.password.clear();
        if (login_call_.last->ok()) {
            screen_ = StationScreen::Live;
        } else {
            account_.failed = true;
            account_.error = login_call_.last->message();
            requestCaptcha(proto::CaptchaPurpose::Login);  // single use, right or wrong
        }
    }
    if (register_call_.collect()) {
        account_.password.clear();
        account_.password_again.clear();
        if (register_call_.last->ok()) {
            account_.registered = true;
            const auto& answer = *register_call_.last->value;
            account_.notice = answer.status == proto::AccountStatus::Pending
                                  ? "Registered. Your account is pending approval by HQ: you can sign "
                                    "in once an administrator approves it."
                                  : "Registered. " + answer.message;
            requestCaptcha(proto::CaptchaPurpose::Login);
        } else {
            account_.failed = true;
            account_.error = register_call_.last->message();
            requestCaptcha(proto::CaptchaPurpose::Register);
        }
    }
    if (gui::isReady(settings_load_)) {
        try {
            auto read = settings_load_.get();
            settings_ = read.settings;
            voices_ = std::move(read.voices);
            settings_editable_ = read.editable;
        } catch (const std::exception& error) {
            settings_message_ = std::string("Cannot read the settings: ") + error.what();
            settings_failed_ = true;
        }
    }
    if (settings_call_.collect()) {
        settings_notes_.clear();
        settings_refused_field_.clear();
        if (!settings_call_.last->ok()) {
            settings_failed_ = true;
            settings_message_ = "Not applied: " + settings_call_.last->message();
        } else if (const SettingsApplied& applied = *settings_call_.last->value; !applied.accepted()) {
            settings_failed_ = true;
            settings_refused_field_ = applied.refused_field;
            settings_message_ = "Not applied: " + applied.refusal;
        } else {
            settings_failed_ = !applied.save_error.empty();
            settings_message_ = applied.save_error.empty() ? "Settings applied." : applied.save_error;
            settings_notes_ = applied.notes;
        }
    }
}

// --- frame -------------------------------------------------------------------

void StationUi::frame(const gui::Fonts& fonts) {
    collectCalls();
    snapshot_ = backend_.snapshot();
    // A CAPTCHA comes from HQ: asked for at start, the link may still be
    // connecting. Ask again once it is up, and retry a failed request.
    const bool link_up = snapshot_.link == LinkState::Connected || snapshot_.link == LinkState::SignedIn;
    const auto now = std::chrono::steady_clock::now();
    if (!snapshot_.signed_in && link_up && !account_.captcha && !captcha_call_.busy() &&
        now - last_captcha_request_ > std::chrono::seconds(2))
        requestCaptcha(account_.captcha_purpose);
    if (snapshot_.signed_in && (screen_ == StationScreen::SignIn || screen_ == StationScreen::Register))
        screen_ = StationScreen::Live;
    if (!snapshot_.signed_in && (screen_ == StationScreen::Live || screen_ == StationScreen::Settings))
        screen_ = StationScreen::SignIn;

    const ImGuiViewport* viewport = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(viewport->WorkPos);
    ImGui::SetNextWindowSize(viewport->WorkSize);
    ImGui::Begin("Vigil station", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                     ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoSavedSettings);
    drawTopBar(fonts);
    switch (screen_) {
        case StationScreen::SignIn:
        case StationScreen::Register: drawAccountScreen(fonts); break;
        case StationScreen::Live: drawLive(fonts); break;
        case StationScreen::Settings: drawSettings(fonts); break;
    }
    ImGui::End();
}

void StationUi::drawTopBar(const gui::Fonts& fonts) {
    ImGui::PushFont(fonts.large);
    ImGui::TextUnformatted("Vigil station");
    ImGui::PopFont();
    ImGui::SameLine();
    ImGui::SetCursorPosY(ImGui::GetCursorPosY() + ImGui::GetFontSize() * 0.45f);
    const auto& s = snapshot_;
    ImVec4 colour = gui::colors::kDanger;
    std::string state = "offline";
    switch (s.link) {
        case LinkState::Offline: break;
        case LinkState::Connecting: colour = gui::colors::kWarning; state = "connecting"; break;
        case LinkState::Connected: colour = gui::colors::kWarning; state = "connected, not signed in"; break;
        case LinkState::SignedIn: colour = gui::colors::kOk; state = "online"; break;
    }
    std::string text = state + " - " + (s.server_address.empty() ? "no server set" : s.server_address);
    if (!s.username.empty()) text += " as " + s.username;
    if (!s.link_detail.empty()) text += " (" + s.link_detail + ")";
    gui::statusDot(colour, text.c_str());
    if (s.signed_in) {
        const char* labels[] = {"Live", "Settings"};
        float width = 0;
        for (const char* label : labels)
            width += ImGui::CalcTextSize(label).x + ImGui::GetStyle().FramePadding.x * 2 +
                     ImGui::GetStyle().ItemSpacing.x;
        ImGui::SameLine(ImGui::GetContentRegionMax().x - width + ImGui::GetStyle().ItemSpacing.x);
        if (ImGui::Button("Live")) screen_ = StationScreen::Live;
        ImGui::SameLine();
        if (ImGui::Button("Settings")) {
            screen_ = StationScreen::Settings;
            loadSettings();
        }
    }
    ImGui::Separator();
}

// --- script target -----------------------------------------------------------

bool StationUi::showScreen(std::string_view screen) {
    if (screen == "sign-in") {
        if (snapshot_.signed_in) return false;
        screen_ = StationScreen::SignIn;
        if (account_.captcha_purpose != proto::CaptchaPurpose::Login) requestCaptcha(proto::CaptchaPurpose::Login);
    } else if (screen == "register") {
        if (snapshot_.signed_in) return false;
        screen_ = StationScreen::Register;
        if (account_.captcha_purpose != proto::CaptchaPurpose::Register) requestCaptcha(proto::CaptchaPurpose::Register);
    } else if (screen == "live") {
        if (!snapshot_.signed_in) return false;
        screen_ = StationScreen::Live;
    } else if (screen == "settings") {
        if (!snapshot_.signed_in) return false;
        screen_ = StationScreen::Settings;
        loadSettings();
    } else {
        return false;
    }
    return true;
}

bool StationUi::setField(std::string_view field, std::string_view value) {
    const std::string text(value);
    if (field == "username") account_.username = text;
    else if (field == "password") account_.password = text;
    else if (field == "password-again") account_.password_again = text;
    else if (field == "display-name") account_.display_name = text;
    else if (field == "captcha") account_.captcha_answer = text;
    else if (settings_ && field == "source") settings_->source = text;
    else if (settings_ && field == "server") settings_->server_address = text;
    else if (settings_ && field == "voice") settings_->voice = text;
    else if (settings_ && field == "speech") settings_->speech = text == "on";
    else if (settings_ && field == "threshold") {
        float threshold = 0;
        const auto result = std::from_chars(text.data(), text.data() + text.size(), threshold);
        if (result.ec != std::errc{}) return false;
        settings_->threshold = threshold;
    } else return false;
    return true;
}

bool StationUi::press(std::string_view action) {
    if (action == "sign-in") submitSignIn();
    else if (action == "register") submitRegistration();
    else if (action == "new-captcha") requestCaptcha(account_.captcha_purpose);
    else if (action == "acknowledge") {
        const StationAlert* alert = activeAlert();
        if (!alert) return false;
        const std::uint64_t id = alert->id;
        tasks_.post([this, id] { backend_.acknowledge(id); });
    } else if (action == "apply-settings") {
        if (!settings_) return false;
        applySettings();
    } else return false;
    return true;
}

std::optional<bool> StationUi::condition(std::string_view name) {
    if (name == "captcha-shown") return account_.captcha.has_value() && textures_.has("captcha", account_.captcha_generation);
    if (name == "signed-in") return snapshot_.signed_in;
    if (name == "sign-in-failed") return account_.failed && !captcha_call_.busy();
    if (name == "registered") return account_.registered;
    if (name == "video") return !snapshot_.frame.empty();
    if (name == "face-boxed") return !snapshot_.faces.empty();
    if (name == "alert") return activeAlert() != nullptr;
    if (name == "no-alert") return activeAlert() == nullptr;
    if (name == "alert-reported") return activeAlert() && activeAlert()->reported;
    if (name == "alert-confirmed") return activeAlert() && activeAlert()->review == AlertReview::Confirmed;
    if (name == "alert-withdrawn") return activeAlert() && activeAlert()->review == AlertReview::Dismissed;
    if (name == "watchlist-loaded") return snapshot_.watchlist_size > 0;
    if (name == "settings-loaded") return settings_.has_value();
    if (name == "settings-applied")
        return settings_call_.succeeded() && !settings_call_.busy() && settings_call_.last->value->accepted();
    if (name == "settings-refused")
        return settings_call_.succeeded() && !settings_call_.busy() && !settings_call_.last->value->accepted();
    if (name == "map-drawn") return map_drawn_;
    if (name == "idle")
        return tasks_.pending() == 0 && !captcha_call_.busy() && !login_call_.busy() && !register_call_.busy() &&
               !settings_call_.busy();
    return std::nullopt;
}

}  // namespace vigil::station
