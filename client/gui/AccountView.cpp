// Sign-in and registration, each with its CAPTCHA image; the server's
// refusals (wrong CAPTCHA, locked out, pending approval) as sentences.
#include "client/gui/StationUi.hpp"

#include "client/gui/toolkit/Theme.hpp"
#include "client/gui/toolkit/Widgets.hpp"

#include <imgui.h>

#include <algorithm>

namespace vigil::station {

namespace proto = vigil::protocol;

void StationUi::drawCaptcha(float width) {
    ImGui::TextUnformatted("CAPTCHA");
    const float height = ImGui::GetFontSize() * 5;
    if (account_.captcha) {
        gui::imageFit(textures_.getEncoded("captcha", account_.captcha->png, account_.captcha_generation),
                      {width, height}, "CAPTCHA image unreadable");
    } else {
        gui::imageFit({}, {width, height}, captcha_call_.busy() ? "loading CAPTCHA..." : "no CAPTCHA");
    }
    if (ImGui::Button("New CAPTCHA")) requestCaptcha(account_.captcha_purpose);
    ImGui::SameLine();
    gui::hintLine("Type the characters shown above.");
}

void StationUi::drawAccountScreen(const gui::Fonts& fonts) {
    const bool registering = screen_ == StationScreen::Register;
    const float width = ImGui::GetFontSize() * 26;
    const ImVec2 region = ImGui::GetContentRegionAvail();
    const float indent = std::max(0.0f, (region.x - width) / 2);
    ImGui::SetCursorPosY(ImGui::GetCursorPosY() + region.y * 0.06f);
    ImGui::Indent(indent);
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + width);
    ImGui::PushItemWidth(width);

    ImGui::PushFont(fonts.large);
    ImGui::TextUnformatted(registering ? "Register this station" : "Sign in");
    ImGui::PopFont();
    gui::hintLine(registering
                      ? "A new account waits for approval by an HQ administrator before it "
                        "receives the watchlist."
                      : "Sign in with the station account HQ approved for you.");
    // Switching screens asks for a CAPTCHA of the other purpose: the server
    // keeps sign-in and registration challenges apart.
    if (ImGui::RadioButton("Sign in", !registering) && registering) {
        screen_ = StationScreen::SignIn;
        account_.error.clear();
        requestCaptcha(proto::CaptchaPurpose::Login);
    }
    ImGui::SameLine();
    if (ImGui::RadioButton("Register", registering) && !registering) {
        screen_ = StationScreen::Register;
        account_.error.clear();
        requestCaptcha(proto::CaptchaPurpose::Register);
    }
    ImGui::Spacing();

    const bool busy = login_call_.busy() || register_call_.busy();
    ImGui::BeginDisabled(busy);
    ImGui::TextUnformatted("Username");
    gui::inputText("##username", account_.username);
    if (registering) {
        ImGui::TextUnformatted("Display name (shown to HQ)");
        gui::inputText("##display", account_.display_name);
    }
    ImGui::TextUnformatted("Password");
    bool submit = gui::inputText("##password", account_.password,
                                 ImGuiInputTextFlags_Password | ImGuiInputTextFlags_EnterReturnsTrue);
    if (registering) {
        ImGui::TextUnformatted("Password again");
        gui::inputText("##password2", account_.password_again, ImGuiInputTextFlags_Password);
    }
    drawCaptcha(width);
    submit |= gui::inputText("##captcha", account_.captcha_answer, ImGuiInputTextFlags_EnterReturnsTrue);
    ImGui::Spacing();
    const bool ready = !account_.username.empty() && !account_.password.empty() &&
                       !account_.captcha_answer.empty() && account_.captcha.has_value() &&
                       (!registering || !account_.password_again.empty());
    ImGui::BeginDisabled(!ready);
    const char* label = registering ? (busy ? "Registering..." : "Register")
                                    : (busy ? "Signing in..." : "Sign in");
    if (ImGui::Button(label, {width, 0}) || (submit && ready)) {
        if (registering) submitRegistration();
        else submitSignIn();
    }
    ImGui::EndDisabled();
    ImGui::EndDisabled();

    if (!account_.error.empty()) {
        ImGui::Spacing();
        gui::errorLine(account_.error);
    }
    if (!account_.notice.empty()) {
        ImGui::Spacing();
        ImGui::PushStyleColor(ImGuiCol_Text, gui::colors::kOk);
        ImGui::TextWrapped("%s", account_.notice.c_str());
        ImGui::PopStyleColor();
    }
    ImGui::PopItemWidth();
    ImGui::PopTextWrapPos();
    ImGui::Unindent(indent);
}

}  // namespace vigil::station
