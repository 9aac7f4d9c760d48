// The console's login screen: username, password, CAPTCHA image and answer,
// one-time code; the server's refusal as a sentence (errorSentence).
#include "server/console/ConsoleApp.hpp"

#include "client/gui/toolkit/Theme.hpp"
#include "client/gui/toolkit/Widgets.hpp"

#include <imgui.h>

#include <algorithm>

namespace vigil::console {

namespace proto = vigil::protocol;

void ConsoleApp::drawLogin(const gui::Fonts& fonts) {
    const float width = ImGui::GetFontSize() * 26;
    const ImVec2 region = ImGui::GetContentRegionAvail();
    // A centred column: indent rather than a child window, so the column is
    // exactly as tall as its content.
    const float indent = std::max(0.0f, (region.x - width) / 2);
    ImGui::SetCursorPosY(region.y * 0.12f);
    ImGui::Indent(indent);
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + width);

    ImGui::PushFont(fonts.large);
    ImGui::TextUnformatted("Vigil HQ console");
    ImGui::PopFont();
    gui::hintLine("Sign in with your HQ staff account. Every sign-in is recorded in the audit log.");
    ImGui::Spacing();

    const bool busy = login_call_.busy();
    ImGui::BeginDisabled(busy);
    ImGui::PushItemWidth(width);
    ImGui::TextUnformatted("Username");
    if (ImGui::IsWindowAppearing()) ImGui::SetKeyboardFocusHere();
    gui::inputText("##username", login_.username);
    ImGui::TextUnformatted("Password");
    bool submit = gui::inputText("##password", login_.password,
                                 ImGuiInputTextFlags_Password | ImGuiInputTextFlags_EnterReturnsTrue);

    ImGui::TextUnformatted("CAPTCHA");
    const float captcha_height = ImGui::GetFontSize() * 5;
    if (login_.captcha) {
        const gui::Texture captcha =
            textures_.getEncoded("captcha", login_.captcha->png, login_.captcha_generation);
        gui::imageFit(captcha, {width, captcha_height}, "CAPTCHA image unreadable");
    } else {
        gui::imageFit({}, {width, captcha_height},
                      captcha_call_.busy() ? "loading CAPTCHA..." : "no CAPTCHA");
    }
    if (ImGui::Button("New CAPTCHA")) requestCaptcha();
    ImGui::SameLine();
    gui::hintLine("Type the characters shown above.");
    submit |= gui::inputText("##captcha", login_.captcha_answer,
                             ImGuiInputTextFlags_EnterReturnsTrue);
    ImGui::TextUnformatted("One-time code (if your account has one)");
    submit |= gui::inputText("##otp", login_.one_time_code,
                             ImGuiInputTextFlags_CharsDecimal | ImGuiInputTextFlags_EnterReturnsTrue);
    ImGui::Spacing();
    const bool ready = !login_.username.empty() && !login_.password.empty() &&
                       !login_.captcha_answer.empty() && login_.captcha.has_value();
    ImGui::BeginDisabled(!ready);
    if (ImGui::Button(busy ? "Signing in..." : "Sign in", {width, 0}) || (submit && ready)) submitLogin();
    ImGui::EndDisabled();
    ImGui::EndDisabled();

    if (!login_.error.empty()) {
        ImGui::Spacing();
        gui::errorLine(login_.error);
    }
    ImGui::PopItemWidth();
    ImGui::PopTextWrapPos();
    ImGui::Unindent(indent);
}

}  // namespace vigil::console
