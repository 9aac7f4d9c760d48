#pragma once
// StationBackend over vigil::client::StationCore: the snapshot is the core's
// snapshot plus its latest frame, translated field by field; each command is
// one core call whose future is awaited on the window's worker thread.

#include "client/core/StationCore.hpp"
#include "client/gui/StationBackend.hpp"

namespace vigil::station {

class CoreBackend final : public StationBackend {
public:
    explicit CoreBackend(client::StationCore& core);

    StationSnapshot snapshot() override;
    Outcome<protocol::CaptchaChallenge> newCaptcha(protocol::CaptchaPurpose purpose) override;
    Outcome<protocol::LoginResponse> login(const protocol::LoginRequest& request) override;
    Outcome<protocol::RegisterResponse> registerAccount(const protocol::RegisterRequest& request) override;
    void logout() override {}
    void acknowledge(std::uint64_t alert_id) override;
    StationSettings settings() override;
    bool settingsEditable() override { return true; }
    Outcome<SettingsApplied> applySettings(const StationSettings& settings) override;
    std::vector<std::string> voices() override;

private:
    client::StationCore& core_;
};

}  // namespace vigil::station
