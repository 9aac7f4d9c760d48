// The server over real TLS on loopback: authentication, roles, limits,
// deadlines and protocol violations. Persons are seeded through the store;
// enrolment with the real model is in FlowTest.cpp.
#include "ServerFixture.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

using namespace vigil::test;

namespace {

const std::string kPassword = "river tiger lamp 42";

p::Message registerWith(TestServer& s, vigil::wire::WireClient& c, const std::string& user) {
    const auto challenge = s.captcha(c, p::CaptchaPurpose::Register);
    auto reply = c.call(p::RegisterRequest{user, kPassword, user, challenge.challenge_id, kCaptchaAnswer});
    REQUIRE(reply);
    return *reply;
}

p::ErrorCode codeOf(const p::Message& m) {
    REQUIRE(std::holds_alternative<p::Error>(m));
    return std::get<p::Error>(m).code;
}

}  // namespace

TEST_CASE("a wrong password and an unknown user get identical replies") {
    TestServer s;
    s.start();
    s.addUser("alice", kPassword, p::Role::Station);
    auto c = s.connect();
    const auto wrong = s.tryLogin(*c, "alice", "not the password");
    const auto unknown = s.tryLogin(*c, "nobody-here", "not the password");
    REQUIRE(std::holds_alternative<p::Error>(wrong));
    REQUIRE(std::holds_alternative<p::Error>(unknown));
    CHECK(std::get<p::Error>(wrong).code == p::ErrorCode::InvalidCredentials);
    CHECK(std::get<p::Error>(wrong).code == std::get<p::Error>(unknown).code);
    CHECK(std::get<p::Error>(wrong).text == std::get<p::Error>(unknown).text);
}

TEST_CASE("an account is locked after the configured number of failures, for everyone") {
    TestServer s;
    s.config.login_free_failures = 100;  // no delays: this test is about the lock-out
    s.config.lockout_after_failures = 4;
    s.config.address_free_failures = 100;  // and no address brake either
    s.start();
    s.addUser("bob", kPassword, p::Role::Station);
    auto c = s.connect();
    for (int i = 0; i < 4; ++i) CHECK(codeOf(s.tryLogin(*c, "bob", "guess " + std::to_string(i))) == p::ErrorCode::InvalidCredentials);
    // Even the right password is refused now.
    CHECK(codeOf(s.tryLogin(*c, "bob", kPassword)) == p::ErrorCode::AccountLocked);
    // Unknown names lock the same way, so the lock reveals nothing.
    for (int i = 0; i < 4; ++i) s.tryLogin(*c, "ghost", "guess");
    CHECK(codeOf(s.tryLogin(*c, "ghost", "guess")) == p::ErrorCode::AccountLocked);
    // Other accounts are unaffected.
    s.addUser("carol", kPassword, p::Role::Station);
    CHECK(std::holds_alternative<p::LoginResponse>(s.tryLogin(*c, "carol", kPassword)));
    // The lock ends.
    s.advanceClock(std::chrono::seconds(s.config.lockout_seconds + 1));
    auto fresh = s.connect();  // `c` is logged in as carol now
    const auto after = s.tryLogin(*fresh, "bob", kPassword);
    CHECK_MESSAGE(std::holds_alternative<p::LoginResponse>(after),
                  (std::holds_alternative<p::Error>(after) ? std::get<p::Error>(after).text : ""));
}

TEST_CASE("failures from one address slow down every login attempt from there") {
    TestServer s;
    s.config.address_free_failures = 3;
    s.start();
    s.addUser("frank", kPassword, p::Role::Station);
    auto c = s.connect();
    for (int i = 0; i < 4; ++i) s.tryLogin(*c, "victim" + std::to_string(i), "guess");
    CHECK(codeOf(s.tryLogin(*c, "frank", kPassword)) == p::ErrorCode::RateLimited);
    s.advanceClock(std::chrono::seconds(2));
    CHECK(std::holds_alternative<p::LoginResponse>(s.tryLogin(*c, "frank", kPassword)));
}

TEST_CASE("a reused CAPTCHA is rejected") {
    TestServer s;
    s.start();
    s.addUser("dave", kPassword, p::Role::Station);
    auto c = s.connect();
    const auto challenge = s.captcha(*c);
    CHECK_FALSE(challenge.png.empty());
    auto first = c->call(p::LoginRequest{"dave", "wrong password 1", challenge.challenge_id, kCaptchaAnswer, ""});
    CHECK(codeOf(*first) == p::ErrorCode::InvalidCredentials);
    auto again = c->call(p::LoginRequest{"dave", kPassword, challenge.challenge_id, kCaptchaAnswer, ""});
    CHECK(codeOf(*again) == p::ErrorCode::CaptchaInvalid);
}

