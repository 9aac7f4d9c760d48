#pragma once
// A real field station (client/core StationCore: server link, watchlist
// cache, recognition pipeline) logged in to a TestServer with an issued
// session token, for the match review tests. Speech off, no geocoding.

#include "ServerFixture.hpp"

#include "client/core/StationCore.hpp"

#include <fstream>

namespace vigil::test {

struct ReviewStation {
    client::StationConfig config;
    std::unique_ptr<client::StationCore> core;

    // `video`: empty for a station that only listens to HQ.
    ReviewStation(TestServer& server, const std::string& account, const std::filesystem::path& dir,
                  const std::filesystem::path& video = {}, float threshold = 0.6f) {
        const auto token = server.service->issueSessionToken(kAdmin, account);
        REQUIRE_MESSAGE(token, token.error().text);
        std::filesystem::create_directories(dir);
        config.sessionTokenFile = dir / "session.token";
        std::ofstream(config.sessionTokenFile) << token->token;
        std::filesystem::permissions(config.sessionTokenFile,
                                     std::filesystem::perms::owner_read | std::filesystem::perms::owner_write,
                                     std::filesystem::perm_options::replace);
        config.serverHost = "127.0.0.1";
        config.serverPort = server.port();
        config.caFile = server.certs.ca();
        config.dataDir = dir / "data";
        config.keyFile = dir / "station.key";
        config.source = video.empty() ? std::string("0") : video.string();
        config.realtime = false;
        config.address = "Gate " + account;
        config.nominatimUrl = "off";
        config.speech = "off";
        config.matchThreshold = threshold;
        core = std::make_unique<client::StationCore>(config);
        core->startLink();
        REQUIRE(core->waitLink([](const client::LinkStatus& s) { return s.state == client::LinkState::LoggedIn; },
                               30s));
        REQUIRE(core->waitWatchlist(30s));
    }

    // Runs the video to its end and waits until HQ acknowledged every sighting.
    void watchVideo() {
        core->startPipeline();
        REQUIRE(core->waitPipelineFinished(300s));
        REQUIRE(core->waitSightingsDelivered(30s));
    }

    bool waitAlerts(const std::function<bool(const std::vector<client::StationAlert>&)>& condition,
                    std::chrono::milliseconds timeout = 20s) {
        return core->waitSnapshot([&](const client::StationSnapshot& s) { return condition(s.alerts); }, timeout);
    }
};

}  // namespace vigil::test
