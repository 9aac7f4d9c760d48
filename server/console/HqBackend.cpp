#include "server/console/HqBackend.hpp"

#include "server/core/PhotoCheck.hpp"
#include "vigil/recognition/EnrolmentQuality.hpp"
#include "vigil/recognition/FaceDetector.hpp"

#include <opencv2/imgcodecs.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>

namespace vigil::console {

namespace proto = vigil::protocol;

namespace {

constexpr const char* kConsoleAddress = "console";
// Photos larger than this are not wanted-person portraits; the server's own
// frame limit for a PersonAdd is of the same order.
constexpr std::uintmax_t kMaxPhotoBytes = 16 * 1024 * 1024;
// Audit entries kept for the view; older ones stay in the database.
constexpr std::size_t kAuditKept = 2000;

template <class T, class R>
Outcome<T> from(R&& result) {
    if (result.ok()) return Outcome<T>::success(std::move(*result));
    return Outcome<T>{std::nullopt, result.error()};
}

template <class R>
Outcome<Done> done(const R& result) {
    if (result.ok()) return Outcome<Done>::success({});
    return Outcome<Done>{std::nullopt, result.error()};
}

template <class T>
Outcome<T> notSignedIn() {
    return Outcome<T>::failure(proto::ErrorCode::NotAuthenticated, "sign in first");
}

}  // namespace

HqBackend::HqBackend(server::HqService& service) : service_(service) {}

HqBackend::~HqBackend() {
    // Waits for a push in flight before members go. Not under mutex_: the
    // push callback takes it.
    subscription_.reset();
}

std::optional<server::Actor> HqBackend::actor() const {
    std::lock_guard lock(mutex_);
    if (!session_) return std::nullopt;
    return session_->actor;
}

Outcome<proto::CaptchaChallenge> HqBackend::newCaptcha() {
    return from<proto::CaptchaChallenge>(service_.requestCaptcha(proto::CaptchaPurpose::Login, kConsoleAddress));
}

Outcome<proto::LoginResponse> HqBackend::login(const proto::LoginRequest& request) {
    auto grant = service_.login(request, kConsoleAddress);
    if (!grant.ok()) return Outcome<proto::LoginResponse>{std::nullopt, grant.error()};
    if (grant->actor.role == proto::Role::Station) {
        // The console is for HQ staff; a station account signs in from vigil-client.
        service_.logout(grant->token_hash, grant->actor);
        return Outcome<proto::LoginResponse>::failure(proto::ErrorCode::Forbidden,
                                                      "station accounts sign in from vigil-client");
    }
    auto subscription = service_.subscribe(grant->actor, [this](const std::shared_ptr<const server::PushEvent>& event) {
        if (event->kind == server::PushEvent::Kind::Decision) {
            if (const auto* decided = std::get_if<proto::SightingDecided>(&event->message)) {
                std::lock_guard lock(mutex_);
                decided_.push_back(*decided);
            }
            return;
        }
        if (event->kind != server::PushEvent::Kind::Alert) return;
        if (const auto* push = std::get_if<proto::AlertPush>(&event->message)) {
            std::lock_guard lock(mutex_);
            pushed_.push_back(push->sighting);
        }
    });
    std::lock_guard lock(mutex_);
    session_ = *grant;
    if (subscription.ok()) subscription_ = std::move(*subscription);
    return Outcome<proto::LoginResponse>::success(grant->response);
}

void HqBackend::logout() {
    std::optional<server::LoginGrant> grant;
    server::AlertHub::Subscription subscription;
    {
        std::lock_guard lock(mutex_);
        subscription = std::move(subscription_);
        grant = std::exchange(session_, std::nullopt);
        pushed_.clear();
        decided_.clear();
        person_cache_.clear();
        audit_cache_.clear();
    }
    subscription.reset();  // outside mutex_, which a push in flight may be waiting for
    if (grant) service_.logout(grant->token_hash, grant->actor);
}

Outcome<std::vector<proto::WantedPerson>> HqBackend::persons() {
    const auto who = actor();
    if (!who) return notSignedIn<std::vector<proto::WantedPerson>>();
    auto summaries = service_.listPersons(*who);
    if (!summaries.ok()) return Outcome<std::vector<proto::WantedPerson>>{std::nullopt, summaries.error()};
    std::vector<proto::WantedPerson> persons;
    std::map<std::uint64_t, proto::WantedPerson> cache;
    {
        std::lock_guard lock(mutex_);
        cache = person_cache_;
    }
    for (const auto& summary : *summaries) {
        auto found = cache.find(summary.id);
        if (found == cache.end() || found->second.updated_at != summary.updated_at) {
            auto full = service_.showPerson(*who, summary.id);
            proto::WantedPerson person;
            if (full.ok()) {
                person = std::move(*full);
            } else {
                // Listed but not readable in full (removed meanwhile): show the summary.
                person.id = summary.id;
                person.details = summary.details;
            }
            person.updated_at = summary.updated_at;
            found = cache.insert_or_assign(summary.id, std::move(person)).first;
        }
        persons.push_back(found->second);
    }
    std::lock_guard lock(mutex_);
    person_cache_ = std::move(cache);
    person_count_ = persons.size();
    return Outcome<std::vector<proto::WantedPerson>>::success(std::move(persons));
}

Outcome<PhotoCheck> HqBackend::checkPhoto(const std::string& path) {
    if (!actor()) return notSignedIn<PhotoCheck>();
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    if (ec) return Outcome<PhotoCheck>::failure(proto::ErrorCode::InvalidRequest, "cannot read " + path + ": " + ec.message());
    if (size > kMaxPhotoBytes)
        return Outcome<PhotoCheck>::failure(proto::ErrorCode::InvalidRequest, path + " is larger than 16 MiB");
    PhotoCheck check;
    check.path = path;
    check.jpeg.resize(static_cast<std::size_t>(size));
    std::ifstream in(path, std::ios::binary);
    if (!in.read(reinterpret_cast<char*>(check.jpeg.data()), static_cast<std::streamsize>(size)))
        return Outcome<PhotoCheck>::failure(proto::ErrorCode::InvalidRequest, "cannot read " + path);

    // The server's own acceptance test of the bytes first (format, dimensions).
    if (const auto problem = server::checkPhoto(check.jpeg)) {
        check.verdict = *problem;
        return Outcome<PhotoCheck>::success(std::move(check));
    }
    check.image = cv::imdecode(check.jpeg, cv::IMREAD_COLOR);
    std::lock_guard lock(detector_mutex_);  // one detector, one photo at a time
    if (!detector_)
        detector_ = std::make_unique<recognition::FaceDetector>(recognition::enrolmentDetectorOptions());
    const recognition::QualityReport report = recognition::assessEnrolmentPhoto(check.image, *detector_);
    check.accepted = report.verdict == recognition::QualityVerdict::Ok;
    check.verdict = std::string(recognition::explain(report.verdict));
    if (report.faceCount == 1) {
        check.faces.push_back(report.face);
    } else if (report.faceCount > 1) {
        for (const auto& face : detector_->detect(check.image)) check.faces.push_back(face.box);
    }
    if (report.faceCount == 1) {
        char measured[160];
        std::snprintf(measured, sizeof measured, "face %d px wide, sharpness %.0f, brightness %.0f",
                      report.face.width, report.sharpness, report.brightness);
        check.measurements = measured;
    }
    return Outcome<PhotoCheck>::success(std::move(check));
}

Outcome<proto::PersonAdded> HqBackend::addPerson(const proto::PersonAdd& person) {
    const auto who = actor();
    if (!who) return notSignedIn<proto::PersonAdded>();
    return from<proto::PersonAdded>(service_.addPerson(*who, person.details, person.photos_jpeg));
}

Outcome<Done> HqBackend::updatePerson(const proto::PersonUpdate& update) {
    const auto who = actor();
    if (!who) return notSignedIn<Done>();
    return done(service_.updatePerson(*who, update.person_id, update.details));
}

Outcome<Done> HqBackend::removePerson(std::uint64_t person_id) {
    const auto who = actor();
    if (!who) return notSignedIn<Done>();
    return done(service_.removePerson(*who, person_id));
}

Outcome<std::vector<proto::UserInfo>> HqBackend::users() {
    const auto who = actor();
    if (!who) return notSignedIn<std::vector<proto::UserInfo>>();
    return from<std::vector<proto::UserInfo>>(service_.listUsers(*who));
}

Outcome<Done> HqBackend::decideUser(const proto::UserDecision& decision) {
    const auto who = actor();
    if (!who) return notSignedIn<Done>();
    return done(service_.decideUser(*who, decision));
}

Outcome<std::vector<proto::Sighting>> HqBackend::sightings(std::uint32_t limit) {
    const auto who = actor();
    if (!who) return notSignedIn<std::vector<proto::Sighting>>();
    return from<std::vector<proto::Sighting>>(service_.listSightings(*who, 0, limit));
}

Outcome<std::vector<proto::AuditEntry>> HqBackend::audit(std::uint32_t limit) {
    const auto who = actor();
    if (!who) return notSignedIn<std::vector<proto::AuditEntry>>();
    std::uint64_t after = 0;
    {
        std::lock_guard lock(mutex_);
        if (!audit_cache_.empty()) after = audit_cache_.back().id;
    }
    // Read everything new since the last call, page by page.
    while (true) {
        auto page = service_.listAudit(*who, after, limit);
        if (!page.ok()) return Outcome<std::vector<proto::AuditEntry>>{std::nullopt, page.error()};
        std::lock_guard lock(mutex_);
        for (auto& entry : *page) audit_cache_.push_back(std::move(entry));
        if (audit_cache_.size() > kAuditKept)
            audit_cache_.erase(audit_cache_.begin(),
                               audit_cache_.begin() + static_cast<std::ptrdiff_t>(audit_cache_.size() - kAuditKept));
        if (page->size() < limit || audit_cache_.empty()) break;
        after = audit_cache_.back().id;
    }
    std::lock_guard lock(mutex_);
    return Outcome<std::vector<proto::AuditEntry>>::success(audit_cache_);
}

HqStatus HqBackend::status() {
    HqStatus status;
    status.uptime_seconds =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started_).count();
    status.watchlist_version = service_.watchlistVersion();
    status.model_fingerprint = service_.modelFingerprint();
    const std::size_t subscribers = service_.hub().subscriberCount();
    if (const auto who = actor()) {
        auto sessions = service_.connectedSessions(*who);
        if (sessions.ok()) {
            for (const auto& session : *sessions) {
                ConnectedStation station;
                station.username = session.username;
                station.role = session.role;
                station.address = session.address;
                station.certificate = session.station_certificate;
                station.connected_since_ms = session.connected_since_ms;
                station.last_activity_ms = session.last_activity_ms;
                station.requests_served = session.requests_served;
                status.stations.push_back(std::move(station));
            }
            std::stable_partition(status.stations.begin(), status.stations.end(),
                                  [](const auto& s) { return s.role == proto::Role::Station; });
        } else {
            status.sessions_error = std::string(proto::errorSentence(sessions.error().code));
        }
    }
    std::lock_guard lock(mutex_);
    status.person_count = person_count_;
    // The console's own subscription is not a station.
    status.alert_subscribers = subscribers - (session_ && subscribers > 0 ? 1 : 0);
    return status;
}