TEST_CASE("an expired CAPTCHA is rejected") {
    TestServer s;
    s.start();
    s.addUser("erin", kPassword, p::Role::Station);
    auto c = s.connect();
    const auto challenge = s.captcha(*c);
    s.advanceClock(std::chrono::seconds(s.config.captcha_ttl_seconds + 1));
    auto reply = c->call(p::LoginRequest{"erin", kPassword, challenge.challenge_id, kCaptchaAnswer, ""});
    CHECK(codeOf(*reply) == p::ErrorCode::CaptchaInvalid);
}

TEST_CASE("a pending account can neither log in nor sync") {
    TestServer s;
    s.start();
    auto c = s.connect();
    const auto registered = registerWith(s, *c, "newbie");
    REQUIRE(std::holds_alternative<p::RegisterResponse>(registered));
    CHECK(std::get<p::RegisterResponse>(registered).status == p::AccountStatus::Pending);
    CHECK(codeOf(s.tryLogin(*c, "newbie", kPassword)) == p::ErrorCode::AccountPending);
    CHECK(codeOf(*c->call(p::WatchlistSyncRequest{0})) == p::ErrorCode::NotAuthenticated);
    CHECK(codeOf(*c->call(p::SubscribeAlerts{})) == p::ErrorCode::NotAuthenticated);
}

TEST_CASE("the registration rate limit holds across a server restart") {
    TestServer s;
    s.config.registrations_per_address_per_hour = 2;
    s.start();
    {
        auto c = s.connect();
        CHECK(std::holds_alternative<p::RegisterResponse>(registerWith(s, *c, "reg-one")));
        CHECK(std::holds_alternative<p::RegisterResponse>(registerWith(s, *c, "reg-two")));
        CHECK(codeOf(registerWith(s, *c, "reg-three")) == p::ErrorCode::RegistrationLimited);
    }
    s.stop();
    s.start();
    auto c = s.connect();
    CHECK(codeOf(registerWith(s, *c, "reg-four")) == p::ErrorCode::RegistrationLimited);
}

TEST_CASE("weak passwords and taken names are refused at registration") {
    TestServer s;
    s.start();
    s.addUser("taken", kPassword, p::Role::Station);
    auto c = s.connect();
    CHECK(codeOf(registerWith(s, *c, "taken")) == p::ErrorCode::UsernameTaken);
    const auto challenge = s.captcha(*c, p::CaptchaPurpose::Register);
    auto weak = c->call(p::RegisterRequest{"fresh", "short", "", challenge.challenge_id, kCaptchaAnswer});
    CHECK(codeOf(*weak) == p::ErrorCode::WeakPassword);
}

TEST_CASE("a station role cannot add persons or approve users, and the refusal is audited") {
    TestServer s;
    s.start();
    s.addUser("station1", kPassword, p::Role::Station);
    auto c = s.loggedIn("station1", kPassword);
    p::PersonAdd add;
    add.details.name = "Someone";
    add.photos_jpeg = {{0xFF, 0xD8, 0xFF}};
    CHECK(codeOf(*c->call(add)) == p::ErrorCode::Forbidden);
    CHECK(codeOf(*c->call(p::PersonRemove{1})) == p::ErrorCode::Forbidden);
    CHECK(codeOf(*c->call(p::UserDecision{"station1", p::UserAction::SetRole, p::Role::Admin})) == p::ErrorCode::Forbidden);
    CHECK(codeOf(*c->call(p::UserListRequest{})) == p::ErrorCode::Forbidden);
    CHECK(codeOf(*c->call(p::AuditListRequest{})) == p::ErrorCode::Forbidden);
    CHECK(s.service->watchlist().persons().empty());
    const auto audit = s.service->listAudit(kAdmin, 0, 100);
    const auto forbidden = std::count_if(audit->begin(), audit->end(), [](const p::AuditEntry& e) {
        return e.action == "forbidden" && e.actor == "station1";
    });
    CHECK(forbidden == 5);
}

