// The console's server status lists the sessions connected to a real
// vigil-server over TLS (SessionRegistry through HqService), as HQ staff
// may see them; a viewer is told why it cannot.
#include "server/console/HqBackend.hpp"

#include "ServerFixture.hpp"

#include <doctest/doctest.h>

using namespace vigil;
using vigil::console::HqBackend;

namespace {

void signIn(HqBackend& backend, const std::string& user, const std::string& password) {
    const auto captcha = backend.newCaptcha();
    REQUIRE(captcha.ok());
    const auto login = backend.login({user, password, captcha.value->challenge_id, test::kCaptchaAnswer, ""});
    REQUIRE_MESSAGE(login.ok(), login.message());
}

}  // namespace

TEST_CASE("the console's server status lists a station signed in over TLS, stations first, and a viewer is told it may not") {
    test::TestServer hq;
    hq.start();
    hq.addUser("north-gate", "lighthouse keeper 41", protocol::Role::Station);
    hq.addUser("duty-officer", "harbour lantern 2026", protocol::Role::Operator);
    hq.addUser("watcher", "viewer account password", protocol::Role::Viewer);
    auto station = hq.loggedIn("north-gate", "lighthouse keeper 41");
    auto colleague = hq.loggedIn("watcher", "viewer account password");

    HqBackend console(*hq.service);
    signIn(console, "duty-officer", "harbour lantern 2026");
    const console::HqStatus status = console.status();
    CHECK(status.sessions_error.empty());
    REQUIRE(status.stations.size() == 2);
    CHECK(status.stations[0].username == "north-gate");  // stations first
    CHECK(status.stations[0].role == protocol::Role::Station);
    CHECK(status.stations[0].address == "127.0.0.1");
    CHECK(status.stations[0].connected_since_ms > 0);
    CHECK(status.stations[0].requests_served >= 3);  // Hello, CAPTCHA, login
    CHECK(status.stations[1].username == "watcher");
    CHECK(status.watchlist_version == hq.service->watchlistVersion());

    HqBackend viewer(*hq.service);
    signIn(viewer, "watcher", "viewer account password");
    const console::HqStatus refused = viewer.status();
    CHECK(refused.stations.empty());
    CHECK_FALSE(refused.sessions_error.empty());
}
