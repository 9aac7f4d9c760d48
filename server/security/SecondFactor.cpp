#include "server/security/SecondFactor.hpp"

#include "server/security/Totp.hpp"

#include <openssl/crypto.h>

namespace vigil::server::security {
namespace {

constexpr std::string_view kTotpTable = "users.totp";

bool looksLikeTotp(std::string_view code) {
    if (code.size() != 6) return false;
    for (char c : code)
        if (c < '0' || c > '9') return false;
    return true;
}

}  // namespace

SecondFactorEnrolment enrolSecondFactor(const RecordSealer& sealer, std::string_view username,
                                        std::string_view issuer) {
    crypto::Bytes secret = generateTotpSecret();
    NewRecoveryCodes codes = generateRecoveryCodes();
    SecondFactorEnrolment enrolment;
    enrolment.otpauthUri = otpauthUri(issuer, username, secret);
    enrolment.recoveryCodes = std::move(codes.shownOnce);
    enrolment.stored.sealedTotpSecret = sealer.seal({kTotpTable, username}, secret);
    enrolment.stored.recoveryCodes = std::move(codes.stored);
    OPENSSL_cleanse(secret.data(), secret.size());
    return enrolment;
}

SecondFactorCheck checkSecondFactor(const RecordSealer& sealer, std::string_view username,
                                    const StoredSecondFactor& stored, std::string_view code,
                                    std::int64_t unixSeconds) {
    using Verdict = SecondFactorCheck::Verdict;
    SecondFactorCheck check;
    check.updated = stored;
    if (code.empty()) {
        check.verdict = Verdict::Missing;
        return check;
    }
    if (looksLikeTotp(code)) {
        OpenedRecord secret = sealer.open({kTotpTable, username}, stored.sealedTotpSecret);
        if (secret.tampered()) {
            check.verdict = Verdict::Tampered;
            return check;
        }
        crypto::Bytes key = secret.takeBytes();
        const TotpCheck totp = verifyTotp(key, code, unixSeconds, stored.lastTotpStep);
        OPENSSL_cleanse(key.data(), key.size());
        switch (totp.verdict) {
        case TotpCheck::Verdict::Accepted:
            check.verdict = Verdict::AcceptedTotp;
            check.updated.lastTotpStep = totp.step;
            check.changed = true;
            return check;
        case TotpCheck::Verdict::Replayed: check.verdict = Verdict::Replayed; return check;
        case TotpCheck::Verdict::Wrong:
        case TotpCheck::Verdict::Malformed: check.verdict = Verdict::Wrong; return check;
        }
        return check;
    }
    RecoveryCodeSet codes = RecoveryCodeSet::parse(stored.recoveryCodes);
    if (codes.consume(code)) {
        check.verdict = Verdict::AcceptedRecoveryCode;
        check.updated.recoveryCodes = codes.serialize();
        check.changed = true;
        return check;
    }
    check.verdict = Verdict::Wrong;
    return check;
}

}  // namespace vigil::server::security