TEST_CASE("a viewer may list sightings but not download the watchlist or report") {
    TestServer s;
    s.start();
    s.addUser("viewer1", kPassword, p::Role::Viewer);
    const auto person = s.seedPerson("Seen");
    auto c = s.loggedIn("viewer1", kPassword);
    CHECK(std::holds_alternative<p::SightingList>(*c->call(p::SightingListRequest{0, 10})));
    CHECK(codeOf(*c->call(p::WatchlistSyncRequest{0})) == p::ErrorCode::Forbidden);
    CHECK(codeOf(*c->call(sightingOf(person, "v-1"))) == p::ErrorCode::Forbidden);
}

TEST_CASE("an oversized frame before login closes the connection with an error") {
    TestServer s;
    s.start();
    auto c = s.connect();
    // A header promising 1 MiB: above the 16 KiB pre-login limit.
    c->sendRaw({0x00, 0x10, 0x00, 0x00});
    auto reply = c->next(5s);
    REQUIRE(reply);
    REQUIRE(std::holds_alternative<p::Error>(reply->message));
    CHECK(std::get<p::Error>(reply->message).code == p::ErrorCode::FrameTooLarge);
    CHECK(c->waitClosed(5s));
}

TEST_CASE("a garbled frame is a protocol violation: error, then close") {
    TestServer s;
    s.start();
    auto c = s.connect();
    c->sendRaw({0x00, 0x00, 0x00, 0x05, 0xde, 0xad, 0xbe, 0xef, 0x00});
    auto reply = c->next(5s);
    REQUIRE(reply);
    CHECK(std::get<p::Error>(reply->message).code == p::ErrorCode::ProtocolViolation);
    CHECK(c->waitClosed(5s));
}

TEST_CASE("a message before Hello is a protocol violation") {
    TestServer s;
    s.start();
    auto c = s.connect(false);
    auto reply = c->call(p::CaptchaRequest{});
    REQUIRE(reply);
    CHECK(std::get<p::Error>(*reply).code == p::ErrorCode::ProtocolViolation);
    CHECK(c->waitClosed(5s));
}

TEST_CASE("a Hello with another protocol version is refused with a reason") {
    TestServer s;
    s.start();
    auto c = s.connect(false);
    auto reply = c->call(p::Hello{p::kProtocolVersion + 1, "future"});
    REQUIRE(reply);
    CHECK(std::get<p::Error>(*reply).code == p::ErrorCode::UnsupportedVersion);
    CHECK(c->waitClosed(5s));
}

TEST_CASE("a connection that sends nothing is closed after the handshake timeout") {
    TestServer s;
    s.config.handshake_timeout_ms = 300;
    s.start();
    boost::asio::io_context io;
    boost::asio::ip::tcp::socket raw(io);
    raw.connect({boost::asio::ip::make_address("127.0.0.1"), s.port()});
    const auto started = std::chrono::steady_clock::now();
    std::array<char, 16> buffer{};
    boost::system::error_code ec;
    // Blocks until the server gives up on us (EOF or reset).
    raw.read_some(boost::asio::buffer(buffer), ec);
    const auto waited = std::chrono::steady_clock::now() - started;
    CHECK(ec);
    CHECK(waited >= 250ms);
    CHECK(waited < 5s);
}

TEST_CASE("a TLS client that never says Hello is closed after the handshake timeout") {
    TestServer s;
    s.config.handshake_timeout_ms = 300;
    s.start();
    auto c = s.connect(false);
    CHECK(c->waitClosed(5s));
}

TEST_CASE("an idle session is pinged and closed when it does not answer") {
    TestServer s;
    s.config.idle_timeout_ms = 200;
    s.start();
    s.addUser("sleepy", kPassword, p::Role::Station);
    auto c = s.loggedIn("sleepy", kPassword);
    auto ping = c->waitPush<p::Ping>(5s);
    REQUIRE(ping);
    c->send(p::Pong{ping->nonce});
    auto second = c->waitPush<p::Ping>(5s);  // still alive after answering
    REQUIRE(second);
    CHECK(second->nonce != ping->nonce);
    CHECK(c->waitClosed(5s));  // no answer this time
}

