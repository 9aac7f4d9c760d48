#include "server/security/Base32.hpp"
#include "server/security/SecondFactor.hpp"
#include "server/security/Totp.hpp"

#include <doctest/doctest.h>

using namespace vigil::server::security;
using Verdict = SecondFactorCheck::Verdict;

namespace {

// The secret as an authenticator app reads it from the enrolment URI.
vigil::crypto::Bytes secretFromUri(const std::string& uri) {
    const auto start = uri.find("secret=") + 7;
    const auto end = uri.find('&', start);
    return *base32Decode(uri.substr(start, end - start));
}

}  // namespace

TEST_CASE("a staff member logs in with the code of their authenticator app, once per code") {
    const RecordSealer sealer(vigil::crypto::randomKey());
    SecondFactorEnrolment enrolment = enrolSecondFactor(sealer, "ann");
    CHECK(enrolment.otpauthUri.rfind("otpauth://totp/Vigil%20HQ:ann?secret=", 0) == 0);
    CHECK(enrolment.recoveryCodes.size() == 10);
    const auto secret = secretFromUri(enrolment.otpauthUri);
    const std::int64_t now = 1'800'000'000;

    const SecondFactorCheck first = checkSecondFactor(sealer, "ann", enrolment.stored, totpCode(secret, now), now);
    REQUIRE(first.verdict == Verdict::AcceptedTotp);
    REQUIRE(first.changed);
    const SecondFactorCheck replay = checkSecondFactor(sealer, "ann", first.updated, totpCode(secret, now), now + 5);
    CHECK(replay.verdict == Verdict::Replayed);
    CHECK_FALSE(replay.changed);
    CHECK(checkSecondFactor(sealer, "ann", first.updated, totpCode(secret, now + 30), now + 30).accepted());
}

TEST_CASE("a recovery code stands in for a lost authenticator exactly once") {
    const RecordSealer sealer(vigil::crypto::randomKey());
    SecondFactorEnrolment enrolment = enrolSecondFactor(sealer, "bob");
    const std::string code = enrolment.recoveryCodes[0];
    const SecondFactorCheck used = checkSecondFactor(sealer, "bob", enrolment.stored, code, 1'800'000'000);
    REQUIRE(used.verdict == Verdict::AcceptedRecoveryCode);
    CHECK(checkSecondFactor(sealer, "bob", used.updated, code, 1'800'000'000).verdict == Verdict::Wrong);
    CHECK(checkSecondFactor(sealer, "bob", used.updated, enrolment.recoveryCodes[1], 1'800'000'000).accepted());
}

TEST_CASE("no code, a wrong code, another user's secret or a tampered secret are refused") {
    const RecordSealer sealer(vigil::crypto::randomKey());
    SecondFactorEnrolment ann = enrolSecondFactor(sealer, "ann");
    const std::int64_t now = 1'800'000'000;
    const auto secret = secretFromUri(ann.otpauthUri);
    CHECK(checkSecondFactor(sealer, "ann", ann.stored, "", now).verdict == Verdict::Missing);
    CHECK(checkSecondFactor(sealer, "ann", ann.stored, "not-a-code", now).verdict == Verdict::Wrong);
    // Ann's stored secret copied onto Mallory's row does not open there.
    CHECK(checkSecondFactor(sealer, "mallory", ann.stored, totpCode(secret, now), now).verdict == Verdict::Tampered);
    StoredSecondFactor altered = ann.stored;
    altered.sealedTotpSecret[14] ^= 1;
    CHECK(checkSecondFactor(sealer, "ann", altered, totpCode(secret, now), now).verdict == Verdict::Tampered);
}
