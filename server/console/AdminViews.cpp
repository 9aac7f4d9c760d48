// Administrator screens: accounts (approve / reject registrations, roles,
// disable), the audit log, and the server's status.
#include "server/console/ConsoleApp.hpp"

#include "client/gui/toolkit/Theme.hpp"
#include "client/gui/toolkit/Widgets.hpp"

#include <imgui.h>

#include <algorithm>
#include <map>

namespace vigil::console {

namespace proto = vigil::protocol;

namespace {

ImVec4 statusColor(proto::AccountStatus status) {
    switch (status) {
        case proto::AccountStatus::Pending: return gui::colors::kWarning;
        case proto::AccountStatus::Active: return gui::colors::kOk;
        case proto::AccountStatus::Disabled: return gui::colors::kMuted;
    }
    return gui::colors::kMuted;
}

bool roleCombo(const char* id, proto::Role& role) {
    bool changed = false;
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 7);
    if (ImGui::BeginCombo(id, std::string(proto::describe(role)).c_str())) {
        for (int i = 0; i <= static_cast<int>(proto::kLastRole); ++i) {
            const auto option = static_cast<proto::Role>(i);
            if (ImGui::Selectable(std::string(proto::describe(option)).c_str(), role == option)) {
                role = option;
                changed = true;
            }
        }
        ImGui::EndCombo();
    }
    return changed;
}

}  // namespace

void ConsoleApp::drawAccounts(const gui::Fonts& fonts) {
    ImGui::PushFont(fonts.bold);
    ImGui::TextUnformatted("Accounts");
    ImGui::PopFont();
    gui::hintLine("New registrations stay pending until approved here; a pending account never "
                  "receives the watchlist.");
    if (!users_call_.last) {
        gui::hintLine("Loading accounts...");
        return;
    }
    if (!users_call_.last->ok()) {
        gui::errorLine("Cannot load accounts: " +
                       std::string(proto::errorSentence(users_call_.last->error.code)));
        return;
    }
    auto users = *users_call_.last->value;
    std::stable_sort(users.begin(), users.end(), [](const auto& a, const auto& b) {
        return a.status == proto::AccountStatus::Pending && b.status != proto::AccountStatus::Pending;
    });
    const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH |
                                  ImGuiTableFlags_ScrollY;
    if (ImGui::BeginTable("users", 5, flags)) {
        ImGui::TableSetupScrollFreeze(0, 1);
        ImGui::TableSetupColumn("Account", ImGuiTableColumnFlags_WidthStretch, 1.5f);
        ImGui::TableSetupColumn("Status", ImGuiTableColumnFlags_WidthFixed, ImGui::GetFontSize() * 6);
        ImGui::TableSetupColumn("Created", ImGuiTableColumnFlags_WidthFixed, ImGui::GetFontSize() * 11);
        ImGui::TableSetupColumn("Last sign-in", ImGuiTableColumnFlags_WidthFixed, ImGui::GetFontSize() * 11);
        ImGui::TableSetupColumn("Actions", ImGuiTableColumnFlags_WidthStretch, 2.5f);
        ImGui::TableHeadersRow();
        for (const auto& user : users) {
            ImGui::PushID(user.username.c_str());
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::AlignTextToFramePadding();
            ImGui::TextUnformatted(user.username.c_str());
            ImGui::TableNextColumn();
            ImGui::AlignTextToFramePadding();
            ImGui::TextColored(statusColor(user.status), "%s", std::string(proto::describe(user.status)).c_str());
            ImGui::TableNextColumn();
            ImGui::AlignTextToFramePadding();
            ImGui::TextUnformatted(gui::formatTime(user.created_at * 1000).c_str());
            ImGui::TableNextColumn();
            ImGui::AlignTextToFramePadding();
            ImGui::TextUnformatted(user.last_login_at > 0 ? gui::formatTime(user.last_login_at * 1000).c_str() : "never");
            ImGui::TableNextColumn();
            auto found = chosen_roles_.find(user.username);
            if (found == chosen_roles_.end()) found = chosen_roles_.emplace(user.username, user.role).first;
            proto::Role& role = found->second;
            const bool self = session_ && user.username == session_->username;
            ImGui::BeginDisabled(change_call_.busy() || self);
            roleCombo("##role", role);
            ImGui::SameLine();
            switch (user.status) {
                case proto::AccountStatus::Pending:
                    if (ImGui::Button("Approve")) decide(user.username, proto::UserAction::Approve, role);
                    ImGui::SameLine();
                    if (ImGui::Button("Reject")) decide(user.username, proto::UserAction::Reject, role);
                    break;
                case proto::AccountStatus::Active:
                    ImGui::BeginDisabled(role == user.role);
                    if (ImGui::Button("Set role")) decide(user.username, proto::UserAction::SetRole, role);
                    ImGui::EndDisabled();
                    ImGui::SameLine();
                    if (ImGui::Button("Disable")) decide(user.username, proto::UserAction::Disable, role);
                    break;
                case proto::AccountStatus::Disabled:
                    if (ImGui::Button("Enable")) decide(user.username, proto::UserAction::Enable, role);
                    break;
            }
            ImGui::EndDisabled();
            if (self) {
                ImGui::SameLine();
                ImGui::TextDisabled("(you)");
            }
            ImGui::PopID();
        }
        ImGui::EndTable();
    }
}