TEST_CASE("connections above the per-address cap are refused") {
    TestServer s;
    s.config.max_connections_per_address = 3;
    s.start();
    std::vector<std::shared_ptr<vigil::wire::WireClient>> clients;
    for (int i = 0; i < 3; ++i) clients.push_back(s.connect());
    auto extra = vigil::wire::WireClient::create(s.clientIo, s.clientTls);
    const auto error = extra->connect("127.0.0.1", s.port(), "localhost", 5s);
    CHECK(error.has_value());
    for (auto& c : clients) c->close();  // slots free when connections end
    clients.clear();
    for (int attempt = 0; attempt < 100 && s.server->connectionCount() > 0; ++attempt) std::this_thread::sleep_for(20ms);
    CHECK(s.server->connectionCount() == 0);
    auto again = s.connect();
    CHECK(again->call(p::Ping{7}));
}

TEST_CASE("a flood of messages is throttled and the flooder cut off") {
    TestServer s;
    s.config.messages_per_second = 20;
    s.start();
    auto c = s.connect();
    for (int i = 0; i < 400; ++i) c->send(p::Ping{static_cast<std::uint64_t>(i)});
    int limited = 0;
    while (auto e = c->next(5s)) {
        if (auto* err = std::get_if<p::Error>(&e->message); err && err->code == p::ErrorCode::RateLimited) ++limited;
    }
    CHECK(limited > 50);
    CHECK(c->closed());
    // Others are not affected.
    auto other = s.connect();
    CHECK(std::holds_alternative<p::Pong>(*other->call(p::Ping{1})));
}

TEST_CASE("a station that reconnects resumes its session without a new login") {
    TestServer s;
    s.start();
    s.addUser("mobile", kPassword, p::Role::Station);
    std::string token;
    {
        auto c = s.connect();
        auto reply = s.tryLogin(*c, "mobile", kPassword);
        token = std::get<p::LoginResponse>(reply).session_token;
        CHECK(token.size() == 64);
    }
    auto c = s.connect();
    auto resumed = c->call(p::ResumeSession{token});
    REQUIRE(std::holds_alternative<p::LoginResponse>(*resumed));
    CHECK(std::get<p::LoginResponse>(*resumed).username == "mobile");
    CHECK(std::holds_alternative<p::WatchlistDelta>(*c->call(p::WatchlistSyncRequest{0})));
    auto bogus = s.connect();
    CHECK(codeOf(*bogus->call(p::ResumeSession{std::string(64, 'a')})) == p::ErrorCode::SessionExpired);
}

TEST_CASE("disabling an account drops its live session and its token") {
    TestServer s;
    s.start();
    s.addUser("rogue", kPassword, p::Role::Station);
    auto c = s.connect();
    const auto token = std::get<p::LoginResponse>(s.tryLogin(*c, "rogue", kPassword)).session_token;
    REQUIRE(s.service->decideUser(kAdmin, {"rogue", p::UserAction::Disable, p::Role::Station}));
    auto notice = c->next(5s);
    REQUIRE(notice);
    // The code says why: disabled (a role change or password reset says SessionExpired).
    CHECK(std::get<p::Error>(notice->message).code == p::ErrorCode::AccountDisabled);
    CHECK(c->waitClosed(5s));
    auto again = s.connect();
    CHECK(codeOf(*again->call(p::ResumeSession{token})) == p::ErrorCode::SessionExpired);
}

TEST_CASE("a sighting is acknowledged once, alerts others but not its reporter") {
    TestServer s;
    s.start();
    s.addUser("st-a", kPassword, p::Role::Station);
    s.addUser("st-b", kPassword, p::Role::Station);
    // Extreme: pushed to every station at once (issue 9 policy; tests/review covers the review-first levels).
    const auto person = s.seedPerson("Wanted O'Hara", p::DangerLevel::Extreme);
    auto a = s.loggedIn("st-a", kPassword);
    auto b = s.loggedIn("st-b", kPassword);
    REQUIRE(std::holds_alternative<p::Ok>(*a->call(p::SubscribeAlerts{})));
    REQUIRE(std::holds_alternative<p::Ok>(*b->call(p::SubscribeAlerts{})));

    auto ack = a->call(sightingOf(person, "rep-1"));
    REQUIRE(std::holds_alternative<p::SightingAck>(*ack));
    CHECK_FALSE(std::get<p::SightingAck>(*ack).duplicate);
    auto alert = b->waitPush<p::AlertPush>(5s);
    REQUIRE(alert);
    CHECK(alert->sighting.person_name == "Wanted O'Hara");
    CHECK(alert->sighting.station == "st-a");
    CHECK(alert->sighting.location.place == "Gate 3");

    auto dup = a->call(sightingOf(person, "rep-1"));
    CHECK(std::get<p::SightingAck>(*dup).duplicate);
    CHECK(std::get<p::SightingAck>(*dup).sighting_id == std::get<p::SightingAck>(*ack).sighting_id);
    CHECK_FALSE(b->waitPush<p::AlertPush>(300ms));  // a duplicate does not alert again
    CHECK_FALSE(a->waitPush<p::AlertPush>(100ms));  // the reporter is not told about itself

    CHECK(codeOf(*a->call(sightingOf(999, "rep-2"))) == p::ErrorCode::NotFound);
    CHECK(codeOf(*a->call(sightingOf(person, "bad id with spaces"))) == p::ErrorCode::InvalidRequest);
}

