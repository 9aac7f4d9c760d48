// The station's server link over real TLS on loopback, against a minimal HQ
// built from the protocol library (LoopbackHq.hpp).
#include "LoopbackHq.hpp"
#include "client/core/ServerLink.hpp"
#include "client/core/SightingSender.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>

using namespace vigil;
using namespace vigil::client;
using vigil::test::LoopbackHq;
using vigil::test::TempDir;
using namespace std::chrono_literals;

namespace {

struct Fixture {
    TempDir dir{"link"};
    test::TestCerts certs = test::makeTestCerts(dir.path / "certs");
    LoopbackHq hq{certs};
    Fixture() { hq.start(); }

    ServerLinkOptions options(const std::string& host = "127.0.0.1") const {
        ServerLinkOptions o;
        o.host = host;
        o.port = hq.port();
        o.caFile = certs.ca();
        o.backoffMin = 50ms;
        o.backoffMax = 400ms;
        o.requestTimeout = 3s;
        return o;
    }
};

bool isState(const LinkStatus& s, LinkState state) { return s.state == state; }

protocol::Message loginWith(ServerLink& link, const std::string& password, const std::string& captcha) {
    auto challenge = link.request(protocol::CaptchaRequest{protocol::CaptchaPurpose::Login}).get();
    REQUIRE(std::holds_alternative<protocol::CaptchaChallenge>(challenge));
    const auto& c = std::get<protocol::CaptchaChallenge>(challenge);
    return link.request(protocol::LoginRequest{"station-1", password, c.challenge_id, captcha, {}}).get();
}

protocol::SightingReport makeReport(std::uint64_t person) {
    protocol::SightingReport r;
    r.report_id = SightingQueue::newReportId();
    r.person_id = person;
    r.distance = 0.4f;
    r.location.place = "Gate 4";
    r.snapshot_jpeg.assign(2000, 0x5a);
    return r;
}

}  // namespace

TEST_CASE("a station connects over TLS, solves the CAPTCHA, logs in, and the link says so") {
    Fixture f;
    ServerLink link(f.options());
    std::atomic<int> loggedIn{0};
    link.onLoggedIn([&] { ++loggedIn; });
    link.start();
    REQUIRE(link.waitUntil([](const LinkStatus& s) { return isState(s, LinkState::Connected); }, 10s));
    CHECK(link.status().serverName == "loopback-hq");
    const auto reply = loginWith(link, LoopbackHq::kPassword, LoopbackHq::kCaptchaAnswer);
    REQUIRE(std::holds_alternative<protocol::LoginResponse>(reply));
    const auto status = link.status();
    CHECK(status.state == LinkState::LoggedIn);
    CHECK(status.username == "station-1");
    CHECK(loggedIn == 1);
    CHECK(describe(status.state) == "logged in");
}

TEST_CASE("a wrong password or CAPTCHA answer is refused with its own sentence") {
    Fixture f;
    ServerLink link(f.options());
    link.start();
    REQUIRE(link.waitUntil([](const LinkStatus& s) { return isState(s, LinkState::Connected); }, 10s));
    const auto wrongPassword = loginWith(link, "guess", LoopbackHq::kCaptchaAnswer);
    REQUIRE(std::holds_alternative<protocol::Error>(wrongPassword));
    CHECK(std::get<protocol::Error>(wrongPassword).code == protocol::ErrorCode::InvalidCredentials);
    const auto wrongCaptcha = loginWith(link, LoopbackHq::kPassword, "XXXXX");
    CHECK(std::get<protocol::Error>(wrongCaptcha).code == protocol::ErrorCode::CaptchaInvalid);
    CHECK(replySummary(wrongCaptcha) == std::string(protocol::errorSentence(protocol::ErrorCode::CaptchaInvalid)));
    CHECK(link.status().state == LinkState::Connected);
}

TEST_CASE("a server whose certificate is not signed by the pinned CA is refused") {
    Fixture f;
    TempDir other("link-other-ca");
    const auto strangerCerts = test::makeTestCerts(other.path);
    auto options = f.options();
    options.caFile = strangerCerts.ca();
    ServerLink link(options);
    link.start();
    REQUIRE(link.waitUntil([](const LinkStatus& s) { return s.reconnectAttempts >= 2; }, 10s));
    const auto status = link.status();
    CHECK(status.state == LinkState::Offline);
    CHECK(status.offlineSince.has_value());
    INFO(status.detail);
    CHECK(status.detail.find("TLS failed") != std::string::npos);
    CHECK(f.hq.logins() == 0);
}

