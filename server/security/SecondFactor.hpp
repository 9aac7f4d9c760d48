#pragma once
// The second factor of HQ staff (admins and operators): a TOTP secret sealed
// with the data key (the server must read it back, so it cannot be hashed),
// the step of the last accepted code, and the hashed one-time recovery
// codes. Pure logic: the credential store keeps StoredSecondFactor per user.
//
// Replay across concurrent logins: persist `updated` with a compare-and-set
// on the previous last step (UPDATE ... WHERE username = ? AND totp_last_step
// IS ?) and grant the session only if that changed a row.

#include "server/security/RecordSealer.hpp"
#include "server/security/RecoveryCodes.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vigil::server::security {

struct StoredSecondFactor {
    crypto::Bytes sealedTotpSecret;             // RecordSealer at {"users.totp", username}
    std::optional<std::uint64_t> lastTotpStep;  // replay guard
    std::string recoveryCodes;                  // RecoveryCodeSet::serialize()
};

struct SecondFactorEnrolment {
    std::string otpauthUri;                  // show once as a QR code
    std::vector<std::string> recoveryCodes;  // show once
    StoredSecondFactor stored;               // keep
};

SecondFactorEnrolment enrolSecondFactor(const RecordSealer& sealer, std::string_view username,
                                        std::string_view issuer = "Vigil HQ");

struct SecondFactorCheck {
    enum class Verdict {
        AcceptedTotp,
        AcceptedRecoveryCode,
        Missing,   // no code given
        Wrong,     // neither a current TOTP code nor an unused recovery code
        Replayed,  // a TOTP code of a step already used
        Tampered,  // the stored secret failed authentication: refuse and report
    };
    Verdict verdict = Verdict::Wrong;
    StoredSecondFactor updated;  // persist before granting when `changed`
    bool changed = false;
    bool accepted() const noexcept {
        return verdict == Verdict::AcceptedTotp || verdict == Verdict::AcceptedRecoveryCode;
    }
};

// Six digits are read as a TOTP code, anything else as a recovery code.
SecondFactorCheck checkSecondFactor(const RecordSealer& sealer, std::string_view username,
                                    const StoredSecondFactor& stored, std::string_view code,
                                    std::int64_t unixSeconds);

}  // namespace vigil::server::security
