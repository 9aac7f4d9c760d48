#include "protocol/WireTypes.hpp"

namespace vigil::protocol {

std::string_view describe(Role role) {
    switch (role) {
    case Role::Admin: return "admin";
    case Role::Operator: return "operator";
    case Role::Station: return "station";
    case Role::Viewer: return "viewer";
    }
    return "unknown";
}

std::string_view describe(AccountStatus status) {
    switch (status) {
    case AccountStatus::Pending: return "pending";
    case AccountStatus::Active: return "active";
    case AccountStatus::Disabled: return "disabled";
    }
    return "unknown";
}

std::string_view describe(DangerLevel level) {
    switch (level) {
    case DangerLevel::Low: return "low";
    case DangerLevel::Medium: return "medium";
    case DangerLevel::High: return "high";
    case DangerLevel::Extreme: return "extreme";
    }
    return "unknown";
}

bool parseRole(std::string_view text, Role& out) {
    for (Role r : {Role::Admin, Role::Operator, Role::Station, Role::Viewer})
        if (text == describe(r)) {
            out = r;
            return true;
        }
    return false;
}

bool parseDangerLevel(std::string_view text, DangerLevel& out) {
    for (DangerLevel d : {DangerLevel::Low, DangerLevel::Medium, DangerLevel::High, DangerLevel::Extreme})
        if (text == describe(d)) {
            out = d;
            return true;
        }
    return false;
}

std::string_view describe(ErrorCode code) {
    switch (code) {
    case ErrorCode::ProtocolViolation: return "protocol-violation";
    case ErrorCode::UnsupportedVersion: return "unsupported-version";
    case ErrorCode::FrameTooLarge: return "frame-too-large";
    case ErrorCode::RateLimited: return "rate-limited";
    case ErrorCode::NotAuthenticated: return "not-authenticated";
    case ErrorCode::Forbidden: return "forbidden";
    case ErrorCode::CaptchaInvalid: return "captcha-invalid";
    case ErrorCode::InvalidCredentials: return "invalid-credentials";
    case ErrorCode::AccountLocked: return "account-locked";
    case ErrorCode::AccountPending: return "account-pending";
    case ErrorCode::AccountDisabled: return "account-disabled";
    case ErrorCode::RegistrationLimited: return "registration-limited";
    case ErrorCode::UsernameTaken: return "username-taken";
    case ErrorCode::WeakPassword: return "weak-password";
    case ErrorCode::InvalidRequest: return "invalid-request";
    case ErrorCode::NotFound: return "not-found";
    case ErrorCode::ModelMismatch: return "model-mismatch";
    case ErrorCode::SessionExpired: return "session-expired";
    case ErrorCode::ServerBusy: return "server-busy";
    case ErrorCode::Internal: return "internal";
    }
    return "unknown";
}

std::string_view describe(ReviewState state) {
    switch (state) {
    case ReviewState::Pending: return "pending";
    case ReviewState::Confirmed: return "confirmed";
    case ReviewState::Dismissed: return "dismissed";
    }
    return "unknown";
}

std::string_view describe(DismissReason reason) {
    switch (reason) {
    case DismissReason::None: return "none";
    case DismissReason::WrongPerson: return "wrong-person";
    case DismissReason::PoorImage: return "poor-image";
    case DismissReason::Duplicate: return "duplicate";
    case DismissReason::Other: return "other";
    }
    return "unknown";
}

bool parseDismissReason(std::string_view text, DismissReason& out) {
    for (DismissReason r : {DismissReason::WrongPerson, DismissReason::PoorImage, DismissReason::Duplicate,
                            DismissReason::Other})
        if (text == describe(r)) {
            out = r;
            return true;
        }
    return false;
}

std::string_view errorSentence(ErrorCode code) {
    switch (code) {
    case ErrorCode::ProtocolViolation: return "The connection sent data the other side could not understand.";
    case ErrorCode::UnsupportedVersion: return "This program is a different version from the server. Update the station software.";
    case ErrorCode::FrameTooLarge: return "A message was too large to send.";
    case ErrorCode::RateLimited: return "Too many requests. Wait a moment and try again.";
    case ErrorCode::NotAuthenticated: return "Please log in first.";
    case ErrorCode::Forbidden: return "Your account is not allowed to do this.";
    case ErrorCode::CaptchaInvalid: return "The CAPTCHA answer was wrong or has expired. Try the new picture.";
    case ErrorCode::InvalidCredentials: return "Wrong user name or password.";
    case ErrorCode::AccountLocked: return "Too many failed attempts. The account is locked for a while.";
    case ErrorCode::AccountPending: return "Your account is waiting for approval by HQ.";
    case ErrorCode::AccountDisabled: return "Your account has been disabled. Contact HQ.";
    case ErrorCode::RegistrationLimited: return "Too many new accounts were requested. Try again later.";
    case ErrorCode::UsernameTaken: return "That user name is already taken.";
    case ErrorCode::WeakPassword: return "The password is too weak.";
    case ErrorCode::InvalidRequest: return "The request was not valid.";
    case ErrorCode::NotFound: return "It no longer exists.";
    case ErrorCode::ModelMismatch: return "The watchlist was made with a different recognition model; matching is off until it is updated.";
    case ErrorCode::SessionExpired: return "Your session has expired. Please log in again.";
    case ErrorCode::ServerBusy: return "The server is busy. The station will retry.";
    case ErrorCode::Internal: return "The server had an internal problem.";
    }
    return "Unknown error.";
}

}  // namespace vigil::protocol