TEST_CASE("a server certificate for another host name is refused") {
    TempDir dir("link-wrong-name");
    const std::string cmd = std::string("\"") + VIGIL_SOURCE_DIR + "/tools/gen-certs\" --out \"" +
                            dir.path.string() + "\" --name hq.elsewhere.example >/dev/null";
    REQUIRE(std::system(cmd.c_str()) == 0);
    test::TestCerts certs{dir.path};
    LoopbackHq hq(certs);
    hq.start();
    ServerLinkOptions options;
    options.host = "127.0.0.1";
    options.port = hq.port();
    options.caFile = certs.ca();
    options.backoffMin = 50ms;
    ServerLink link(options);
    link.start();
    REQUIRE(link.waitUntil([](const LinkStatus& s) { return s.reconnectAttempts >= 1; }, 10s));
    INFO(link.status().detail);
    CHECK(link.status().detail.find("TLS failed") != std::string::npos);
    CHECK(link.status().state != LinkState::Connected);
}

TEST_CASE("after a drop the link reconnects with backoff and resumes its session without a new login") {
    Fixture f;
    ServerLink link(f.options());
    std::atomic<int> sessions{0};
    std::promise<void> secondSession;
    link.onLoggedIn([&] {
        if (++sessions == 2) secondSession.set_value();
    });
    link.start();
    REQUIRE(link.waitUntil([](const LinkStatus& s) { return isState(s, LinkState::Connected); }, 10s));
    REQUIRE(std::holds_alternative<protocol::LoginResponse>(loginWith(link, LoopbackHq::kPassword, LoopbackHq::kCaptchaAnswer)));

    f.hq.dropConnections();
    REQUIRE(link.waitUntil([](const LinkStatus& s) { return isState(s, LinkState::Offline); }, 10s));
    CHECK(link.status().offlineSince.has_value());
    REQUIRE(secondSession.get_future().wait_for(10s) == std::future_status::ready);
    CHECK(link.status().state == LinkState::LoggedIn);
    CHECK(f.hq.logins() == 1);
    CHECK(f.hq.resumes() == 1);
    CHECK(sessions == 2);
    CHECK_FALSE(link.status().offlineSince.has_value());
}

TEST_CASE("a server that stays away is retried with growing, capped delays, and found again") {
    Fixture f;
    const auto port = f.hq.port();
    ServerLink link(f.options());
    link.start();
    REQUIRE(link.waitUntil([](const LinkStatus& s) { return isState(s, LinkState::Connected); }, 10s));
    f.hq.stop();
    const auto lost = std::chrono::steady_clock::now();
    REQUIRE(link.waitUntil([](const LinkStatus& s) { return s.reconnectAttempts >= 5; }, 20s));
    // The 5th delay is chosen as the count reaches 5, so four waits lie behind
    // us: 50, 100, 200, 400 ms with jitter in [d/2, d], at least 375 ms.
    CHECK(std::chrono::steady_clock::now() - lost >= 375ms);
    const auto status = link.status();
    CHECK(status.retryDelay >= 200ms);          // the 5th wait: capped at 400, jitter down to half
    CHECK(status.longestRetryDelay <= 400ms);   // the cap holds
    f.hq.start(port);
    REQUIRE(link.waitUntil([](const LinkStatus& s) { return isState(s, LinkState::Connected); }, 10s));
    CHECK(link.status().reconnectAttempts == 0);
}

TEST_CASE("requests while offline fail at once with a sentence, never hang") {
    Fixture f;
    auto options = f.options();
    f.hq.stop();  // nothing listens on the port any more
    ServerLink link(options);
    link.start();
    const auto start = std::chrono::steady_clock::now();
    const auto reply = link.request(protocol::WatchlistSyncRequest{0}).get();
    CHECK(std::chrono::steady_clock::now() - start < 1s);
    REQUIRE(std::holds_alternative<protocol::Error>(reply));
    CHECK(replySummary(reply).find("not connected") != std::string::npos);
}

