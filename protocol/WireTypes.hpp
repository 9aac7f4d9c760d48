#pragma once
// Domain enums and value types shared by several messages. Plain data.

#include <cereal/cereal.hpp>
#include <cereal/types/array.hpp>
#include <cereal/types/string.hpp>
#include <cereal/types/vector.hpp>

#include "protocol/BoundedInputArchive.hpp"
#include "protocol/Limits.hpp"

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace vigil::protocol {

using Bytes = std::vector<std::uint8_t>;
using Descriptor = std::array<float, kDescriptorSize>;

enum class Role : std::uint8_t { Admin, Operator, Station, Viewer };
inline constexpr Role kLastRole = Role::Viewer;

enum class AccountStatus : std::uint8_t { Pending, Active, Disabled };
inline constexpr AccountStatus kLastAccountStatus = AccountStatus::Disabled;

enum class DangerLevel : std::uint8_t { Low, Medium, High, Extreme };
inline constexpr DangerLevel kLastDangerLevel = DangerLevel::Extreme;

enum class CaptchaPurpose : std::uint8_t { Login, Register };
inline constexpr CaptchaPurpose kLastCaptchaPurpose = CaptchaPurpose::Register;

// Issue 9: HQ reviews every sighting. Pending until an operator or admin
// confirms or dismisses it; a decision is final.
enum class ReviewState : std::uint8_t { Pending, Confirmed, Dismissed };
inline constexpr ReviewState kLastReviewState = ReviewState::Dismissed;

// Why a sighting was dismissed. WrongPerson keeps the face as a negative
// example of the wanted person ("not this person"), synced to stations.
enum class DismissReason : std::uint8_t { None, WrongPerson, PoorImage, Duplicate, Other };
inline constexpr DismissReason kLastDismissReason = DismissReason::Other;

// A refusal is a typed value: the client shows one sentence per code
// (errorSentence), the text adds detail for logs.
enum class ErrorCode : std::uint16_t {
    ProtocolViolation,   // malformed frame; the connection is closed after this
    UnsupportedVersion,  // Hello with another protocol version
    FrameTooLarge,
    RateLimited,         // too many messages per second
    NotAuthenticated,    // request needs a login first
    Forbidden,           // role does not allow this request
    CaptchaInvalid,      // wrong, expired, or already used
    InvalidCredentials,  // same answer for unknown user and wrong password
    AccountLocked,       // too many failures; try again later
    AccountPending,      // registered, awaiting approval
    AccountDisabled,
    RegistrationLimited, // too many registrations from here or overall
    UsernameTaken,
    WeakPassword,
    InvalidRequest,      // well-formed but semantically wrong (bad field)
    NotFound,
    ModelMismatch,       // descriptors from another recognition model
    SessionExpired,
    ServerBusy,          // connection caps
    Internal,
};
inline constexpr ErrorCode kLastErrorCode = ErrorCode::Internal;

std::string_view describe(Role role);
std::string_view describe(AccountStatus status);
std::string_view describe(DangerLevel level);
std::string_view describe(ErrorCode code);
std::string_view describe(ReviewState state);    // "pending", "confirmed", "dismissed"
std::string_view describe(DismissReason reason);  // "wrong-person", "poor-image", "duplicate", "other"
bool parseDismissReason(std::string_view text, DismissReason& out);
bool parseRole(std::string_view text, Role& out);
bool parseDangerLevel(std::string_view text, DangerLevel& out);
// A sentence a field officer understands, for the GUIs and the command lines.
std::string_view errorSentence(ErrorCode code);

// Serialises an enum as its underlying integer and rejects, on load, any
// value past the enum's last member: a hostile byte never becomes an enum
// value the code has no case for.
template <class E, E Last>
struct EnumField {
    E& value;
    template <class Archive>
    void save(Archive& ar) const {
        ar(static_cast<std::underlying_type_t<E>>(value));
    }
    template <class Archive>
    void load(Archive& ar) {
        std::underlying_type_t<E> raw{};
        ar(raw);
        if (raw > static_cast<std::underlying_type_t<E>>(Last))
            throw DecodeException(DecodeError::InvalidValue,
                                  "enum value " + std::to_string(+raw) + " out of range");
        value = static_cast<E>(raw);
    }
};
inline EnumField<Role, kLastRole> wire(Role& v) { return {v}; }
inline EnumField<AccountStatus, kLastAccountStatus> wire(AccountStatus& v) { return {v}; }
inline EnumField<DangerLevel, kLastDangerLevel> wire(DangerLevel& v) { return {v}; }
inline EnumField<CaptchaPurpose, kLastCaptchaPurpose> wire(CaptchaPurpose& v) { return {v}; }
inline EnumField<ErrorCode, kLastErrorCode> wire(ErrorCode& v) { return {v}; }
inline EnumField<ReviewState, kLastReviewState> wire(ReviewState& v) { return {v}; }
inline EnumField<DismissReason, kLastDismissReason> wire(DismissReason& v) { return {v}; }

// Where a station is. Coordinates are optional (a station may only know its
// address until Nominatim answers).
struct Location {
    bool has_coordinates = false;
    double latitude = 0;
    double longitude = 0;
    std::string place;  // human-readable address or name

    template <class Archive>
    void serialize(Archive& ar) {
        ar(has_coordinates, latitude, longitude, place);
    }
};

// One enrolled face of a wanted person: its descriptor and quality.
struct FaceTemplate {
    std::uint64_t photo_id = 0;
    Descriptor descriptor{};
    float quality = 0;

    template <class Archive>
    void serialize(Archive& ar) {
        ar(photo_id, descriptor, quality);
    }
};

// The descriptive fields of a wanted person (no biometrics).
struct PersonDetails {
    std::string name;
    std::vector<std::string> aliases;
    std::string reason;  // charges / why wanted
    DangerLevel danger = DangerLevel::Medium;
    std::string notes;

    template <class Archive>
    void serialize(Archive& ar) {
        ar(name, aliases, reason, wire(danger), notes);
    }
};

// What a station holds for one wanted person.
struct WantedPerson {
    std::uint64_t id = 0;
    PersonDetails details;
    std::int64_t updated_at = 0;      // unix seconds
    std::vector<FaceTemplate> faces;  // one per enrolled photo
    Bytes thumbnail_jpeg;             // for the alert panel
    std::vector<Descriptor> negatives;  // look-alikes dismissed by HQ as "not this person"

    template <class Archive>
    void serialize(Archive& ar) {
        ar(id, details, updated_at, faces, thumbnail_jpeg, negatives);
    }
};

// A stored sighting as HQ and alert subscribers see it.
struct Sighting {
    std::uint64_t id = 0;
    std::string report_id;
    std::uint64_t person_id = 0;
    std::string person_name;
    DangerLevel danger = DangerLevel::Medium;
    std::string station;  // reporting account
    Location location;
    float distance = 0;
    std::int64_t observed_at_ms = 0;  // station clock, unix milliseconds
    std::int64_t received_at_ms = 0;  // server clock
    Bytes snapshot_jpeg;
    // Issue 9 (appended): how clear the match was, and HQ's review.
    std::uint64_t runner_up_id = 0;   // 0: no other person was near
    std::string runner_up_name;
    float runner_up_distance = 0;
    ReviewState review = ReviewState::Pending;
    std::string decided_by;           // account of the operator / admin
    std::int64_t decided_at_ms = 0;   // server clock
    DismissReason dismiss_reason = DismissReason::None;
    std::string review_note;          // free text given with the decision

    template <class Archive>
    void serialize(Archive& ar) {
        ar(id, report_id, person_id, person_name, wire(danger), station, location, distance,
           observed_at_ms, received_at_ms, snapshot_jpeg, runner_up_id, runner_up_name, runner_up_distance,
           wire(review), decided_by, decided_at_ms, wire(dismiss_reason), review_note);
    }
};

struct UserInfo {
    std::string username;
    Role role = Role::Station;
    AccountStatus status = AccountStatus::Pending;
    std::int64_t created_at = 0;
    std::int64_t last_login_at = 0;

    template <class Archive>
    void serialize(Archive& ar) {
        ar(username, wire(role), wire(status), created_at, last_login_at);
    }
};

struct AuditEntry {
    std::uint64_t id = 0;
    std::int64_t at = 0;
    std::string actor;
    std::string address;
    std::string action;
    std::string target;
    std::string detail;

    template <class Archive>
    void serialize(Archive& ar) {
        ar(id, at, actor, address, action, target, detail);
    }
};

}  // namespace vigil::protocol
