#pragma once
// The HQ console's screens and their view state. Immediate mode: every frame
// draws from the lists last fetched through ConsoleBackend; every button
// posts one backend call to the worker and shows its outcome when it lands.
// The app keeps only view state (which screen, text being typed, what is
// selected, which alerts this operator acknowledged).

#include "client/gui/toolkit/AppLoop.hpp"
#include "client/gui/toolkit/BackgroundTasks.hpp"
#include "client/gui/toolkit/GuiWindow.hpp"
#include "client/gui/toolkit/MapWidget.hpp"
#include "client/gui/toolkit/TextureCache.hpp"
#include "client/gui/toolkit/TileStore.hpp"
#include "client/gui/toolkit/UiScript.hpp"
#include "server/console/ConsoleBackend.hpp"

#include <chrono>
#include <future>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace vigil::console {

struct ConsoleOptions {
    // Pixelate faces in photos, thumbnails and snapshots (screen sharing,
    // README screenshots). Boxes and verdicts are still drawn.
    bool blur_faces = false;
    // How often lists are re-read from the server while their screen shows.
    std::chrono::milliseconds refresh_interval{2000};
};

enum class Screen { Login, Persons, PersonForm, Accounts, Alerts, Review, Map, Audit, Status };

class ConsoleApp : public gui::WindowApp {
public:
    ConsoleApp(ConsoleBackend& backend, gui::TileStore& tiles, ConsoleOptions options);
    ~ConsoleApp() override;

    // Draws the whole window for one frame.
    void frame(const gui::Fonts& fonts) override;
    // Call after the frame was rendered (releases idle textures).
    void endFrame() override { textures_.endFrame(); }

    // UiScriptTarget
    bool showScreen(std::string_view screen) override;
    bool setField(std::string_view field, std::string_view value) override;
    bool press(std::string_view action) override;
    std::optional<bool> condition(std::string_view name) override;

private:
    template <class T>
    using Call = gui::PendingCall<T>;

    struct LoginForm {
        std::string username, password, captcha_answer, one_time_code;
        std::optional<protocol::CaptchaChallenge> captcha;
        std::uint64_t captcha_generation = 0;
        std::string error;
        bool failed = false;
    };

    struct PersonForm {
        std::optional<std::uint64_t> editing;  // person id, or adding a new one
        std::string name, aliases, reason, notes;
        protocol::DangerLevel danger = protocol::DangerLevel::Medium;
        std::string photo_path;
        std::vector<PhotoCheck> photos;  // checked photos, accepted or not
        std::vector<std::uint64_t> photo_keys;  // texture key of each, never reused
        std::string error;
        std::string saved_message;
        bool saved = false;
    };

    // The review queue's view state: which sighting, the dismissal being written.
    struct ReviewForm {
        std::optional<std::uint64_t> selected;
        bool dismissing = false;
        protocol::DismissReason reason = protocol::DismissReason::WrongPerson;
        std::string text;
        std::string message;
        bool failed = false;
        std::uint64_t map_for = 0;  // the sighting the small map was centred on
    };

    // screens
    void drawLogin(const gui::Fonts& fonts);
    void drawShell(const gui::Fonts& fonts);
    void drawNavigation();
    void drawStatusBar();
    void drawPersons(const gui::Fonts& fonts);
    void drawPersonDetail(const protocol::WantedPerson& person, const gui::Fonts& fonts);
    void drawRemoveConfirmation();
    void drawPersonForm(const gui::Fonts& fonts);
    void drawPhotoCheck(const PhotoCheck& photo, std::uint64_t key, bool& remove);
    void drawAccounts(const gui::Fonts& fonts);
    void drawAlerts(const gui::Fonts& fonts);
    void drawAlertCard(const protocol::Sighting& sighting, const gui::Fonts& fonts);
    void drawMap(const gui::Fonts& fonts);
    void drawReview(const gui::Fonts& fonts);
    void drawReviewDetail(const protocol::Sighting& sighting, const gui::Fonts& fonts);
    void handleReviewKeys();
    void drawAudit(const gui::Fonts& fonts);
    void drawStatus(const gui::Fonts& fonts);

    // actions (each posts one backend call)
    void requestCaptcha();
    void submitLogin();
    void logout();
    void refreshLists(bool force);
    void checkPhoto();
    void savePerson();
    void startAdd();
    void startEdit(const protocol::WantedPerson& person);
    void removeSelected();
    void decide(const std::string& username, protocol::UserAction action, protocol::Role role);
    void collectCalls();
    void acknowledge(std::uint64_t sighting_id);
    void confirmSelected();
    void dismissSelected();
    void collectReview();
    void applyDecision(const protocol::SightingDecided& decided);
    const protocol::Sighting* selectedReview() const;
    std::size_t pendingReviews() const;

    bool canEditWatchlist() const;
    bool isAdmin() const;
    const protocol::WantedPerson* findPerson(std::uint64_t id) const;
    const protocol::WantedPerson* selectedPerson() const;
    // Texture for encoded image bytes, pixelated when blur_faces is on.
    gui::Texture imageTexture(const std::string& key, const protocol::Bytes& encoded);
    gui::Texture previewTexture(const std::string& key, const PhotoCheck& photo);
    std::size_t unacknowledgedAlerts() const;

    ConsoleBackend& backend_;
    gui::TileStore& tiles_;
    ConsoleOptions options_;
    gui::TextureCache textures_;

    Screen screen_ = Screen::Login;
    std::optional<protocol::LoginResponse> session_;
    LoginForm login_;
    PersonForm form_;
    std::string search_;
    std::optional<std::uint64_t> selected_person_;
    bool confirm_remove_ = false;
    std::string status_message_;
    std::string audit_filter_;
    std::set<std::uint64_t> acknowledged_;
    std::map<std::string, protocol::Role> chosen_roles_;  // role picked in each account row
    std::vector<protocol::Sighting> alerts_;  // newest first: loaded + pushed
    gui::MapView map_view_;
    gui::MapResult last_map_;
    bool map_drawn_ = false;
    std::chrono::steady_clock::time_point last_refresh_{};
    std::uint64_t next_photo_key_ = 0;

    Call<protocol::CaptchaChallenge> captcha_call_;
    Call<protocol::LoginResponse> login_call_;
    Call<std::vector<protocol::WantedPerson>> persons_call_;
    Call<std::vector<protocol::UserInfo>> users_call_;
    Call<std::vector<protocol::Sighting>> sightings_call_;
    Call<std::vector<protocol::AuditEntry>> audit_call_;
    Call<PhotoCheck> photo_call_;
    Call<protocol::PersonAdded> add_call_;
    Call<Done> change_call_;  // update, remove, user decisions
    Call<std::vector<protocol::Sighting>> pending_call_;  // the review queue
    Call<protocol::SightingDecided> review_call_;         // confirm or dismiss
    Call<std::vector<protocol::Bytes>> photos_call_;      // enrolled photos of the person under review
    std::uint64_t photos_for_ = 0;                        // whose photos photos_call_ holds
    ReviewForm review_;
    gui::MapView review_map_;
    std::string change_what_;
    std::future<HqStatus> status_call_;
    HqStatus status_;

    // Declared last: destroyed first, so no worker call outlives the members it uses.
    gui::BackgroundTasks tasks_;
};

}  // namespace vigil::console