TEST_CASE("server pushes reach the push handler and pings are answered") {
    Fixture f;
    auto options = f.options();
    options.pingInterval = 100ms;
    ServerLink link(options);
    std::promise<std::uint64_t> pushed;
    link.onPush([&](const protocol::Message& m) {
        if (const auto* changed = std::get_if<protocol::WatchlistChanged>(&m)) pushed.set_value(changed->version);
    });
    link.start();
    REQUIRE(link.waitUntil([](const LinkStatus& s) { return isState(s, LinkState::Connected); }, 10s));
    REQUIRE(std::holds_alternative<protocol::LoginResponse>(loginWith(link, LoopbackHq::kPassword, LoopbackHq::kCaptchaAnswer)));
    f.hq.push(protocol::WatchlistChanged{42});
    auto future = pushed.get_future();
    REQUIRE(future.wait_for(10s) == std::future_status::ready);
    CHECK(future.get() == 42);
    REQUIRE(link.waitUntil([](const LinkStatus& s) { return s.pongsReceived > 0 || s.state != LinkState::LoggedIn; }, 10s) );
    CHECK(link.status().state == LinkState::LoggedIn);
}

TEST_CASE("a paged watchlist answer reaches send() page by page") {
    Fixture f;
    protocol::WatchlistDelta page;
    page.to_version = 3;
    page.model_fingerprint = "m";
    f.hq.setWatchlist(page);
    ServerLink link(f.options());
    link.start();
    REQUIRE(link.waitUntil([](const LinkStatus& s) { return isState(s, LinkState::Connected); }, 10s));
    REQUIRE(std::holds_alternative<protocol::LoginResponse>(loginWith(link, LoopbackHq::kPassword, LoopbackHq::kCaptchaAnswer)));
    std::promise<std::uint64_t> got;
    link.send(protocol::WatchlistSyncRequest{0}, [&](protocol::Message m) {
        if (const auto* d = std::get_if<protocol::WatchlistDelta>(&m)) got.set_value(d->to_version);
        else got.set_value(0);
    });
    auto future = got.get_future();
    REQUIRE(future.wait_for(10s) == std::future_status::ready);
    CHECK(future.get() == 3);
}

TEST_CASE("sightings made before, during and after an HQ outage all arrive exactly once") {
    Fixture f;
    const auto port = f.hq.port();
    const auto key = crypto::randomKey();
    SightingQueue queue(f.dir.path / "sightings.db", key);
    ServerLink link(f.options());
    SightingSender sender(queue, &link);
    link.onLoggedIn([&] { sender.flush(); });
    link.start();
    REQUIRE(link.waitUntil([](const LinkStatus& s) { return isState(s, LinkState::Connected); }, 10s));
    REQUIRE(std::holds_alternative<protocol::LoginResponse>(loginWith(link, LoopbackHq::kPassword, LoopbackHq::kCaptchaAnswer)));

    std::vector<std::string> made;
    auto report = [&](std::uint64_t person) {
        auto r = makeReport(person);
        made.push_back(r.report_id);
        sender.submit(r);
    };
    // Delivered while HQ is up.
    for (std::uint64_t p = 1; p <= 3; ++p) report(p);
    REQUIRE(sender.waitAllDelivered(10s));

    // HQ stores the next ones but dies before acknowledging them...
    f.hq.holdSightingAcks(true);
    for (std::uint64_t p = 4; p <= 5; ++p) report(p);
    REQUIRE(f.hq.waitReportsReceived(5, 10s));
    f.hq.stop();
    REQUIRE(link.waitUntil([](const LinkStatus& s) { return isState(s, LinkState::Offline); }, 10s));
    // ...and the station keeps seeing people while HQ is down.
    for (std::uint64_t p = 6; p <= 8; ++p) report(p);
    CHECK(queue.size() == 5);  // 4, 5 unacknowledged + 6, 7, 8 made offline

    f.hq.holdSightingAcks(false);
    f.hq.start(port);
    REQUIRE(link.waitUntil([](const LinkStatus& s) { return isState(s, LinkState::LoggedIn); }, 10s));
    REQUIRE(sender.waitAllDelivered(10s));

    auto stored = f.hq.storedReportIds();
    auto expected = made;
    std::sort(stored.begin(), stored.end());
    std::sort(expected.begin(), expected.end());
    CHECK(stored == expected);  // every sighting, each once
    CHECK(std::adjacent_find(stored.begin(), stored.end()) == stored.end());
    CHECK(queue.size() == 0);
    CHECK(f.hq.reportsReceived() >= 8);  // 4 and 5 were sent twice; the server kept them once
}