Outcome<std::vector<proto::Sighting>> HqBackend::pendingSightings() {
    const auto who = actor();
    if (!who) return notSignedIn<std::vector<proto::Sighting>>();
    return from<std::vector<proto::Sighting>>(service_.listPendingSightings(*who));
}

Outcome<proto::SightingDecided> HqBackend::confirmSighting(std::uint64_t sighting_id) {
    const auto who = actor();
    if (!who) return notSignedIn<proto::SightingDecided>();
    return from<proto::SightingDecided>(service_.confirmSighting(*who, sighting_id));
}

Outcome<proto::SightingDecided> HqBackend::dismissSighting(std::uint64_t sighting_id, proto::DismissReason reason,
                                                           const std::string& note) {
    const auto who = actor();
    if (!who) return notSignedIn<proto::SightingDecided>();
    return from<proto::SightingDecided>(service_.dismissSighting(*who, sighting_id, reason, note));
}

Outcome<std::vector<proto::Bytes>> HqBackend::personPhotos(std::uint64_t person_id) {
    const auto who = actor();
    if (!who) return notSignedIn<std::vector<proto::Bytes>>();
    return from<std::vector<proto::Bytes>>(service_.personPhotos(*who, person_id));
}

std::vector<proto::SightingDecided> HqBackend::pollDecisions() {
    std::lock_guard lock(mutex_);
    return std::exchange(decided_, {});
}

std::vector<proto::Sighting> HqBackend::pollAlerts() {
    std::lock_guard lock(mutex_);
    return std::exchange(pushed_, {});
}

}  // namespace vigil::console
