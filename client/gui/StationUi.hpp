#pragma once
// The station window's screens and their view state: sign-in and
// registration with the CAPTCHA, the live view (video with face boxes, the
// alert panel, the station's map, connection and pipeline figures) and the
// settings. Draws the core's snapshot every frame; every button is one
// StationBackend call on the worker thread.

#include "client/gui/StationBackend.hpp"
#include "client/gui/toolkit/AppLoop.hpp"
#include "client/gui/toolkit/BackgroundTasks.hpp"
#include "client/gui/toolkit/GuiWindow.hpp"
#include "client/gui/toolkit/MapWidget.hpp"
#include "client/gui/toolkit/TextureCache.hpp"
#include "client/gui/toolkit/TileStore.hpp"
#include "client/gui/toolkit/UiScript.hpp"

#include <chrono>
#include <future>
#include <optional>
#include <string>

namespace vigil::station {

struct StationUiOptions {
    bool blur_faces = false;  // pixelate faces in video, photos and snapshots
};

enum class StationScreen { SignIn, Register, Live, Settings };

class StationUi : public gui::WindowApp {
public:
    StationUi(StationBackend& backend, gui::TileStore& tiles, StationUiOptions options);
    ~StationUi() override;

    void frame(const gui::Fonts& fonts) override;
    void endFrame() override { textures_.endFrame(); }

    bool showScreen(std::string_view screen) override;
    bool setField(std::string_view field, std::string_view value) override;
    bool press(std::string_view action) override;
    std::optional<bool> condition(std::string_view name) override;

private:
    template <class T>
    using Call = gui::PendingCall<T>;

    struct AccountForm {
        std::string username, password, password_again, display_name, captcha_answer;
        std::optional<protocol::CaptchaChallenge> captcha;
        protocol::CaptchaPurpose captcha_purpose = protocol::CaptchaPurpose::Login;
        std::uint64_t captcha_generation = 0;
        std::string error;
        std::string notice;  // e.g. "pending approval" after registering
        bool failed = false;
        bool registered = false;
    };

    void drawTopBar(const gui::Fonts& fonts);
    void drawAccountScreen(const gui::Fonts& fonts);
    void drawCaptcha(float width);
    void drawLive(const gui::Fonts& fonts);
    void drawVideo(ImVec2 size);
    void drawAlertPanel(const gui::Fonts& fonts, ImVec2 size);
    void drawReviewBanner(const StationAlert& alert, const gui::Fonts& fonts);
    void drawStationMap(ImVec2 size);
    void drawConnection();
    void drawFigures();
    void drawSettings(const gui::Fonts& fonts);

    void requestCaptcha(protocol::CaptchaPurpose purpose);
    void submitSignIn();
    void submitRegistration();
    void loadSettings();
    void applySettings();
    void collectCalls();
    const StationAlert* activeAlert() const;
    gui::Texture imageTexture(const std::string& key, const protocol::Bytes& encoded);

    StationBackend& backend_;
    gui::TileStore& tiles_;
    StationUiOptions options_;
    gui::TextureCache textures_;

    StationScreen screen_ = StationScreen::SignIn;
    StationSnapshot snapshot_;
    AccountForm account_;
    std::optional<StationSettings> settings_;
    std::vector<std::string> voices_;
    std::string settings_message_;     // a refusal, or what was applied
    std::string settings_refused_field_;
    std::vector<std::string> settings_notes_;
    bool settings_failed_ = false;
    gui::MapView map_view_;
    bool map_drawn_ = false;
    std::chrono::steady_clock::time_point last_captcha_request_{};

    Call<protocol::CaptchaChallenge> captcha_call_;
    Call<protocol::LoginResponse> login_call_;
    Call<protocol::RegisterResponse> register_call_;
    Call<SettingsApplied> settings_call_;
    struct SettingsRead {
        StationSettings settings;
        std::vector<std::string> voices;
        bool editable = false;
    };
    std::future<SettingsRead> settings_load_;
    bool settings_editable_ = false;

    gui::BackgroundTasks tasks_;  // last: joined first on destruction
};

}  // namespace vigil::station
