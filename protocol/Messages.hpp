#pragma once
// Every message of the Vigil protocol: plain structs with a cereal serialize,
// no behaviour. A frame carries one Envelope {request_id, Message}.
//
// Requests carry a non-zero request_id that the response echoes; the server's
// unsolicited pushes (AlertPush, WatchlistChanged) use request_id 0.
//
// The wire type of a message is its index in the Message variant: APPEND new
// message types at the end only, never reorder (tests pin some indices).

#include "protocol/WireTypes.hpp"

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace vigil::protocol {

// --- connection -------------------------------------------------------------

// First message of every connection, client -> server.
struct Hello {
    std::uint32_t protocol_version = kProtocolVersion;
    std::string software;  // "vigil-client 0.1.0", for the audit log
    template <class A> void serialize(A& ar) { ar(protocol_version, software); }
};

// Server's answer to Hello.
struct HelloAck {
    std::uint32_t protocol_version = kProtocolVersion;
    std::string server_name;
    std::string model_fingerprint;  // recognition model the watchlist was computed with
    template <class A> void serialize(A& ar) { ar(protocol_version, server_name, model_fingerprint); }
};

struct Ping {
    std::uint64_t nonce = 0;
    template <class A> void serialize(A& ar) { ar(nonce); }
};

struct Pong {
    std::uint64_t nonce = 0;
    template <class A> void serialize(A& ar) { ar(nonce); }
};

// A refusal. After ProtocolViolation / UnsupportedVersion / FrameTooLarge the
// server closes the connection.
struct Error {
    ErrorCode code = ErrorCode::Internal;
    std::string text;
    template <class A> void serialize(A& ar) { ar(wire(code), text); }
};

// Generic success for commands that return nothing else.
struct Ok {
    template <class A> void serialize(A&) {}
};

// --- authentication ---------------------------------------------------------

struct CaptchaRequest {
    CaptchaPurpose purpose = CaptchaPurpose::Login;
    template <class A> void serialize(A& ar) { ar(wire(purpose)); }
};

struct CaptchaChallenge {
    std::string challenge_id;
    Bytes png;
    std::uint32_t expires_in_seconds = 0;
    template <class A> void serialize(A& ar) { ar(challenge_id, png, expires_in_seconds); }
};

struct RegisterRequest {
    std::string username;
    std::string password;
    std::string display_name;
    std::string captcha_id;
    std::string captcha_answer;
    template <class A> void serialize(A& ar) {
        ar(username, password, display_name, captcha_id, captcha_answer);
    }
};

struct RegisterResponse {
    AccountStatus status = AccountStatus::Pending;
    std::string message;
    template <class A> void serialize(A& ar) { ar(wire(status), message); }
};

struct LoginRequest {
    std::string username;
    std::string password;
    std::string captcha_id;
    std::string captcha_answer;
    std::string one_time_code;  // TOTP for HQ staff; empty for stations
    template <class A> void serialize(A& ar) {
        ar(username, password, captcha_id, captcha_answer, one_time_code);
    }
};

struct LoginResponse {
    std::string session_token;  // 256 random bits, hex; resumable after a drop
    std::string username;
    Role role = Role::Station;
    std::int64_t expires_at = 0;  // absolute expiry, unix seconds
    template <class A> void serialize(A& ar) { ar(session_token, username, wire(role), expires_at); }
};

// Reconnect without a new login while the token lives. Answered by LoginResponse.
struct ResumeSession {
    std::string session_token;
    template <class A> void serialize(A& ar) { ar(session_token); }
};

struct Logout {
    template <class A> void serialize(A&) {}
};

// --- watchlist --------------------------------------------------------------

struct WatchlistSyncRequest {
    std::uint64_t have_version = 0;  // 0: nothing cached, send everything
    template <class A> void serialize(A& ar) { ar(have_version); }
};

// The change between from_version and to_version. Large deltas come in pages:
// `more` says another WatchlistDelta follows for the same request.
struct WatchlistDelta {
    std::uint64_t from_version = 0;
    std::uint64_t to_version = 0;
    bool full = false;  // the station must drop what it has (e.g. version too old)
    bool more = false;
    std::string model_fingerprint;
    std::vector<WantedPerson> upserts;
    std::vector<std::uint64_t> removed_ids;
    template <class A> void serialize(A& ar) {
        ar(from_version, to_version, full, more, model_fingerprint, upserts, removed_ids);
    }
};

// Push: the watchlist moved to `version`; stations answer with a sync request.
struct WatchlistChanged {
    std::uint64_t version = 0;
    template <class A> void serialize(A& ar) { ar(version); }
};

// --- sightings and alerts ---------------------------------------------------

struct SightingReport {
    std::string report_id;  // chosen by the station; the server deduplicates by it
    std::uint64_t person_id = 0;
    float distance = 0;
    std::int64_t observed_at_ms = 0;
    Location location;
    Bytes snapshot_jpeg;
    Descriptor probe{};  // the face that matched, kept if HQ dismisses it as a look-alike
    // Issue 9 (appended): the nearest other person, so HQ sees how clear the match was.
    std::uint64_t runner_up_id = 0;  // 0: none
    float runner_up_distance = 0;
    template <class A> void serialize(A& ar) {
        ar(report_id, person_id, distance, observed_at_ms, location, snapshot_jpeg, probe, runner_up_id,
           runner_up_distance);
    }
};

struct SightingAck {
    std::string report_id;
    std::uint64_t sighting_id = 0;
    bool duplicate = false;  // already stored earlier; not stored again
    template <class A> void serialize(A& ar) { ar(report_id, sighting_id, duplicate); }
};

// Ask for alert pushes on this connection (consoles, stations).
struct SubscribeAlerts {
    template <class A> void serialize(A&) {}
};

// Push: a wanted person was seen.
struct AlertPush {
    Sighting sighting;
    template <class A> void serialize(A& ar) { ar(sighting); }
};

struct SightingListRequest {
    std::int64_t since_ms = 0;
    std::uint32_t limit = 100;
    template <class A> void serialize(A& ar) { ar(since_ms, limit); }
};

struct SightingList {
    std::vector<Sighting> sightings;
    template <class A> void serialize(A& ar) { ar(sightings); }
};

// --- HQ staff: watchlist editing --------------------------------------------

struct PersonAdd {
    PersonDetails details;
    std::vector<Bytes> photos_jpeg;  // descriptors are computed on the server
    template <class A> void serialize(A& ar) { ar(details, photos_jpeg); }
};

struct PersonAdded {
    std::uint64_t person_id = 0;
    std::uint64_t watchlist_version = 0;
    template <class A> void serialize(A& ar) { ar(person_id, watchlist_version); }
};

struct PersonUpdate {
    std::uint64_t person_id = 0;
    PersonDetails details;
    template <class A> void serialize(A& ar) { ar(person_id, details); }
};

struct PersonRemove {
    std::uint64_t person_id = 0;
    template <class A> void serialize(A& ar) { ar(person_id); }
};

// --- HQ staff: accounts and audit -------------------------------------------

struct UserListRequest {
    template <class A> void serialize(A&) {}
};

struct UserList {
    std::vector<UserInfo> users;
    template <class A> void serialize(A& ar) { ar(users); }
};

enum class UserAction : std::uint8_t { Approve, Reject, Disable, Enable, SetRole };
inline constexpr UserAction kLastUserAction = UserAction::SetRole;
inline EnumField<UserAction, kLastUserAction> wire(UserAction& v) { return {v}; }

struct UserDecision {
    std::string username;
    UserAction action = UserAction::Approve;
    Role role = Role::Station;  // for SetRole (and the role given on Approve)
    template <class A> void serialize(A& ar) { ar(username, wire(action), wire(role)); }
};

struct AuditListRequest {
    std::uint64_t after_id = 0;
    std::uint32_t limit = 200;
    template <class A> void serialize(A& ar) { ar(after_id, limit); }
};

struct AuditList {
    std::vector<AuditEntry> entries;
    template <class A> void serialize(A& ar) { ar(entries); }
};

// --- HQ staff: match review (issue 9) ------------------------------------------

// The sightings waiting for a decision, oldest first. Answered by SightingList.
struct ReviewListRequest {
    std::uint32_t limit = 200;
    template <class A> void serialize(A& ar) { ar(limit); }
};

// Confirm or dismiss one sighting (operator / admin). Answered by
// SightingDecided; deciding again the same way gets the same answer.
struct ReviewDecision {
    std::uint64_t sighting_id = 0;
    bool confirm = false;
    DismissReason reason = DismissReason::None;  // when dismissing; not None
    std::string note;                            // free text, at most 500 bytes
    template <class A> void serialize(A& ar) { ar(sighting_id, confirm, wire(reason), note); }
};

// The answer to ReviewDecision, and a push (id 0) to the reporting station and
// to HQ staff. A confirmation is also pushed to every alert subscriber as an
// AlertPush whose sighting says review = Confirmed.
struct SightingDecided {
    std::uint64_t sighting_id = 0;
    std::string report_id;  // the reporting station finds its own alert by this
    std::uint64_t person_id = 0;
    std::string station;    // the reporting account
    ReviewState decision = ReviewState::Confirmed;
    DismissReason reason = DismissReason::None;
    std::string note;
    std::string decided_by;
    std::int64_t decided_at_ms = 0;
    template <class A> void serialize(A& ar) {
        ar(sighting_id, report_id, person_id, station, wire(decision), wire(reason), note, decided_by, decided_at_ms);
    }
};

// APPEND ONLY (see the top of this file).
using Message = std::variant<Hello, HelloAck, Ping, Pong, Error, Ok,                       //
                             CaptchaRequest, CaptchaChallenge, RegisterRequest,            //
                             RegisterResponse, LoginRequest, LoginResponse, ResumeSession,  //
                             Logout, WatchlistSyncRequest, WatchlistDelta,                 //
                             WatchlistChanged, SightingReport, SightingAck, SubscribeAlerts,  //
                             AlertPush, SightingListRequest, SightingList, PersonAdd,       //
                             PersonAdded, PersonUpdate, PersonRemove, UserListRequest,      //
                             UserList, UserDecision, AuditListRequest, AuditList,           //
                             ReviewListRequest, ReviewDecision, SightingDecided>;

struct Envelope {
    std::uint32_t request_id = 0;
    Message message;
};

// A short name for logs ("LoginRequest"); never includes field values, so it
// can never leak a secret.
std::string_view messageName(const Message& message);
std::string_view messageName(std::size_t wireType);

}  // namespace vigil::protocol
