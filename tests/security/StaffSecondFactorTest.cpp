// Two-factor login of HQ staff over the real protocol (LoginRequest's
// one_time_code) against the real server: TOTP required once enrolled, a
// code is good once, a recovery code stands in once, stations are unaffected.
#include "WireClient.hpp"

#include "server/core/CaptchaService.hpp"
#include "server/core/HqServer.hpp"
#include "server/core/HqService.hpp"
#include "server/security/Base32.hpp"
#include "server/security/Totp.hpp"
#include "support/TestCerts.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>

using namespace vigil;
using namespace vigil::server;
using vigil::test::TempDir;
using vigil::test::WireClient;

namespace {

class FixedCaptcha : public CaptchaTextSource {
public:
    std::string next() override { return "ACDEF3"; }
};

std::int64_t unixNow() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

TEST_CASE("an operator with a second factor logs in only with a fresh one-time code or an unused recovery code") {
    TempDir dir("totp");
    const auto certs = vigil::test::makeTestCerts(dir.path / "certs");
    ServerConfig config;
    config.data_dir = dir.path / "hq";
    config.listen_address = "127.0.0.1";
    config.port = 0;
    config.certificate = certs.cert();
    config.private_key = certs.key();
    config.scrypt_log2n = 10;
    HqDependencies deps;
    deps.captcha_text = std::make_unique<FixedCaptcha>();
    HqService service(config, std::move(deps));
    const Actor admin{"test-admin", protocol::Role::Admin, "test"};
    REQUIRE(service.addUser(admin, "opal", "operator password 123", protocol::Role::Operator));
    REQUIRE(service.addUser(admin, "station-1", "station password 123", protocol::Role::Station));
    auto enrolment = service.enrolSecondFactor(admin, "opal");
    REQUIRE(enrolment);
    CHECK_FALSE(service.enrolSecondFactor(admin, "station-1"));  // stations keep password + CAPTCHA
    const auto uri = enrolment->otpauthUri;
    const auto secretStart = uri.find("secret=") + 7;
    const auto secret = *security::base32Decode(uri.substr(secretStart, uri.find('&', secretStart) - secretStart));

    HqServer server(service, config);
    auto attempt = [&](const std::string& user, const std::string& password, const std::string& code) {
        auto client = WireClient::connect("127.0.0.1", server.port(), certs.ca());
        REQUIRE(client);
        REQUIRE(client->hello());
        auto challenge = client->call(protocol::CaptchaRequest{protocol::CaptchaPurpose::Login});
        REQUIRE(challenge);
        const auto& c = std::get<protocol::CaptchaChallenge>(*challenge);
        auto reply = client->call(protocol::LoginRequest{user, password, c.challenge_id, "ACDEF3", code});
        REQUIRE(reply);
        return *reply;
    };
    auto loggedIn = [](const protocol::Message& m) { return std::holds_alternative<protocol::LoginResponse>(m); };

    CHECK_FALSE(loggedIn(attempt("opal", "operator password 123", "")));
    CHECK_FALSE(loggedIn(attempt("opal", "operator password 123", "000000")));
    const std::string code = security::totpCode(secret, unixNow());
    CHECK_FALSE(loggedIn(attempt("opal", "wrong password", code)));  // the code does not replace the password
    CHECK(loggedIn(attempt("opal", "operator password 123", code)));
    const auto replay = attempt("opal", "operator password 123", code);
    REQUIRE(std::holds_alternative<protocol::Error>(replay));
    CHECK(std::get<protocol::Error>(replay).text.find("already used") != std::string::npos);

    CHECK(loggedIn(attempt("opal", "operator password 123", enrolment->recoveryCodes[0])));
    CHECK_FALSE(loggedIn(attempt("opal", "operator password 123", enrolment->recoveryCodes[0])));
    CHECK(loggedIn(attempt("station-1", "station password 123", "")));

    // The secret is stored sealed, never in clear.
    const auto stored = service.credentials().secondFactor("opal");
    REQUIRE(stored);
    CHECK(std::search(stored->sealedTotpSecret.begin(), stored->sealedTotpSecret.end(), secret.begin(),
                      secret.end()) == stored->sealedTotpSecret.end());
}

TEST_CASE("with second factors required, staff without one cannot log in but stations can") {
    TempDir dir("totp-req");
    const auto certs = vigil::test::makeTestCerts(dir.path / "certs");
    ServerConfig config;
    config.data_dir = dir.path / "hq";
    config.listen_address = "127.0.0.1";
    config.port = 0;
    config.certificate = certs.cert();
    config.private_key = certs.key();
    config.scrypt_log2n = 10;
    config.require_staff_second_factor = true;
    HqDependencies deps;
    deps.captcha_text = std::make_unique<FixedCaptcha>();
    HqService service(config, std::move(deps));
    const Actor admin{"test-admin", protocol::Role::Admin, "test"};
    REQUIRE(service.addUser(admin, "olga", "operator password 123", protocol::Role::Operator));
    REQUIRE(service.addUser(admin, "station-2", "station password 123", protocol::Role::Station));
    HqServer server(service, config);
    auto login = [&](const std::string& user, const std::string& password) {
        auto client = WireClient::connect("127.0.0.1", server.port(), certs.ca());
        REQUIRE(client);
        REQUIRE(client->hello());
        auto challenge = client->call(protocol::CaptchaRequest{protocol::CaptchaPurpose::Login});
        const auto& c = std::get<protocol::CaptchaChallenge>(*challenge);
        auto reply = client->call(protocol::LoginRequest{user, password, c.challenge_id, "ACDEF3", ""});
        return reply && std::holds_alternative<protocol::LoginResponse>(*reply);
    };
    CHECK_FALSE(login("olga", "operator password 123"));
    CHECK(login("station-2", "station password 123"));
}
