// Password hashing, policy, CAPTCHA, throttling, registration limits, tokens.
#include "server/core/CaptchaRenderer.hpp"
#include "server/core/CaptchaService.hpp"
#include "server/core/CredentialStore.hpp"
#include "server/core/LoginThrottle.hpp"
#include "server/core/PasswordHasher.hpp"
#include "server/core/PasswordPolicy.hpp"
#include "server/core/RegistrationLimiter.hpp"
#include "server/core/SessionTokens.hpp"
#include "support/TestCerts.hpp"

#include <doctest/doctest.h>

#include <memory>
#include <opencv2/imgcodecs.hpp>

using namespace vigil::server;
namespace p = vigil::protocol;
using vigil::test::TempDir;

namespace {

struct ManualClock {
    std::shared_ptr<std::int64_t> now = std::make_shared<std::int64_t>(1'000'000);
    Clock clock() const {
        return [n = now] { return *n; };
    }
    void advance(std::int64_t ms) { *now += ms; }
};

class FixedText : public CaptchaTextSource {
public:
    std::string next() override { return "HJK47M"; }
};

}  // namespace

TEST_CASE("a password hash records its parameters and verifies only the right password") {
    PasswordHasher hasher(ScryptParams{10, 8, 1});
    const auto hash = hasher.hash("correct horse battery");
    CHECK(hash.rfind("$scrypt$ln=10,r=8,p=1$", 0) == 0);
    CHECK(hasher.verify("correct horse battery", hash));
    CHECK_FALSE(hasher.verify("correct horse batterY", hash));
    CHECK_FALSE(hasher.verify("", hash));
    CHECK(hasher.hash("correct horse battery") != hash);  // salted
}

TEST_CASE("hashes made with weaker parameters still verify and ask for a rehash") {
    PasswordHasher weak(ScryptParams{10, 8, 1});
    PasswordHasher strong(ScryptParams{11, 8, 1});
    const auto hash = weak.hash("a long passphrase");
    CHECK(strong.verify("a long passphrase", hash));
    CHECK(strong.needsRehash(hash));
    CHECK_FALSE(strong.needsRehash(strong.hash("x")));
}

TEST_CASE("malformed or hostile hash strings are rejected without work") {
    PasswordHasher hasher(ScryptParams{10, 8, 1});
    CHECK_FALSE(hasher.verify("x", ""));
    CHECK_FALSE(hasher.verify("x", "$scrypt$ln=40,r=8,p=1$00112233445566778899aabbccddeeff$00"));  // 2^40: refused
    CHECK_FALSE(hasher.verify("x", "$scrypt$ln=10,r=8$0011223344556677$" + std::string(64, '0')));
    CHECK_FALSE(hasher.verify("x", "$pbkdf2$whatever"));
    CHECK_FALSE(hasher.verify("x", "$scrypt$ln=10,r=8,p=1$zz$zz"));
}

TEST_CASE("the password policy refuses short, user-name-like and common passwords") {
    PasswordPolicy policy;
    CHECK(policy.check("bob", "short"));
    CHECK(policy.check("bobsmith", "xxbobsmithxx"));
    CHECK(policy.check("bob", "aaaaaaaaaaaa"));
    CHECK(policy.check("bob", "password123"));
    CHECK_FALSE(policy.check("bob", "river tiger lamp"));
    CHECK(checkUsername("a b"));
    CHECK(checkUsername("ab"));
    CHECK_FALSE(checkUsername("station-07.north_gate"));
}

TEST_CASE("the CAPTCHA image is a PNG a person can read") {
    const auto png = renderCaptchaPng("HJK47M");
    REQUIRE(png.size() > 1000);
    const cv::Mat raw(1, static_cast<int>(png.size()), CV_8UC1, const_cast<std::uint8_t*>(png.data()));
    const auto image = cv::imdecode(raw, cv::IMREAD_COLOR);
    CHECK(image.cols == 240);
    CHECK(image.rows == 80);
    // Two renderings of the same text differ: the distortion is random.
    CHECK(renderCaptchaPng("HJK47M") != png);
}

TEST_CASE("random CAPTCHA text uses only the unambiguous alphabet") {
    RandomCaptchaText text;
    for (int i = 0; i < 50; ++i) {
        const auto t = text.next();
        CHECK(t.size() == 6);
        for (char c : t) CHECK(kCaptchaAlphabet.find(c) != std::string_view::npos);
    }
}

TEST_CASE("a CAPTCHA is accepted once, case-insensitively") {
    ManualClock clock;
    CaptchaService captcha(std::make_unique<FixedText>(), clock.clock());
    const auto issued = captcha.issue(p::CaptchaPurpose::Login, "10.0.0.1");
    REQUIRE(issued);
    CHECK(captcha.verify(issued->id, " hjk47m ", p::CaptchaPurpose::Login));
    CHECK_FALSE(captcha.verify(issued->id, "HJK47M", p::CaptchaPurpose::Login));  // reused
}

