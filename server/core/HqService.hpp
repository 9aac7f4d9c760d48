#pragma once
// The HQ service: every domain operation of the server, with its role check,
// validation and audit entry, in one place. The network sessions, the HQ
// console (in process) and the command line all call this class, so a rule
// holds for all three.

#include "server/core/AlertHub.hpp"
#include "server/core/CaptchaService.hpp"
#include "server/core/Clock.hpp"
#include "server/core/CredentialStore.hpp"
#include "server/core/FaceEnroller.hpp"
#include "server/core/LoginThrottle.hpp"
#include "server/core/PasswordHasher.hpp"
#include "server/core/PasswordPolicy.hpp"
#include "server/core/Permissions.hpp"
#include "server/core/RegistrationLimiter.hpp"
#include "server/core/Result.hpp"
#include "server/core/ServerConfig.hpp"
#include "server/core/SessionRegistry.hpp"
#include "server/core/SessionTokens.hpp"
#include "server/core/WatchlistStore.hpp"
#include "server/core/WatchlistWatcher.hpp"
#include "server/security/SecondFactor.hpp"

#include <atomic>
#include <memory>

namespace vigil::server {

struct HqDependencies {
    std::unique_ptr<CaptchaTextSource> captcha_text;  // null: RandomCaptchaText
    std::unique_ptr<FaceEnroller> enroller;           // null: ModelNotInstalledEnroller
    Clock clock;                                      // empty: system clock
};

// What login attempts cost the server since start (issue 7 abuse tests):
// refused attempts must stay cheap.
struct LoginCosts {
    std::uint64_t captchas_drawn = 0;
    std::uint64_t captchas_refused = 0;     // address throttled: nothing drawn
    std::uint64_t password_hashes = 0;      // scrypt runs (real or dummy)
    std::uint64_t refused_before_hashing = 0;  // throttled account or address
};

struct LoginGrant {
    protocol::LoginResponse response;
    Actor actor;
    std::string token_hash;  // identifies the session for logout
    std::string credential_stamp;  // digest of the password hash (SessionRegistry)
};

class HqService {
public:
    // Opens (creating and migrating) the databases under config.data_dir.
    HqService(const ServerConfig& config, HqDependencies deps = {});
    ~HqService();

    // Starts noticing watchlist writes by other processes (serve only).
    void startWatching();

    // --- anonymous -----------------------------------------------------------
    Result<protocol::CaptchaChallenge> requestCaptcha(protocol::CaptchaPurpose purpose, const std::string& address);
    Result<protocol::RegisterResponse> registerAccount(const protocol::RegisterRequest& request,
                                                       const std::string& address);
    Result<LoginGrant> login(const protocol::LoginRequest& request, const std::string& address);
    Result<LoginGrant> resumeSession(const std::string& token, const std::string& address);
    void logout(const std::string& tokenHash, const Actor& actor);

    // --- watchlist -----------------------------------------------------------
    Result<protocol::PersonAdded> addPerson(const Actor& actor, const protocol::PersonDetails& details,
                                            const std::vector<protocol::Bytes>& photos);
    Result<protocol::Ok> updatePerson(const Actor& actor, std::uint64_t id, const protocol::PersonDetails& details);
    Result<protocol::Ok> removePerson(const Actor& actor, std::uint64_t id);
    Result<std::vector<PersonSummary>> listPersons(const Actor& actor);
    Result<protocol::WantedPerson> showPerson(const Actor& actor, std::uint64_t id);
    Result<std::vector<protocol::WatchlistDelta>> syncWatchlist(const Actor& actor, std::uint64_t haveVersion);

    // --- sightings -----------------------------------------------------------
    // originConnection: the session that reported (it is not alerted about its own report).
    Result<protocol::SightingAck> reportSighting(const Actor& actor, const protocol::SightingReport& report,
                                                 std::uint64_t originConnection = 0);
    Result<std::vector<protocol::Sighting>> listSightings(const Actor& actor, std::int64_t sinceMs,
                                                          std::uint32_t limit);
    // --- match review (issue 9; HqReview.cpp) ------------------------------------
    // Operators and admins only. Sightings waiting for a decision, oldest first,
    // with snapshot, distance, runner-up, station and place.
    Result<std::vector<protocol::Sighting>> listPendingSightings(const Actor& actor, std::uint32_t limit = 200);
    // Confirming pushes the sighting (review = Confirmed, decided_by) to every
    // station and console; confirming again returns the same answer and pushes
    // nothing. A sighting whose person was removed gets NotFound.
    Result<protocol::SightingDecided> confirmSighting(const Actor& actor, std::uint64_t sightingId);
    // Tells the reporting station (and everyone, if the sighting was pushed
    // at once) to withdraw it. WrongPerson keeps its face as a negative of the
    // person, synced to stations with the watchlist. `reason` must not be None.
    Result<protocol::SightingDecided> dismissSighting(const Actor& actor, std::uint64_t sightingId,
                                                      protocol::DismissReason reason, const std::string& note = {});
    Result<protocol::SightingDecided> decideSighting(const Actor& actor, const protocol::ReviewDecision& decision);
    // The enrolled photos of a person as uploaded, to show beside a snapshot.
    Result<std::vector<protocol::Bytes>> personPhotos(const Actor& actor, std::uint64_t personId);

    // In-process subscribers (the console): alerts and watchlist changes.
    Result<AlertHub::Subscription> subscribe(const Actor& actor, AlertHub::Callback callback);
    // For network sessions, which subscribe once per connection themselves.
    Result<protocol::Ok> mayReceiveAlerts(const Actor& actor);