void ConsoleApp::drawAudit(const gui::Fonts& fonts) {
    ImGui::PushFont(fonts.bold);
    ImGui::TextUnformatted("Audit log");
    ImGui::PopFont();
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 22);
    gui::inputText("##audit-filter", audit_filter_);
    ImGui::SameLine();
    ImGui::TextDisabled("filter by actor, action or target");
    if (!audit_call_.last) {
        gui::hintLine("Loading the audit log...");
        return;
    }
    if (!audit_call_.last->ok()) {
        gui::errorLine("Cannot load the audit log: " +
                       std::string(proto::errorSentence(audit_call_.last->error.code)));
        return;
    }
    const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH |
                                  ImGuiTableFlags_ScrollY | ImGuiTableFlags_Resizable;
    if (ImGui::BeginTable("audit", 6, flags)) {
        ImGui::TableSetupScrollFreeze(0, 1);
        ImGui::TableSetupColumn("Time", ImGuiTableColumnFlags_WidthFixed, ImGui::GetFontSize() * 11);
        ImGui::TableSetupColumn("Actor", ImGuiTableColumnFlags_WidthFixed, ImGui::GetFontSize() * 8);
        ImGui::TableSetupColumn("Address", ImGuiTableColumnFlags_WidthFixed, ImGui::GetFontSize() * 8);
        ImGui::TableSetupColumn("Action", ImGuiTableColumnFlags_WidthFixed, ImGui::GetFontSize() * 10);
        ImGui::TableSetupColumn("Target", ImGuiTableColumnFlags_WidthFixed, ImGui::GetFontSize() * 9);
        ImGui::TableSetupColumn("Detail", ImGuiTableColumnFlags_WidthStretch);
        ImGui::TableHeadersRow();
        const auto& entries = *audit_call_.last->value;
        for (auto it = entries.rbegin(); it != entries.rend(); ++it) {  // newest first
            const auto& entry = *it;
            if (!audit_filter_.empty() && entry.actor.find(audit_filter_) == std::string::npos &&
                entry.action.find(audit_filter_) == std::string::npos &&
                entry.target.find(audit_filter_) == std::string::npos)
                continue;
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(gui::formatTime(entry.at * 1000).c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(entry.actor.c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(entry.address.c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(entry.action.c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(entry.target.c_str());
            ImGui::TableNextColumn();
            ImGui::TextWrapped("%s", entry.detail.c_str());
        }
        ImGui::EndTable();
    }
}

void ConsoleApp::drawStatus(const gui::Fonts& fonts) {
    ImGui::PushFont(fonts.bold);
    ImGui::TextUnformatted("Server status");
    ImGui::PopFont();
    const auto& s = status_;
    ImGui::Text("Uptime: %lld h %02lld min", static_cast<long long>(s.uptime_seconds / 3600),
                static_cast<long long>(s.uptime_seconds / 60 % 60));
    ImGui::Text("Watchlist version: %llu", static_cast<unsigned long long>(s.watchlist_version));
    ImGui::Text("Wanted persons: %zu", s.person_count);
    ImGui::Text("Stations and consoles receiving alerts: %zu", s.alert_subscribers);
    ImGui::Text("Recognition model: %s", s.model_fingerprint.empty() ? "-" : s.model_fingerprint.c_str());
    ImGui::Spacing();
    const auto stations = static_cast<std::size_t>(std::count_if(
        s.stations.begin(), s.stations.end(), [](const auto& c) { return c.role == proto::Role::Station; }));
    ImGui::PushFont(fonts.bold);
    ImGui::Text("Connected stations (%zu), other sessions (%zu)", stations, s.stations.size() - stations);
    ImGui::PopFont();
    if (!s.sessions_error.empty()) {
        gui::errorLine("Cannot list the sessions: " + s.sessions_error);
        return;
    }
    if (s.stations.empty()) {
        gui::hintLine("No station is connected over the network.");
        return;
    }
    // Where each station last reported from, when the feed has it.
    std::map<std::string, const proto::Location*> last_place;
    for (const auto& sighting : alerts_)  // newest first
        if (!sighting.location.place.empty() || sighting.location.has_coordinates)
            last_place.try_emplace(sighting.station, &sighting.location);
    const std::int64_t now = gui::nowUnixMs();
    if (ImGui::BeginTable("stations", 7, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH)) {
        ImGui::TableSetupColumn("Account");
        ImGui::TableSetupColumn("Role");
        ImGui::TableSetupColumn("Address");
        ImGui::TableSetupColumn("Certificate");
        ImGui::TableSetupColumn("Last reported from");
        ImGui::TableSetupColumn("Connected");
        ImGui::TableSetupColumn("Last request");
        ImGui::TableHeadersRow();
        for (const auto& station : s.stations) {
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(station.username.c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(std::string(proto::describe(station.role)).c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(station.address.c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(station.certificate.empty() ? "-" : station.certificate.c_str());
            ImGui::TableNextColumn();
            const auto place = last_place.find(station.username);
            ImGui::TextUnformatted(place == last_place.end() || place->second->place.empty() ? "-"
                                                                                              : place->second->place.c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(gui::formatAge(station.connected_since_ms, now).c_str());
            ImGui::TableNextColumn();
            ImGui::Text("%s (%llu served)", gui::formatAge(station.last_activity_ms, now).c_str(),
                        static_cast<unsigned long long>(station.requests_served));
        }
        ImGui::EndTable();
    }
}

}  // namespace vigil::console