TEST_CASE("a wrong CAPTCHA answer burns the challenge") {
    ManualClock clock;
    CaptchaService captcha(std::make_unique<FixedText>(), clock.clock());
    const auto issued = captcha.issue(p::CaptchaPurpose::Login, "10.0.0.1");
    CHECK_FALSE(captcha.verify(issued->id, "WRONG1", p::CaptchaPurpose::Login));
    CHECK_FALSE(captcha.verify(issued->id, "HJK47M", p::CaptchaPurpose::Login));
}

TEST_CASE("an expired CAPTCHA is rejected") {
    ManualClock clock;
    CaptchaService captcha(std::make_unique<FixedText>(), clock.clock(), CaptchaLimits{60'000, 100, 10});
    const auto issued = captcha.issue(p::CaptchaPurpose::Login, "10.0.0.1");
    clock.advance(60'001);
    CHECK_FALSE(captcha.verify(issued->id, "HJK47M", p::CaptchaPurpose::Login));
}

TEST_CASE("a CAPTCHA for registration does not unlock a login") {
    ManualClock clock;
    CaptchaService captcha(std::make_unique<FixedText>(), clock.clock());
    const auto issued = captcha.issue(p::CaptchaPurpose::Register, "10.0.0.1");
    CHECK_FALSE(captcha.verify(issued->id, "HJK47M", p::CaptchaPurpose::Login));
}

TEST_CASE("one address cannot hold more than its share of open CAPTCHAs") {
    ManualClock clock;
    CaptchaService captcha(std::make_unique<FixedText>(), clock.clock(), CaptchaLimits{60'000, 1000, 3});
    for (int i = 0; i < 3; ++i) CHECK(captcha.issue(p::CaptchaPurpose::Login, "10.0.0.1"));
    CHECK_FALSE(captcha.issue(p::CaptchaPurpose::Login, "10.0.0.1"));
    CHECK(captcha.issue(p::CaptchaPurpose::Login, "10.0.0.2"));
    clock.advance(60'001);
    CHECK(captcha.issue(p::CaptchaPurpose::Login, "10.0.0.1"));  // expired ones free the slots
}

TEST_CASE("failed logins bring growing delays, then a lock-out that ends") {
    ManualClock clock;
    ThrottleLimits limits;
    limits.account = ThrottleRules{2, 1000, 60'000, 5, 600'000, 3'600'000};
    LoginThrottle throttle(clock.clock(), limits);
    using V = LoginThrottle::Verdict;
    for (int i = 0; i < 2; ++i) {
        CHECK(throttle.check("bob", "1.1.1.1").verdict == V::Allowed);
        throttle.recordFailure("bob", "1.1.1.1");
    }
    CHECK(throttle.check("bob", "1.1.1.1").verdict == V::Allowed);
    throttle.recordFailure("bob", "1.1.1.1");  // 3rd: 1 s delay
    auto d = throttle.check("bob", "2.2.2.2");
    CHECK(d.verdict == V::Delayed);
    CHECK(d.retry_after_ms == 1000);
    clock.advance(1000);
    throttle.recordFailure("bob", "1.1.1.1");  // 4th: 2 s
    CHECK(throttle.check("bob", "1.1.1.1").retry_after_ms == 2000);
    clock.advance(2000);
    throttle.recordFailure("bob", "1.1.1.1");  // 5th: locked
    CHECK(throttle.check("bob", "3.3.3.3").verdict == V::Locked);
    CHECK(throttle.check("alice", "3.3.3.3").verdict == V::Allowed);  // no global lock-out
    clock.advance(600'000);
    CHECK(throttle.check("bob", "1.1.1.1").verdict == V::Allowed);
}

TEST_CASE("a successful login clears the account's failures") {
    ManualClock clock;
    LoginThrottle throttle(clock.clock());
    for (int i = 0; i < 3; ++i) throttle.recordFailure("bob", "1.1.1.1");
    throttle.recordSuccess("bob");
    throttle.recordFailure("bob", "1.1.1.1");
    CHECK(throttle.check("bob", "9.9.9.9").verdict == LoginThrottle::Verdict::Allowed);
}

TEST_CASE("an address spraying many accounts is slowed down") {
    ManualClock clock;
    LoginThrottle throttle(clock.clock());
    for (int i = 0; i < 6; ++i) throttle.recordFailure("user" + std::to_string(i), "6.6.6.6");
    CHECK(throttle.check("fresh", "6.6.6.6").verdict != LoginThrottle::Verdict::Allowed);
    CHECK(throttle.check("fresh", "7.7.7.7").verdict == LoginThrottle::Verdict::Allowed);
}

TEST_CASE("an account name counts as one whatever its letter case") {
    ManualClock clock;
    ThrottleLimits limits;
    limits.account = ThrottleRules{2, 1000, 60'000, 4, 600'000, 3'600'000};
    LoginThrottle throttle(clock.clock(), limits);
    for (const char* spelling : {"admin", "Admin", "ADMIN", "aDmIn"}) throttle.recordFailure(spelling, "1.1.1.1");
    CHECK(throttle.check("admin", "2.2.2.2").verdict == LoginThrottle::Verdict::Locked);
    throttle.recordSuccess("ADMIN");
    CHECK(throttle.check("admin", "2.2.2.2").verdict == LoginThrottle::Verdict::Allowed);
}

TEST_CASE("an account's lock-out and failure count survive a restart through credentials.db") {
    TempDir dir("throttle-restart");
    ManualClock clock;
    ThrottleLimits limits;
    limits.account = ThrottleRules{2, 1000, 60'000, 5, 600'000, 3'600'000};
    {
        CredentialStore store(dir.path / "c.db");
        LoginThrottle throttle(clock.clock(), limits);
        for (int i = 0; i < 4; ++i) CHECK_FALSE(throttle.recordFailure("bob", "1.1.1.1"));
        CHECK(throttle.recordFailure("Bob", "1.1.1.1"));  // the 5th locks, and says so
        for (int i = 0; i < 3; ++i) throttle.recordFailure("carol", "1.1.1.1");
        throttle.recordFailure("dave", "1.1.1.1");
        throttle.recordSuccess("dave");
        store.storeLoginFailures(throttle.takeAccountChanges());
        CHECK(throttle.takeAccountChanges().empty());  // nothing changed since
    }
    clock.advance(500);  // within carol's 1 s delay
    CredentialStore reopened(dir.path / "c.db");
    CHECK(reopened.loginFailures().size() == 2);  // bob and carol; dave's success deleted his row
    LoginThrottle restarted(clock.clock(), limits);
    restarted.restore(reopened.loginFailures());
    CHECK(restarted.check("bob", "9.9.9.9").verdict == LoginThrottle::Verdict::Locked);
    CHECK(restarted.check("carol", "9.9.9.9").verdict == LoginThrottle::Verdict::Delayed);
    CHECK(restarted.check("dave", "9.9.9.9").verdict == LoginThrottle::Verdict::Allowed);

    // The lock-out ends at its time, and the stored row goes with it.
    clock.advance(600'000);
    CHECK(restarted.check("bob", "9.9.9.9").verdict == LoginThrottle::Verdict::Allowed);
    reopened.storeLoginFailures(restarted.takeAccountChanges());
    const auto left = reopened.loginFailures();
    REQUIRE(left.size() == 1);
    CHECK(left.front().account == "carol");
}

TEST_CASE("registration limits count per address and overall, from the database") {
    TempDir dir("reglimit");
    ManualClock clock;
    {
        CredentialStore store(dir.path / "c.db");
        RegistrationLimiter limiter(store, clock.clock(), RegistrationLimits{2, 3, 3'600'000});
        CHECK(limiter.allowed("1.1.1.1"));
        limiter.record("1.1.1.1");
        limiter.record("1.1.1.1");
        CHECK_FALSE(limiter.allowed("1.1.1.1"));
        CHECK(limiter.allowed("2.2.2.2"));
        limiter.record("2.2.2.2");
        CHECK_FALSE(limiter.allowed("3.3.3.3"));  // global limit
    }
    CredentialStore reopened(dir.path / "c.db");
    RegistrationLimiter limiter(reopened, clock.clock(), RegistrationLimits{2, 3, 3'600'000});
    CHECK_FALSE(limiter.allowed("1.1.1.1"));  // survives a restart
    clock.advance(3'600'001);
    CHECK(limiter.allowed("1.1.1.1"));
}

TEST_CASE("session tokens are 256-bit, stored hashed, and expire when idle or old") {
    TempDir dir("tokens");
    ManualClock clock;
    CredentialStore store(dir.path / "c.db");
    UserRecord u;
    u.username = "station1";
    u.status = p::AccountStatus::Active;
    REQUIRE(store.createUser(u));
    SessionTokens tokens(store, clock.clock(), SessionLimits{1000, 5000});
    const auto issued = tokens.issue("station1");
    CHECK(issued.token.size() == 64);
    CHECK_FALSE(store.findSession(issued.token));  // only the hash is stored
    CHECK(store.findSession(SessionTokens::hashOf(issued.token)));

    clock.advance(900);
    CHECK(tokens.resume(issued.token));
    clock.advance(900);
    CHECK(tokens.resume(issued.token));  // use refreshed the idle timer
    clock.advance(1000);
    CHECK_FALSE(tokens.resume(issued.token));  // idle too long

    const auto second = tokens.issue("station1");
    for (int i = 0; i < 6; ++i) {
        clock.advance(900);
        if (i < 5) CHECK(tokens.resume(second.token));
    }
    CHECK_FALSE(tokens.resume(second.token));  // absolute expiry
    CHECK_FALSE(tokens.resume("not-a-token"));
    CHECK_FALSE(tokens.resume(std::string(64, 'z')));
}