    // --- accounts and audit ----------------------------------------------------
    Result<std::vector<protocol::UserInfo>> listUsers(const Actor& actor);
    Result<protocol::Ok> decideUser(const Actor& actor, const protocol::UserDecision& decision);
    // An active account created by an admin (command line, console).
    Result<protocol::Ok> addUser(const Actor& actor, const std::string& username, const std::string& password,
                                 protocol::Role role);
    // A session token for `username` issued by an admin without CAPTCHA (for
    // provisioning stations and load tests); printed once, stored hashed.
    Result<IssuedToken> issueSessionToken(const Actor& actor, const std::string& username);
    Result<std::vector<protocol::AuditEntry>> listAudit(const Actor& actor, std::uint64_t afterId,
                                                        std::uint32_t limit);
    // Id of the first broken link of the audit chain, if any.
    Result<std::optional<std::uint64_t>> verifyAudit(const Actor& actor);
    // Second factor of an admin or operator (issue 7): a new TOTP secret and
    // recovery codes, shown once; replaces any earlier enrolment.
    Result<security::SecondFactorEnrolment> enrolSecondFactor(const Actor& actor, const std::string& username);
    Result<protocol::Ok> removeSecondFactor(const Actor& actor, const std::string& username);
    // A new password set by an admin; the account's tokens and live sessions end.
    Result<protocol::Ok> resetPassword(const Actor& actor, const std::string& username, const std::string& password);
    // `station revoke NAME`: revokes its certificates (registry under the data
    // folder) and ends its live sessions. The number of certificates revoked.
    Result<std::size_t> revokeStation(const Actor& actor, const std::string& stationName);

    // --- live sessions (issue 7) -------------------------------------------------
    // Who is connected to this process's listener now; admins and operators.
    Result<std::vector<ConnectedSession>> connectedSessions(const Actor& actor);
    // For the network sessions: binds a successful login to connection
    // `connectionId`; refuses it when the account changed meanwhile.
    std::optional<protocol::Error> bindSession(std::uint64_t connectionId, const LoginGrant& grant);
    // Ends the live sessions whose account was disabled, demoted or had its
    // password reset by another process (the command line). Cheap when
    // credentials.db did not change; the listener calls it periodically.
    std::size_t revalidateSessions();
    SessionRegistry& sessions() { return sessions_; }
    // Stores changed per-account login failure counters in credentials.db
    // (lock-outs are stored at once; the listener calls this periodically).
    void persistLoginFailures();
    static std::string credentialStamp(const std::string& passwordHash);

    // Sighting retention (keep_snapshots_days, keep_sightings_days): at
    // startWatching() and then when an hour has passed since the last run.
    RetentionResult applyRetention();
    void applyRetentionIfDue();

    // Used by the first-run set-up only: true when no account exists yet.
    bool hasNoUsers();
    // The first admin, created by `init` (no actor exists yet).
    Result<protocol::Ok> bootstrapAdmin(const std::string& username, const std::string& password);

    LoginCosts loginCosts() const;
    std::uint64_t watchlistVersion();
    std::string modelFingerprint() const;
    const ServerConfig& config() const { return config_; }
    AlertHub& hub() { return hub_; }
    WatchlistStore& watchlist() { return watchlist_; }
    CredentialStore& credentials() { return credentials_; }

private:
    std::optional<protocol::Error> deny(const Actor& actor, Capability capability, const std::string& target);
    void audit(const Actor& actor, const std::string& action, const std::string& target,
               const std::string& detail = {});
    void auditAnonymous(const std::string& address, const std::string& action, const std::string& target,
                        const std::string& detail = {});
    // After a failed login: stores and audits a lock-out that just began.
    void lockedOut(const std::string& account, bool nowLocked, const std::string& address);
    // Publishes WatchlistChanged once per new version, whoever noticed it first.
    void announceVersion(std::uint64_t version);
    // Pushes every review decision not pushed yet, in order, whichever
    // process made it (issue 9: `vigil-server review confirm` reaches the
    // stations through the running server).
    void publishNewDecisions();
    Result<LoginGrant> grant(const UserRecord& user, const std::string& address, const IssuedToken& token);
    // The refusal when an admin's or operator's one-time code does not pass.
    std::optional<protocol::Error> checkSecondFactor(const UserRecord& user, const std::string& code,
                                                     const std::string& address);

    ServerConfig config_;
    Clock clock_;
    CredentialStore credentials_;
    crypto::Key256 dataKey_;
    WatchlistStore watchlist_;
    security::RecordSealer staffSecrets_;  // TOTP secrets of HQ staff (issue 7)
    PasswordHasher hasher_;
    PasswordPolicy policy_;
    CaptchaService captcha_;
    LoginThrottle throttle_;
    RegistrationLimiter registrations_;
    SessionTokens tokens_;
    AlertHub hub_;
    SessionRegistry sessions_;
    std::mutex revalidateMutex_;
    std::int64_t credentialsVersionSeen_ = -1;
    std::atomic<std::int64_t> lastRetentionMs_{0};
    std::atomic<std::uint64_t> captchasDrawn_{0}, captchasRefused_{0}, passwordHashes_{0}, refusedBeforeHashing_{0};
    std::unique_ptr<FaceEnroller> enroller_;
    std::mutex announceMutex_;
    std::uint64_t announced_ = 0;
    std::mutex decisionsMutex_;
    std::uint64_t publishedDecisions_ = 0;
    std::unique_ptr<WatchlistWatcher> watcher_;
};

}  // namespace vigil::server
