#include "server/core/HqService.hpp"

#include "server/core/DataKey.hpp"
#include "server/core/PhotoCheck.hpp"
#include "server/security/StationCertificateAuthority.hpp"

#include "protocol/Crypto.hpp"

#include <cmath>
#include <filesystem>
#include <iostream>

namespace vigil::server {
namespace {

using protocol::ErrorCode;

std::filesystem::path ensureDataDir(const ServerConfig& config) {
    namespace fs = std::filesystem;
    fs::create_directories(config.data_dir);
    // Biometric data and password hashes: nobody else on the machine reads them.
    fs::permissions(config.data_dir, fs::perms::owner_all, fs::perm_options::replace);
    return config.credentialsDb();
}

ThrottleLimits throttleLimits(const ServerConfig& c) {
    ThrottleLimits limits;
    limits.account.free_failures = c.login_free_failures;
    limits.account.lockout_after = c.lockout_after_failures;
    limits.account.lockout_ms = c.lockout_seconds * 1000LL;
    limits.address.lockout_ms = c.lockout_seconds * 1000LL;
    limits.address.free_failures = c.address_free_failures;
    limits.address.lockout_after = c.address_lockout_after_failures;
    return limits;
}

std::int64_t seconds(std::int64_t ms) { return ms / 1000; }

bool validText(const std::string& s, std::size_t max) { return s.size() <= max; }

std::optional<std::string> checkDetails(const protocol::PersonDetails& d) {
    if (d.name.empty()) return "the name is empty";
    if (!validText(d.name, 200)) return "the name is longer than 200 characters";
    if (d.aliases.size() > 16) return "more than 16 aliases";
    for (const auto& a : d.aliases)
        if (a.empty() || !validText(a, 200)) return "an alias is empty or longer than 200 characters";
    if (!validText(d.reason, 2000)) return "the reason is longer than 2000 characters";
    if (!validText(d.notes, 8000)) return "the notes are longer than 8000 characters";
    return std::nullopt;
}

bool validReportId(const std::string& id) {
    if (id.empty() || id.size() > 64) return false;
    for (unsigned char c : id)
        if (!std::isalnum(c) && c != '-' && c != '_') return false;
    return true;
}

}  // namespace

const char* describe(Capability c) {
    switch (c) {
    case Capability::SyncWatchlist: return "download the watchlist";
    case Capability::ReportSighting: return "report sightings";
    case Capability::ReceiveAlerts: return "receive alerts";
    case Capability::ListSightings: return "list sightings";
    case Capability::EditWatchlist: return "edit the watchlist";
    case Capability::ManageUsers: return "manage accounts";
    case Capability::ReadAudit: return "read the audit log";
    case Capability::ReviewSightings: return "confirm or dismiss sightings";
    case Capability::WatchSessions: return "see who is connected";
    }
    return "do this";
}

HqService::HqService(const ServerConfig& config, HqDependencies deps)
    : config_(config),
      clock_(deps.clock ? std::move(deps.clock) : systemClock()),
      credentials_(ensureDataDir(config)),
      dataKey_(loadOrCreateDataKey(config)),
      watchlist_(config.watchlistDb(), dataKey_),
      staffSecrets_(dataKey_),
      hasher_(ScryptParams{config.scrypt_log2n, 8, 1}),
      captcha_(deps.captcha_text ? std::move(deps.captcha_text) : std::make_unique<RandomCaptchaText>(), clock_,
               CaptchaLimits{config.captcha_ttl_seconds * 1000LL, 20'000, 16}),
      throttle_(clock_, throttleLimits(config)),
      registrations_(credentials_, clock_,
                     RegistrationLimits{config.registrations_per_address_per_hour, config.registrations_per_hour,
                                        3600 * 1000}),
      tokens_(credentials_, clock_,
              SessionLimits{config.session_idle_hours * 3600 * 1000LL, config.session_absolute_hours * 3600 * 1000LL}),
      sessions_(clock_),
      enroller_(deps.enroller ? std::move(deps.enroller)
                              : std::make_unique<ModelNotInstalledEnroller>(
                                    "run tools/fetch-models, then restart vigil-server")) {
    announced_ = watchlist_.version();
    publishedDecisions_ = watchlist_.lastDecisionSeq();
    throttle_.restore(credentials_.loginFailures());
}

HqService::~HqService() {
    watcher_.reset();
    try {
        persistLoginFailures();
    } catch (const std::exception& e) {
        std::cerr << "vigil-server: cannot store the login failure counters: " << e.what() << "\n";
    }
}

void HqService::persistLoginFailures() { credentials_.storeLoginFailures(throttle_.takeAccountChanges()); }

void HqService::startWatching() {
    if (watcher_) return;
    applyRetention();
    watcher_ = std::make_unique<WatchlistWatcher>(config_.watchlistDb(),
                                                  std::chrono::milliseconds(config_.watch_interval_ms),
                                                  [this](std::uint64_t v) {
                                                      announceVersion(v);
                                                      publishNewDecisions();
                                                  });
}

void HqService::announceVersion(std::uint64_t version) {
    {
        std::lock_guard lock(announceMutex_);
        if (version <= announced_) return;
        announced_ = version;
    }
    hub_.publish(AlertHub::watchlistChanged(version));
}

std::optional<protocol::Error> HqService::deny(const Actor& actor, Capability capability, const std::string& target) {
    if (allows(actor.role, capability)) return std::nullopt;
    audit(actor, "forbidden", target, std::string("role ") + std::string(protocol::describe(actor.role)) +
                                          " may not " + describe(capability));
    return refuse(ErrorCode::Forbidden, std::string("your role (") + std::string(protocol::describe(actor.role)) +
                                            ") may not " + describe(capability));
}

void HqService::audit(const Actor& actor, const std::string& action, const std::string& target,
                      const std::string& detail) {
    try {
        watchlist_.appendAudit({clock_(), actor.username, actor.address, action, target, detail});
    } catch (const std::exception& e) {
        std::cerr << "vigil-server: cannot write the audit log: " << e.what() << "\n";
        throw;
    }
}

void HqService::auditAnonymous(const std::string& address, const std::string& action, const std::string& target,
                               const std::string& detail) {
    audit(Actor{"-", protocol::Role::Viewer, address}, action, target, detail);
}

// --- anonymous ---------------------------------------------------------------

Result<protocol::CaptchaChallenge> HqService::requestCaptcha(protocol::CaptchaPurpose purpose,
                                                             const std::string& address) {
    if (purpose == protocol::CaptchaPurpose::Login) {
        // An address that may not try a login now gets no challenge either:
        // refusing here costs a map lookup instead of a drawn PNG.
        const auto blocked = throttle_.checkAddress(address);
        if (blocked.verdict != LoginThrottle::Verdict::Allowed) {
            ++captchasRefused_;
            return refuse(blocked.verdict == LoginThrottle::Verdict::Locked ? ErrorCode::AccountLocked
                                                                             : ErrorCode::RateLimited,
                          "too many failed logins from this address; wait " +
                              std::to_string(blocked.retry_after_ms / 1000 + 1) + " s");
        }
    }
    auto issued = captcha_.issue(purpose, address);
    if (!issued) return refuse(ErrorCode::ServerBusy, "too many open CAPTCHA challenges; try again in a minute");
    ++captchasDrawn_;
    return protocol::CaptchaChallenge{issued->id, std::move(issued->png), issued->expires_in_seconds};
}

Result<protocol::RegisterResponse> HqService::registerAccount(const protocol::RegisterRequest& r,
                                                              const std::string& address) {
    if (!captcha_.verify(r.captcha_id, r.captcha_answer, protocol::CaptchaPurpose::Register))
        return refuse(ErrorCode::CaptchaInvalid, "the CAPTCHA answer is wrong, expired or already used");
    if (!registrations_.allowed(address)) {
        auditAnonymous(address, "register.limited", r.username);
        return refuse(ErrorCode::RegistrationLimited, "too many accounts were created recently; try again later");
    }
    if (auto why = checkUsername(r.username)) return refuse(ErrorCode::InvalidRequest, *why);
    if (auto why = policy_.check(r.username, r.password)) return refuse(ErrorCode::WeakPassword, *why);
    if (r.display_name.size() > 200) return refuse(ErrorCode::InvalidRequest, "the display name is too long");
    UserRecord user{r.username, r.display_name, hasher_.hash(r.password), protocol::Role::Station,
                    protocol::AccountStatus::Pending, seconds(clock_()), 0};
    if (!credentials_.createUser(user)) return refuse(ErrorCode::UsernameTaken, "this user name is taken");
    registrations_.record(address);
    auditAnonymous(address, "register", r.username, "pending approval");
    return protocol::RegisterResponse{protocol::AccountStatus::Pending,
                                      "account created; an administrator must approve it before you can log in"};
}

Result<LoginGrant> HqService::grant(const UserRecord& user, const std::string& address, const IssuedToken& token) {
    LoginGrant g;
    g.response.session_token = token.token;
    g.response.username = user.username;
    g.response.role = user.role;
    g.response.expires_at = seconds(token.expires_at_ms);
    g.actor = Actor{user.username, user.role, address};
    g.token_hash = SessionTokens::hashOf(token.token);
    g.credential_stamp = credentialStamp(user.password_hash);
    return g;
}

Result<LoginGrant> HqService::login(const protocol::LoginRequest& r, const std::string& address) {
    if (!captcha_.verify(r.captcha_id, r.captcha_answer, protocol::CaptchaPurpose::Login))
        return refuse(ErrorCode::CaptchaInvalid, "the CAPTCHA answer is wrong, expired or already used");
    const auto decision = throttle_.check(r.username, address);
    if (decision.verdict != LoginThrottle::Verdict::Allowed) ++refusedBeforeHashing_;
    if (decision.verdict == LoginThrottle::Verdict::Locked) {
        // Audited once when the lock-out began (login.lockout), not per refused
        // attempt: a refusal must not cost a durable write.
        return refuse(ErrorCode::AccountLocked, "too many failed logins; try again in " +
                                                    std::to_string(decision.retry_after_ms / 60000 + 1) + " minutes");
    }
    if (decision.verdict == LoginThrottle::Verdict::Delayed)
        return refuse(ErrorCode::RateLimited,
                      "too many failed logins; wait " + std::to_string(decision.retry_after_ms / 1000 + 1) + " s");

    const auto user = r.password.size() <= policy_.max_length ? credentials_.findUser(r.username) : std::nullopt;
    bool good = false;
    ++passwordHashes_;
    if (user) good = hasher_.verify(r.password, user->password_hash);
    else hasher_.verifyDummy(r.password);  // same work for unknown names: timing tells nothing
    if (!good) {
        auditAnonymous(address, "login.failure", r.username);
        lockedOut(r.username, throttle_.recordFailure(r.username, address), address);
        return refuse(ErrorCode::InvalidCredentials, "wrong user name or password");
    }
    if (user->status == protocol::AccountStatus::Pending) {
        auditAnonymous(address, "login.pending", user->username);
        return refuse(ErrorCode::AccountPending, "this account is waiting for an administrator's approval");
    }
    if (user->status == protocol::AccountStatus::Disabled) {
        auditAnonymous(address, "login.disabled", user->username);
        return refuse(ErrorCode::AccountDisabled, "this account is disabled");
    }
    if (auto refusal = checkSecondFactor(*user, r.one_time_code, address)) {
        lockedOut(r.username, throttle_.recordFailure(r.username, address), address);
        return *refusal;
    }
    throttle_.recordSuccess(r.username);
    auto current = *user;
    if (hasher_.needsRehash(current.password_hash)) {
        current.password_hash = hasher_.hash(r.password);
        credentials_.setPasswordHash(current.username, current.password_hash);
        // Same password, new parameters: the account's other sessions stay valid.
        sessions_.restamp(current.username, credentialStamp(current.password_hash));
    }
    credentials_.setLastLogin(current.username, seconds(clock_()));
    const auto token = tokens_.issue(current.username);
    audit(Actor{current.username, current.role, address}, "login", current.username);
    return grant(current, address, token);
}

std::optional<protocol::Error> HqService::checkSecondFactor(const UserRecord& user, const std::string& code,
                                                           const std::string& address) {
    if (user.role != protocol::Role::Admin && user.role != protocol::Role::Operator) return std::nullopt;
    const auto stored = credentials_.secondFactor(user.username);
    if (!stored) {
        if (!config_.require_staff_second_factor) return std::nullopt;
        auditAnonymous(address, "login.no-second-factor", user.username);
        return protocol::Error{ErrorCode::InvalidCredentials,
                               "staff accounts need a second factor; ask an administrator to run "
                               "'vigil-server totp enroll " + user.username + "'"};
    }
    using Verdict = security::SecondFactorCheck::Verdict;
    const auto check = security::checkSecondFactor(staffSecrets_, user.username, *stored, code, seconds(clock_()));
    if (check.accepted() && (!check.changed || credentials_.advanceSecondFactor(user.username, *stored, check.updated))) {
        if (check.verdict == Verdict::AcceptedRecoveryCode)
            auditAnonymous(address, "login.recovery-code", user.username);
        return std::nullopt;
    }
    switch (check.verdict) {
    case Verdict::Missing:
        return protocol::Error{ErrorCode::InvalidCredentials, "enter the one-time code from your authenticator app"};
    case Verdict::Tampered:
        auditAnonymous(address, "integrity.second-factor", user.username, "stored TOTP secret failed authentication");
        return protocol::Error{ErrorCode::Internal, "the second factor of this account cannot be checked; "
                                                    "an administrator must enrol it again"};
    default:
        auditAnonymous(address, check.verdict == Verdict::Replayed ? "login.code-replayed" : "login.code-wrong",
                       user.username);
        return protocol::Error{ErrorCode::InvalidCredentials, "wrong or already used one-time code"};
    }
}

Result<security::SecondFactorEnrolment> HqService::enrolSecondFactor(const Actor& actor, const std::string& username) {
    if (auto no = deny(actor, Capability::ManageUsers, "second factor of " + username)) return *no;
    const auto user = credentials_.findUser(username);
    if (!user) return refuse(ErrorCode::NotFound, "no account named " + username);
    if (user->role != protocol::Role::Admin && user->role != protocol::Role::Operator)
        return refuse(ErrorCode::InvalidRequest, "only admins and operators use a second factor; stations use a "
                                                 "password, a CAPTCHA and optionally a station certificate");
    auto enrolment = security::enrolSecondFactor(staffSecrets_, user->username, config_.server_name);
    credentials_.setSecondFactor(user->username, enrolment.stored);
    audit(actor, "user.second-factor.enrol", user->username);
    return enrolment;
}

Result<protocol::Ok> HqService::removeSecondFactor(const Actor& actor, const std::string& username) {
    if (auto no = deny(actor, Capability::ManageUsers, "second factor of " + username)) return *no;
    const auto user = credentials_.findUser(username);
    if (!user) return refuse(ErrorCode::NotFound, "no account named " + username);
    credentials_.setSecondFactor(user->username, std::nullopt);
    audit(actor, "user.second-factor.remove", user->username);
    return protocol::Ok{};
}

Result<LoginGrant> HqService::resumeSession(const std::string& token, const std::string& address) {
    const auto session = tokens_.resume(token);
    if (!session) return refuse(ErrorCode::SessionExpired, "the session has expired; log in again");
    const auto user = credentials_.findUser(session->username);
    if (!user || user->status != protocol::AccountStatus::Active) {
        tokens_.revoke(token);
        return refuse(ErrorCode::AccountDisabled, "this account is no longer active");
    }
    audit(Actor{user->username, user->role, address}, "session.resume", user->username);
    auto g = grant(*user, address, IssuedToken{token, session->expires_at_ms});
    return g;
}

void HqService::logout(const std::string& tokenHash, const Actor& actor) {
    credentials_.deleteSession(tokenHash);
    audit(actor, "logout", actor.username);
}

// --- watchlist -----------------------------------------------------------------

Result<protocol::PersonAdded> HqService::addPerson(const Actor& actor, const protocol::PersonDetails& details,
                                                   const std::vector<protocol::Bytes>& photos) {
    if (auto no = deny(actor, Capability::EditWatchlist, "person " + details.name)) return *no;
    if (auto why = checkDetails(details)) return refuse(ErrorCode::InvalidRequest, *why);
    if (photos.empty()) return refuse(ErrorCode::InvalidRequest, "at least one photo is needed");
    if (photos.size() > protocol::kMaxPhotosPerPerson)
        return refuse(ErrorCode::InvalidRequest,
                      "at most " + std::to_string(protocol::kMaxPhotosPerPerson) + " photos per person");
    std::vector<EnrolledPhoto> enrolled;
    const auto fingerprint = enroller_->modelFingerprint();
    for (std::size_t i = 0; i < photos.size(); ++i) {
        const auto label = "photo " + std::to_string(i + 1) + ": ";
        if (auto why = checkPhoto(photos[i])) return refuse(ErrorCode::InvalidRequest, label + *why);
        auto verdict = enroller_->enrol(photos[i]);
        if (!verdict.accepted) return refuse(ErrorCode::InvalidRequest, label + verdict.sentence);
        enrolled.push_back({photos[i], verdict.descriptor, verdict.quality, fingerprint});
    }
    const auto [id, version] =
        watchlist_.addPerson(details, enrolled, makeThumbnail(photos.front()), actor.username, seconds(clock_()));
    audit(actor, "person.add", "person " + std::to_string(id),
          details.name + " (" + std::to_string(photos.size()) + " photos)");
    announceVersion(version);
    return protocol::PersonAdded{id, version};
}

Result<protocol::Ok> HqService::updatePerson(const Actor& actor, std::uint64_t id, const protocol::PersonDetails& d) {
    if (auto no = deny(actor, Capability::EditWatchlist, "person " + std::to_string(id))) return *no;
    if (auto why = checkDetails(d)) return refuse(ErrorCode::InvalidRequest, *why);
    const auto version = watchlist_.updatePerson(id, d, seconds(clock_()));
    if (!version) return refuse(ErrorCode::NotFound, "no person with id " + std::to_string(id));
    audit(actor, "person.update", "person " + std::to_string(id), d.name);
    announceVersion(*version);
    return protocol::Ok{};
}

Result<protocol::Ok> HqService::removePerson(const Actor& actor, std::uint64_t id) {
    if (auto no = deny(actor, Capability::EditWatchlist, "person " + std::to_string(id))) return *no;
    const auto before = watchlist_.person(id);
    const auto version = watchlist_.removePerson(id, seconds(clock_()));
    if (!version) return refuse(ErrorCode::NotFound, "no person with id " + std::to_string(id));
    audit(actor, "person.remove", "person " + std::to_string(id), before ? before->details.name : "");
    announceVersion(*version);
    return protocol::Ok{};
}

Result<std::vector<PersonSummary>> HqService::listPersons(const Actor& actor) {
    if (auto no = deny(actor, Capability::EditWatchlist, "persons")) return *no;
    return watchlist_.persons();
}

Result<protocol::WantedPerson> HqService::showPerson(const Actor& actor, std::uint64_t id) {
    if (auto no = deny(actor, Capability::EditWatchlist, "person " + std::to_string(id))) return *no;
    auto person = watchlist_.wantedPerson(id, modelFingerprint());
    if (!person) return refuse(ErrorCode::NotFound, "no person with id " + std::to_string(id));
    return std::move(*person);
}

Result<std::vector<protocol::WatchlistDelta>> HqService::syncWatchlist(const Actor& actor, std::uint64_t have) {
    if (auto no = deny(actor, Capability::SyncWatchlist, "watchlist")) return *no;
    return watchlist_.deltaSince(have, modelFingerprint());
}

// --- sightings -------------------------------------------------------------------

Result<protocol::SightingAck> HqService::reportSighting(const Actor& actor, const protocol::SightingReport& r,
                                                        std::uint64_t origin) {
    if (auto no = deny(actor, Capability::ReportSighting, "sighting " + r.report_id)) return *no;
    if (!validReportId(r.report_id))
        return refuse(ErrorCode::InvalidRequest, "the report id must be 1-64 letters, digits, '-' or '_'");
    if (r.snapshot_jpeg.size() > protocol::kMaxSnapshotBytes)
        return refuse(ErrorCode::InvalidRequest, "the snapshot is larger than 1 MiB");
    if (!std::isfinite(r.distance) || r.distance < 0)
        return refuse(ErrorCode::InvalidRequest, "the distance must be a finite number >= 0");
    if (r.location.place.size() > 500) return refuse(ErrorCode::InvalidRequest, "the place is longer than 500 characters");
    const auto person = watchlist_.person(r.person_id);
    if (!person) return refuse(ErrorCode::NotFound, "no wanted person with id " + std::to_string(r.person_id));
    if (!std::isfinite(r.runner_up_distance) || r.runner_up_distance < 0)
        return refuse(ErrorCode::InvalidRequest, "the runner-up distance must be a finite number >= 0");
    std::string runnerUpName;
    if (r.runner_up_id != 0)
        if (const auto runnerUp = watchlist_.person(r.runner_up_id)) runnerUpName = runnerUp->details.name;
    const auto stored = watchlist_.addSighting(NewSighting{r, actor.username, clock_(), runnerUpName},
                                               person->details.name, person->details.danger);
    if (!stored.duplicate) {
        const bool atOnce = config_.pushesAtOnce(person->details.danger);
        audit(actor, "sighting", "sighting " + std::to_string(stored.id),
              person->details.name + " at " + r.location.place + (atOnce ? " (pushed at once)" : " (awaits review)"));
        // Issue 9: below the push-at-once levels only HQ staff hear of it
        // until an operator confirms; either way it is marked pending.
        hub_.publish(AlertHub::alert(stored.sighting, origin,
                                     atOnce ? PushEvent::Audience::Everyone : PushEvent::Audience::Staff));
    }
    return protocol::SightingAck{r.report_id, stored.id, stored.duplicate};
}

Result<std::vector<protocol::Sighting>> HqService::listSightings(const Actor& actor, std::int64_t since,
                                                                 std::uint32_t limit) {
    if (auto no = deny(actor, Capability::ListSightings, "sightings")) return *no;
    return watchlist_.sightingsSince(since, std::min<std::uint32_t>(limit == 0 ? 100 : limit, 1000));
}

Result<AlertHub::Subscription> HqService::subscribe(const Actor& actor, AlertHub::Callback callback) {
    if (auto no = deny(actor, Capability::ReceiveAlerts, "alerts")) return *no;
    return hub_.subscribe(std::move(callback));
}

Result<protocol::Ok> HqService::mayReceiveAlerts(const Actor& actor) {
    if (auto no = deny(actor, Capability::ReceiveAlerts, "alerts")) return *no;
    return protocol::Ok{};
}

// --- accounts and audit -------------------------------------------------------------

Result<std::vector<protocol::UserInfo>> HqService::listUsers(const Actor& actor) {
    if (auto no = deny(actor, Capability::ManageUsers, "users")) return *no;
    std::vector<protocol::UserInfo> out;
    for (const auto& u : credentials_.listUsers())
        out.push_back({u.username, u.role, u.status, u.created_at, u.last_login_at});
    return out;
}

Result<protocol::Ok> HqService::decideUser(const Actor& actor, const protocol::UserDecision& d) {
    using protocol::AccountStatus;
    using protocol::UserAction;
    if (auto no = deny(actor, Capability::ManageUsers, "user " + d.username)) return *no;
    const auto user = credentials_.findUser(d.username);
    if (!user) return refuse(ErrorCode::NotFound, "no account named " + d.username);
    const bool self = user->username == actor.username;
    if (self && d.action != UserAction::Enable && !(d.action == UserAction::SetRole && d.role == protocol::Role::Admin))
        return refuse(ErrorCode::InvalidRequest, "you cannot disable, reject or demote your own account");
    std::string action;
    bool revoke = false;
    switch (d.action) {
    case UserAction::Approve:
        if (user->status != AccountStatus::Pending)
            return refuse(ErrorCode::InvalidRequest, d.username + " is not waiting for approval");
        credentials_.setRole(user->username, d.role);
        credentials_.setStatus(user->username, AccountStatus::Active);
        action = "user.approve";
        break;
    case UserAction::Reject:
        if (user->status != AccountStatus::Pending)
            return refuse(ErrorCode::InvalidRequest, d.username + " is not waiting for approval");
        credentials_.setStatus(user->username, AccountStatus::Disabled);
        action = "user.reject";
        break;
    case UserAction::Disable:
        credentials_.setStatus(user->username, AccountStatus::Disabled);
        action = "user.disable";
        revoke = true;
        break;
    case UserAction::Enable:
        credentials_.setStatus(user->username, AccountStatus::Active);
        action = "user.enable";
        break;
    case UserAction::SetRole:
        credentials_.setRole(user->username, d.role);
        action = "user.role";
        revoke = d.role != user->role;  // connected sessions still carry the old role
        break;
    }
    if (revoke) {
        tokens_.revokeAllOf(user->username);
        sessions_.closeAccount(user->username,
                               d.action == UserAction::Disable
                                   ? SessionEnd{ErrorCode::AccountDisabled,
                                                "an administrator disabled this account; the connection is closed"}
                                   : SessionEnd{ErrorCode::SessionExpired,
                                                "an administrator changed this account's role to " +
                                                    std::string(protocol::describe(d.role)) + "; log in again"});
        hub_.publish(AlertHub::accountRevoked(user->username));  // in-process subscribers (the console)
    }
    audit(actor, action, "user " + user->username,
          d.action == UserAction::Approve || d.action == UserAction::SetRole
              ? "role " + std::string(protocol::describe(d.role))
              : "");
    return protocol::Ok{};
}

Result<protocol::Ok> HqService::addUser(const Actor& actor, const std::string& username, const std::string& password,
                                        protocol::Role role) {
    if (auto no = deny(actor, Capability::ManageUsers, "user " + username)) return *no;
    if (auto why = checkUsername(username)) return refuse(ErrorCode::InvalidRequest, *why);
    if (auto why = policy_.check(username, password)) return refuse(ErrorCode::WeakPassword, *why);
    UserRecord user{username, username, hasher_.hash(password), role, protocol::AccountStatus::Active,
                    seconds(clock_()), 0};
    if (!credentials_.createUser(user)) return refuse(ErrorCode::UsernameTaken, "an account named " + username + " exists");
    audit(actor, "user.add", "user " + username, "role " + std::string(protocol::describe(role)));
    return protocol::Ok{};
}

Result<IssuedToken> HqService::issueSessionToken(const Actor& actor, const std::string& username) {
    if (auto no = deny(actor, Capability::ManageUsers, "user " + username)) return *no;
    const auto user = credentials_.findUser(username);
    if (!user) return refuse(ErrorCode::NotFound, "no account named " + username);
    if (user->status != protocol::AccountStatus::Active)
        return refuse(ErrorCode::AccountDisabled, username + " is not active; approve or enable it first");
    auto token = tokens_.issue(user->username);
    audit(actor, "session.issue", "user " + user->username);
    return token;
}

Result<std::vector<protocol::AuditEntry>> HqService::listAudit(const Actor& actor, std::uint64_t after,
                                                               std::uint32_t limit) {
    if (auto no = deny(actor, Capability::ReadAudit, "audit")) return *no;
    return watchlist_.auditAfter(after, std::min<std::uint32_t>(limit == 0 ? 200 : limit, 1000));
}

Result<std::optional<std::uint64_t>> HqService::verifyAudit(const Actor& actor) {
    if (auto no = deny(actor, Capability::ReadAudit, "audit")) return *no;
    return watchlist_.firstBrokenAuditLink();
}

Result<protocol::Ok> HqService::resetPassword(const Actor& actor, const std::string& username,
                                              const std::string& password) {
    if (auto no = deny(actor, Capability::ManageUsers, "user " + username)) return *no;
    const auto user = credentials_.findUser(username);
    if (!user) return refuse(ErrorCode::NotFound, "no account named " + username);
    if (auto why = policy_.check(user->username, password)) return refuse(ErrorCode::WeakPassword, *why);
    credentials_.setPasswordHash(user->username, hasher_.hash(password));
    tokens_.revokeAllOf(user->username);
    throttle_.recordSuccess(user->username);  // the new password starts with a clean slate
    sessions_.closeAccount(user->username, {ErrorCode::SessionExpired, "an administrator reset this account's "
                                                                       "password; log in with the new one"});
    hub_.publish(AlertHub::accountRevoked(user->username));
    audit(actor, "user.password-reset", "user " + user->username);
    return protocol::Ok{};
}

Result<std::size_t> HqService::revokeStation(const Actor& actor, const std::string& stationName) {
    if (auto no = deny(actor, Capability::ManageUsers, "station " + stationName)) return *no;
    if (!security::StationCertificateAuthority::validStationName(stationName))
        return refuse(ErrorCode::InvalidRequest, "a station name is 1-64 letters, digits, '.', '_' or '-'");
    security::StationCertificateAuthority authority(config_.stationCaDir() / "ca.pem",
                                                    config_.stationCaDir() / "ca-key.pem", config_.stationRegistry());
    const auto count = authority.revoke(stationName);
    if (count == 0) return refuse(ErrorCode::NotFound, "station '" + stationName + "' has no active certificate");
    audit(actor, "station.revoke", stationName, std::to_string(count) + " certificate(s)");
    sessions_.closeStation(stationName, {ErrorCode::SessionExpired,
                                         "the certificate of station " + stationName + " was revoked"});
    return count;
}

// --- live sessions ---------------------------------------------------------------------

std::string HqService::credentialStamp(const std::string& passwordHash) {
    return crypto::toHex(crypto::sha256(passwordHash));
}

Result<std::vector<ConnectedSession>> HqService::connectedSessions(const Actor& actor) {
    if (auto no = deny(actor, Capability::WatchSessions, "sessions")) return *no;
    return sessions_.snapshot();
}

namespace {

// Why an authenticated session may not go on with the account as it is now.
std::optional<SessionEnd> invalidated(const std::optional<UserRecord>& user, protocol::Role role,
                                      const std::string& stamp) {
    if (!user) return SessionEnd{ErrorCode::AccountDisabled, "this account no longer exists"};
    if (user->status != protocol::AccountStatus::Active)
        return SessionEnd{ErrorCode::AccountDisabled, "an administrator disabled this account; the connection is closed"};
    if (user->role != role)
        return SessionEnd{ErrorCode::SessionExpired, "an administrator changed this account's role to " +
                                                         std::string(protocol::describe(user->role)) + "; log in again"};
    if (HqService::credentialStamp(user->password_hash) != stamp)
        return SessionEnd{ErrorCode::SessionExpired,
                          "an administrator reset this account's password; log in with the new one"};
    return std::nullopt;
}

}  // namespace

std::optional<protocol::Error> HqService::bindSession(std::uint64_t connectionId, const LoginGrant& g) {
    // Registered first, read second: a change committed before the read is
    // seen here, one committed after it finds the session in the registry.
    sessions_.authenticated(connectionId, g.actor.username, g.actor.role, g.credential_stamp);
    if (auto why = invalidated(credentials_.findUser(g.actor.username), g.actor.role, g.credential_stamp)) {
        sessions_.authenticated(connectionId, {}, protocol::Role::Viewer, {});  // back to not logged in
        return protocol::Error{why->code, why->sentence};
    }
    return std::nullopt;
}

std::size_t HqService::revalidateSessions() {
    std::lock_guard lock(revalidateMutex_);
    const auto version = credentials_.dataVersion();
    if (version == credentialsVersionSeen_) return 0;  // nobody else wrote credentials.db
    credentialsVersionSeen_ = version;
    return sessions_.closeWhere([this](const SessionRegistry::Entry& e) -> std::optional<SessionEnd> {
        if (!e.info.authenticated()) return std::nullopt;
        return invalidated(credentials_.findUser(e.info.username), e.info.role, e.credential_stamp);
    });
}

RetentionResult HqService::applyRetention() {
    constexpr std::int64_t kDayMs = 24LL * 3600 * 1000;
    const auto now = clock_();
    lastRetentionMs_ = now;
    const auto before = [&](std::uint32_t days) { return days == 0 ? 0 : now - days * kDayMs; };
    const auto result =
        watchlist_.applyRetention(before(config_.keep_snapshots_days), before(config_.keep_sightings_days));
    if (result.snapshots_erased + result.sightings_deleted > 0)
        audit(Actor{"retention", protocol::Role::Admin, "server"}, "sightings.retention", "sightings",
              std::to_string(result.snapshots_erased) + " snapshots erased, " +
                  std::to_string(result.sightings_deleted) + " sightings deleted");
    return result;
}

void HqService::applyRetentionIfDue() {
    constexpr std::int64_t kHourMs = 3600 * 1000;
    if (clock_() - lastRetentionMs_.load() >= kHourMs) applyRetention();
}

bool HqService::hasNoUsers() { return credentials_.countUsers() == 0; }

Result<protocol::Ok> HqService::bootstrapAdmin(const std::string& username, const std::string& password) {
    if (!hasNoUsers()) return refuse(ErrorCode::InvalidRequest, "accounts exist already; use `user add`");
    if (auto why = checkUsername(username)) return refuse(ErrorCode::InvalidRequest, *why);
    if (auto why = policy_.check(username, password)) return refuse(ErrorCode::WeakPassword, *why);
    UserRecord user{username, username, hasher_.hash(password), protocol::Role::Admin,
                    protocol::AccountStatus::Active, seconds(clock_()), 0};
    if (!credentials_.createUser(user)) return refuse(ErrorCode::UsernameTaken, "an account named " + username + " exists");
    audit(Actor{"init", protocol::Role::Admin, "cli"}, "user.add", "user " + username, "first admin");
    return protocol::Ok{};
}

void HqService::lockedOut(const std::string& account, bool nowLocked, const std::string& address) {
    if (!nowLocked) return;  // lesser counts are stored within --session-check-ms
    persistLoginFailures();
    auditAnonymous(address, "login.lockout", account,
                   "locked for " + std::to_string(config_.lockout_seconds) + " s after " +
                       std::to_string(config_.lockout_after_failures) + " failures");
}

LoginCosts HqService::loginCosts() const {
    return {captchasDrawn_.load(), captchasRefused_.load(), passwordHashes_.load(), refusedBeforeHashing_.load()};
}

std::uint64_t HqService::watchlistVersion() { return watchlist_.version(); }

std::string HqService::modelFingerprint() const { return enroller_->modelFingerprint(); }

}  // namespace vigil::server