TEST_CASE("a subscriber that stops reading is dropped instead of growing memory") {
    TestServer s;
    s.config.max_queued_frames = 8;
    s.config.max_queued_bytes = 4 * 1024 * 1024;
    s.config.messages_per_second = 10'000;
    s.start();
    s.addUser("reporter", kPassword, p::Role::Station);
    s.addUser("sloth", kPassword, p::Role::Station);
    const auto person = s.seedPerson("Slow Reader Test", p::DangerLevel::Extreme);  // pushed at once

    const auto token = s.service->issueSessionToken(kAdmin, "sloth")->token;
    auto reporter = s.loggedIn("reporter", kPassword);
    // A raw TLS client that subscribes and then never reads again.
    boost::asio::io_context io;
    boost::asio::ssl::stream<boost::asio::ip::tcp::socket> sloth(io, s.clientTls);
    p::requireServerIdentity(sloth.native_handle(), "localhost");
    sloth.next_layer().connect({boost::asio::ip::make_address("127.0.0.1"), s.port()});
    sloth.handshake(boost::asio::ssl::stream_base::client);
    std::uint32_t id = 1;
    for (p::Message m : {p::Message(p::Hello{}), p::Message(p::ResumeSession{token}), p::Message(p::SubscribeAlerts{})})
        boost::asio::write(sloth, boost::asio::buffer(p::encodeFrame(p::Envelope{id++, m})));
    // Both sessions authenticated (each holds a hub subscription).
    for (int i = 0; i < 500 && s.service->hub().subscriberCount() < 2; ++i) std::this_thread::sleep_for(10ms);
    REQUIRE(s.service->hub().subscriberCount() == 2);
    const std::size_t connectedBefore = 2;
    REQUIRE(s.server->connectionCount() == connectedBefore);
    for (int i = 0; i < 60; ++i) {
        auto report = sightingOf(person, "slow-" + std::to_string(i));
        report.snapshot_jpeg.assign(1000 * 1000, static_cast<std::uint8_t>(i));  // ~1 MB each: 60 MB if kept
        REQUIRE(std::holds_alternative<p::SightingAck>(*reporter->call(report, 30s)));
        if (s.server->connectionCount() < connectedBefore) break;
    }
    // The sloth's connection is gone; the reporter still works.
    for (int i = 0; i < 200 && s.server->connectionCount() >= connectedBefore; ++i) std::this_thread::sleep_for(10ms);
    CHECK(s.server->connectionCount() == connectedBefore - 1);
    CHECK(std::holds_alternative<p::Pong>(*reporter->call(p::Ping{3})));
}

TEST_CASE("an account locked out by failed logins stays locked when the server restarts") {
    TestServer s;
    s.start();
    s.addUser("target", kPassword, p::Role::Station);
    auto c = s.connect();
    for (int i = 0; i < s.config.lockout_after_failures; ++i) {
        CHECK(codeOf(s.tryLogin(*c, "target", "wrong password number " + std::to_string(i))) ==
              p::ErrorCode::InvalidCredentials);
        s.advanceClock(61s);  // past each growing delay, well inside the lock-out's window
    }
    CHECK(codeOf(s.tryLogin(*c, "target", kPassword)) == p::ErrorCode::AccountLocked);
    c.reset();

    s.stop();
    s.start();
    auto after = s.connect();
    CHECK(codeOf(s.tryLogin(*after, "target", kPassword)) == p::ErrorCode::AccountLocked);
    s.advanceClock(std::chrono::seconds(s.config.lockout_seconds));
    CHECK(std::holds_alternative<p::LoginResponse>(s.tryLogin(*after, "target", kPassword)));
}
