#include "client/core/StationCore.hpp"

#include "client/core/AtRestKey.hpp"
#include "client/core/Location.hpp"
#include "client/core/SightingQueue.hpp"
#include "client/core/SightingSender.hpp"
#include "client/core/Speech.hpp"
#include "client/core/WatchlistCache.hpp"

#include "vigil/recognition/FaceEngine.hpp"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <condition_variable>
#include <ctime>
#include <fstream>
#include <iterator>
#include <thread>

namespace vigil::client {
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

// Locally enrolled persons (--enrol-local) get ids HQ never issues, and
// their sightings are not reported: HQ does not know them.
constexpr std::uint64_t kLocalPersonIdBase = 1ull << 62;
// Alerts pushed by HQ (another station's sightings) get ids the pipeline's
// alert counter never reaches.
constexpr std::uint64_t kHqAlertIdBase = 1ull << 62;

std::int64_t unixMs(std::chrono::system_clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

std::string clockTime() {
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    localtime_r(&now, &tm);
    char buffer[16];
    std::strftime(buffer, sizeof buffer, "%H:%M:%S", &tm);
    return buffer;
}

SpeechOptions speechOptions(const StationConfig& c) {
    SpeechOptions o;
    o.output = c.speech == "wav"   ? SpeechOptions::Output::WavFiles
               : c.speech == "off" ? SpeechOptions::Output::Off
                                   : SpeechOptions::Output::Speaker;
    o.wavDirectory = c.wavDir;
    o.voice = c.voice;
    return o;
}

PipelineOptions pipelineOptions(const StationConfig& c) {
    PipelineOptions o;
    o.source = c.source;
    o.realtime = c.realtime;
    o.detectionWidth = c.detectionWidth;
    o.detectEveryNthFrame = c.detectEveryNthFrame;
    o.matchThreshold = c.matchThreshold;
    o.negativeMargin = c.negativeMargin;
    o.modelFile = c.modelFile;
    o.policy.requiredMatches = c.requiredMatches;
    o.policy.cooldownMs = static_cast<std::int64_t>(c.cooldownSeconds) * 1000;
    o.policy.maxOpenAlerts = static_cast<std::size_t>(c.maxOpenAlerts);
    return o;
}

}  // namespace

struct StationCore::Impl {
    StationConfig config;
    crypto::Key256 key;
    std::unique_ptr<Pipeline> pipeline;
    std::unique_ptr<WatchlistCache> cache;
    std::unique_ptr<SightingQueue> queue;
    std::unique_ptr<Speech> speech;
    std::unique_ptr<ServerLink> link;
    std::unique_ptr<NominatimClient> nominatim;
    std::thread housekeeping;

    mutable std::mutex mutex;
    std::condition_variable changed;
    bool stopping = false;
    std::map<std::uint64_t, protocol::WantedPerson> localPersons;
    std::string watchlistWarning;
    protocol::Location location;
    std::string locationWarning;
    bool locationResolved = false;
    std::deque<StationAlert> alerts;
    std::deque<std::string> events;
    std::unique_ptr<SightingSender> sender;
    bool watchlistSynced = false;
    std::uint64_t alertChanges = 0;  // bumped with every alert or review change (waitSnapshot)
    std::function<void(const StationAlert&)> alertHandler;
    StationSettings settings;            // guarded by mutex
    std::mutex settingsChange;           // one applySettings at a time
    std::vector<std::string> voiceList;  // read once, on first use
    std::once_flag voicesRead;

    explicit Impl(StationConfig c) : config(std::move(c)), settings(settingsOf(config)) {
        fs::create_directories(config.dataDir);
        key = loadOrCreateAtRestKey(config.keyFile);
        pipeline = std::make_unique<Pipeline>(pipelineOptions(config),
                                              [this](PipelineAlert alert) { handleAlert(std::move(alert)); });
        cache = std::make_unique<WatchlistCache>(config.dataDir / "watchlist.sealed", key,
                                                 pipeline->modelFingerprint());
        watchlistWarning = cache->load();
        watchlistSynced = cache->version() > 0;
        queue = std::make_unique<SightingQueue>(config.dataDir / "sightings.db", key);
        speech = std::make_unique<Speech>(speechOptions(config));
        location.place = config.address;
        if (config.latitude && config.longitude) {
            location.has_coordinates = true;
            location.latitude = *config.latitude;
            location.longitude = *config.longitude;
        }
        NominatimOptions n;
        n.baseUrl = config.nominatimUrl;
        n.cacheFile = config.dataDir / "location-cache.json";
        n.timeout = std::chrono::milliseconds(config.nominatimTimeoutMs);
        nominatim = std::make_unique<NominatimClient>(n);
        enrolLocalPersons();
        if (!config.caFile.empty()) makeLink();
        sender = std::make_unique<SightingSender>(
            *queue, link.get(), [this](const std::string& id) { markDelivered(id); },
            [this](const std::string& text) { event(text); });
        updatePipelineWatchlist();
    }

    void event(std::string text) {
        std::lock_guard lock(mutex);
        events.push_back(clockTime() + "  " + std::move(text));
        while (events.size() > 100) events.pop_front();
    }

    void enrolLocalPersons() {
        if (config.enrolLocal.empty()) return;
        recognition::FaceEngineOptions options;
        options.descriptorModel = config.modelFile;
        recognition::FaceEngine engine(options);
        std::uint64_t next = kLocalPersonIdBase;
        for (const auto& entry : config.enrolLocal) {
            const auto eq = entry.find('=');
            if (eq == std::string::npos || eq == 0)
                throw std::runtime_error("--enrol-local wants NAME=PHOTO, got " + entry);
            const std::string name = entry.substr(0, eq);
            const fs::path photo = entry.substr(eq + 1);
            const cv::Mat image = cv::imread(photo.string(), cv::IMREAD_COLOR);
            if (image.empty()) throw std::runtime_error("cannot read the photo " + photo.string());
            const auto enrolled = engine.enrol(image);
            if (!enrolled.descriptor)
                throw std::runtime_error("the photo " + photo.string() + " cannot be enrolled: " +
                                         std::string(recognition::explain(enrolled.quality.verdict)));
            protocol::WantedPerson person;
            person.id = next++;
            person.details.name = name;
            person.details.danger = protocol::DangerLevel::High;
            person.details.reason = "enrolled locally on this station";
            person.faces.push_back(protocol::FaceTemplate{0, *enrolled.descriptor, 1.0f});
            std::vector<std::uint8_t> thumb;
            cv::Mat small;
            cv::resize(image, small, cv::Size(), 160.0 / image.cols, 160.0 / image.cols, cv::INTER_AREA);
            cv::imencode(".jpg", small, thumb);
            person.thumbnail_jpeg = std::move(thumb);
            localPersons[person.id] = std::move(person);
            event("enrolled " + name + " locally from " + photo.filename().string());
        }
    }

    void updatePipelineWatchlist() {
        auto merged = std::make_shared<std::map<std::uint64_t, protocol::WantedPerson>>(*cache->persons());
        {
            std::lock_guard lock(mutex);
            for (const auto& [id, person] : localPersons) (*merged)[id] = person;
        }
        pipeline->setWatchlist(std::move(merged), pipeline->modelFingerprint());
    }

    void makeLink() {
        ServerLinkOptions o;
        o.host = config.serverHost;
        o.port = config.serverPort;
        o.caFile = config.caFile;
        link = std::make_unique<ServerLink>(o);
        if (!config.sessionTokenFile.empty()) {
            std::ifstream in(config.sessionTokenFile);
            std::string token;
            if (in >> token) link->setSessionToken(token);
        }
        link->onSessionToken([this](const std::string& token) {
            if (config.sessionTokenFile.empty()) return;
            try {
                writeFileAtomically(config.sessionTokenFile,
                                    std::span(reinterpret_cast<const std::uint8_t*>(token.data()), token.size()));
            } catch (const std::exception& e) {
                event(std::string("cannot keep the session token: ") + e.what());
            }
        });
        link->onLoggedIn([this] {
            event("logged in to HQ");
            link->send(protocol::SubscribeAlerts{}, [](protocol::Message) {});
            syncWatchlist(cache->version());
            flushSightings();
        });
        link->onPush([this](const protocol::Message& push) {
            if (const auto* changed = std::get_if<protocol::WatchlistChanged>(&push)) {
                event("HQ changed the watchlist (version " + std::to_string(changed->version) + ")");
                syncWatchlist(cache->version());
            } else if (const auto* alert = std::get_if<protocol::AlertPush>(&push)) {
                onHqAlert(alert->sighting);
            } else if (const auto* decided = std::get_if<protocol::SightingDecided>(&push)) {
                onDecision(*decided);
            }
        });
    }

    void syncWatchlist(std::uint64_t haveVersion) {
        link->send(protocol::WatchlistSyncRequest{haveVersion}, [this](protocol::Message reply) {
            if (auto* delta = std::get_if<protocol::WatchlistDelta>(&reply)) {
                const DeltaResult result = cache->apply(*delta);
                if (result.outcome == DeltaOutcome::VersionGap) {
                    event(result.message);
                    syncWatchlist(0);
                    return;
                }
                if (result.outcome == DeltaOutcome::ModelMismatch) {
                    event(result.message);
                    std::lock_guard lock(mutex);
                    watchlistWarning = result.message;
                    return;
                }
                if (!delta->more) {
                    updatePipelineWatchlist();
                    {
                        std::lock_guard lock(mutex);
                        watchlistWarning.clear();
                        watchlistSynced = true;
                    }
                    changed.notify_all();
                    event("watchlist version " + std::to_string(cache->version()) + ": " +
                          std::to_string(cache->size()) + " wanted persons");
                }
            } else {
                event("watchlist sync failed: " + replySummary(reply));
            }
        });
    }

    // Issue 9: applies HQ's review to the alert it concerns; false when this
    // station shows no such alert.
    bool applyReview(StationAlert& a, protocol::ReviewState state, const std::string& by,
                     protocol::DismissReason reason, const std::string& note) {
        if (state == protocol::ReviewState::Pending) return false;
        const auto next = state == protocol::ReviewState::Confirmed ? AlertReview::Confirmed : AlertReview::Withdrawn;
        if (a.review == next && a.decidedBy == by) return false;
        a.review = next;
        a.decidedBy = by;
        a.withdrawnReason = reason;
        a.reviewNote = note;
        return true;
    }

    StationAlert* findAlert(const std::string& reportId, std::uint64_t sightingId) {
        for (auto& a : alerts)
            if ((!reportId.empty() && a.reportId == reportId) || (sightingId != 0 && a.sightingId == sightingId))
                return &a;
        return nullptr;
    }

    void onDecision(const protocol::SightingDecided& d) {
        bool changedNow = false;
        std::string name;
        {
            std::lock_guard lock(mutex);
            if (auto* a = findAlert(d.report_id, d.sighting_id)) {
                a->sightingId = d.sighting_id;
                changedNow = applyReview(*a, d.decision, d.decided_by, d.reason, d.note);
                name = a->name;
                if (changedNow) ++alertChanges;
            }
        }
        if (!changedNow) return;
        changed.notify_all();
        if (d.decision == protocol::ReviewState::Confirmed) {
            event("HQ confirmed the alert for " + name + " (" + d.decided_by + ")");
        } else {
            event("HQ withdrew the alert for " + name + ": " + std::string(protocol::describe(d.reason)) +
                  (d.note.empty() ? "" : " (" + d.note + ")"));
            speech->say("Alert for " + name + " withdrawn by HQ.");
        }
    }

    // An AlertPush: our own sighting confirmed, or another station's sighting
    // HQ released (confirmed, or pushed at once by its danger level).
    void onHqAlert(const protocol::Sighting& s) {
        const auto cached = cache->persons();
        bool added = false;
        bool reviewChanged = false;
        StationAlert shown;
        {
            std::lock_guard lock(mutex);
            if (auto* a = findAlert(s.report_id, s.id)) {
                a->sightingId = s.id;
                reviewChanged = applyReview(*a, s.review, s.decided_by, s.dismiss_reason, s.review_note);
                shown = *a;
            } else {
                shown.alertId = kHqAlertIdBase + s.id;
                shown.sightingId = s.id;
                shown.reportId = s.report_id;
                shown.personId = s.person_id;
                shown.name = s.person_name;
                shown.danger = s.danger;
                shown.distance = s.distance;
                shown.observedAt = std::chrono::system_clock::time_point(std::chrono::milliseconds(s.observed_at_ms));
                shown.snapshotJpeg = s.snapshot_jpeg;
                shown.fromHq = true;
                shown.station = s.station;
                shown.delivered = true;
                shown.runnerUpId = s.runner_up_id;
                shown.runnerUpDistance = s.runner_up_distance;
                applyReview(shown, s.review, s.decided_by, s.dismiss_reason, s.review_note);
                if (auto it = cached->find(s.person_id); it != cached->end()) {
                    shown.aliases = it->second.details.aliases;
                    shown.reason = it->second.details.reason;
                    shown.notes = it->second.details.notes;
                    shown.thumbnailJpeg = it->second.thumbnail_jpeg;
                }
                alerts.push_front(shown);
                while (alerts.size() > 50) alerts.pop_back();
                added = true;
            }
            if (added || reviewChanged) ++alertChanges;
        }
        if (!added && !reviewChanged) return;
        changed.notify_all();
        const std::string state = shown.review == AlertReview::Confirmed ? "confirmed" : "unconfirmed";
        if (added) {
            event("HQ alert (" + state + "): " + s.person_name + " seen by " + s.station +
                  (s.location.place.empty() ? "" : " at " + s.location.place));
            speech->say((shown.review == AlertReview::Confirmed ? "Confirmed by HQ. " : "Unconfirmed. ") +
                        alertSentence(s.person_name, s.location.place, s.danger));
        } else {
            event("HQ " + state + " the alert for " + shown.name + " (" + shown.decidedBy + ")");
        }
    }

    void flushSightings() {
        if (sender) sender->flush();
    }

    void markDelivered(const std::string& id) {
        std::lock_guard lock(mutex);
        for (auto& a : alerts)
            if (a.reportId == id) a.delivered = true;
    }

    void handleAlert(PipelineAlert alert) {
        StationAlert shown;
        shown.alertId = alert.decision.alertId;
        shown.personId = alert.person.id;
        shown.name = alert.person.details.name;
        shown.aliases = alert.person.details.aliases;
        shown.reason = alert.person.details.reason;
        shown.danger = alert.person.details.danger;
        shown.notes = alert.person.details.notes;
        shown.distance = alert.decision.bestDistance;
        shown.observedAt = alert.observedAt;
        shown.snapshotJpeg = alert.snapshotJpeg;
        shown.thumbnailJpeg = alert.person.thumbnail_jpeg;
        shown.popup = alert.decision.popup;
        shown.runnerUpId = alert.runnerUpId;
        shown.runnerUpDistance = alert.runnerUpDistance;
        shown.latencyMs = std::chrono::duration<double, std::milli>(alert.raisedAt - alert.frameCapturedAt).count();

        protocol::Location where;
        {
            std::lock_guard lock(mutex);
            where = location;
        }
        const bool reportable = alert.person.id < kLocalPersonIdBase;
        if (reportable) {
            protocol::SightingReport report;
            report.report_id = SightingQueue::newReportId();
            report.person_id = alert.person.id;
            report.distance = alert.decision.bestDistance;
            report.observed_at_ms = unixMs(alert.observedAt);
            report.location = where;
            if (alert.snapshotJpeg.size() <= protocol::kMaxSnapshotBytes) report.snapshot_jpeg = alert.snapshotJpeg;
            report.probe = alert.probe;
            if (alert.runnerUpId < kLocalPersonIdBase) {
                report.runner_up_id = alert.runnerUpId;
                report.runner_up_distance = alert.runnerUpDistance;
            }
            try {
                queue->add(report);  // durable before anything else happens
                shown.reportId = report.report_id;
            } catch (const std::exception& e) {
                event(std::string("cannot store the sighting: ") + e.what());
            }
        }
        speech->say(alertSentence(shown.name, where.place, shown.danger));
        event("ALERT " + shown.name + " (distance " + std::to_string(shown.distance).substr(0, 5) + ")");
        std::function<void(const StationAlert&)> handler;
        {
            std::lock_guard lock(mutex);
            alerts.push_front(shown);
            while (alerts.size() > 50) alerts.pop_back();
            ++alertChanges;
            handler = alertHandler;
        }
        changed.notify_all();
        if (handler) handler(shown);
        if (reportable) flushSightings();
    }

    void resolveLocation() {
        if (config.address.empty() && !(config.latitude && config.longitude)) {
            std::lock_guard lock(mutex);
            locationWarning = "no station address or coordinates configured";
            locationResolved = true;
            return;
        }
        if (config.nominatimUrl == "off") {
            std::lock_guard lock(mutex);
            locationResolved = true;
            return;
        }
        const auto resolved = resolveStationLocation(*nominatim, config.address, config.latitude, config.longitude);
        std::lock_guard lock(mutex);
        location = resolved.location;
        locationWarning = resolved.warning;
        locationResolved = true;
    }

    void runHousekeeping() {
        resolveLocation();
        changed.notify_all();
        if (!locationWarning.empty()) event("location: " + locationWarning);
        std::unique_lock lock(mutex);
        while (!stopping) {
            changed.wait_for(lock, 2s);
            if (stopping) break;
            lock.unlock();
            // Reports whose first attempt failed while the link stayed up.
            if (sender->inFlight() == 0 && queue->size() > 0) flushSightings();
            lock.lock();
        }
    }
};

StationCore::StationCore(StationConfig config) : impl_(std::make_unique<Impl>(std::move(config))) {}

StationCore::~StationCore() { stop(); }

void StationCore::start() {
    startLink();
    startPipeline();
}

void StationCore::startLink() {
    if (impl_->housekeeping.joinable()) return;
    if (!impl_->watchlistWarning.empty()) impl_->event(impl_->watchlistWarning);
    impl_->event("watchlist cache: version " + std::to_string(impl_->cache->version()) + ", " +
                 std::to_string(impl_->cache->size()) + " persons");
    if (impl_->queue->size() > 0)
        impl_->event(std::to_string(impl_->queue->size()) + " sightings wait for HQ from an earlier run");
    impl_->housekeeping = std::thread([this] { impl_->runHousekeeping(); });
    if (impl_->link) impl_->link->start();
}

void StationCore::startPipeline() {
    startLink();
    impl_->pipeline->start();
}

void StationCore::stop() {
    if (!impl_->housekeeping.joinable()) return;
    impl_->pipeline->stop();
    if (impl_->link) impl_->link->stop();
    {
        std::lock_guard lock(impl_->mutex);
        impl_->stopping = true;
    }
    impl_->changed.notify_all();
    impl_->housekeeping.join();
}

StationSnapshot StationCore::snapshot() const {
    StationSnapshot s;
    if (impl_->link) s.link = impl_->link->status();
    else s.link.detail = "no HQ server configured";
    s.pipeline = impl_->pipeline->stats();
    s.watchlistVersion = impl_->cache->version();
    s.sightingsPending = impl_->queue->size();
    s.speechWarning = impl_->speech->lastError();
    s.modelFingerprint = impl_->pipeline->modelFingerprint();
    std::lock_guard lock(impl_->mutex);
    s.watchlistPersons = impl_->cache->size() + impl_->localPersons.size();
    s.watchlistWarning = impl_->watchlistWarning;
    s.location = impl_->location;
    s.locationWarning = impl_->locationWarning;
    s.alerts.assign(impl_->alerts.begin(), impl_->alerts.end());
    s.sightingsDelivered = impl_->sender->delivered();
    s.events.assign(impl_->events.begin(), impl_->events.end());
    return s;
}

bool StationCore::latestFrame(cv::Mat& frame, std::vector<FaceBox>& faces) const {
    return impl_->pipeline->latestFrame(frame, faces);
}

const StationConfig& StationCore::config() const { return impl_->config; }

std::string reviewLine(const StationAlert& a) {
    switch (a.review) {
    case AlertReview::Unconfirmed: return "unconfirmed";
    case AlertReview::Confirmed: return "confirmed by " + a.decidedBy;
    case AlertReview::Withdrawn: {
        std::string reason(protocol::describe(a.withdrawnReason));
        std::replace(reason.begin(), reason.end(), '-', ' ');
        return "withdrawn by " + a.decidedBy + ": " + reason + (a.reviewNote.empty() ? "" : " (" + a.reviewNote + ")");
    }
    }
    return "";
}

namespace {
std::future<protocol::Message> offline() {
    std::promise<protocol::Message> p;
    p.set_value(protocol::Error{protocol::ErrorCode::ServerBusy, "no HQ server configured"});
    return p.get_future();
}
}  // namespace

std::future<protocol::Message> StationCore::requestCaptcha(protocol::CaptchaPurpose purpose) {
    return impl_->link ? impl_->link->request(protocol::CaptchaRequest{purpose}) : offline();
}

std::future<protocol::Message> StationCore::login(const std::string& username, const std::string& password,
                                                  const std::string& captchaId,
                                                  const std::string& captchaAnswer) {
    if (!impl_->link) return offline();
    return impl_->link->request(protocol::LoginRequest{username, password, captchaId, captchaAnswer, {}});
}

std::future<protocol::Message> StationCore::registerAccount(const protocol::RegisterRequest& request) {
    return impl_->link ? impl_->link->request(request) : offline();
}

void StationCore::acknowledgeAlert(std::uint64_t alertId) {
    impl_->pipeline->acknowledge(alertId);
    std::lock_guard lock(impl_->mutex);
    for (auto& a : impl_->alerts)
        if (a.alertId == alertId) a.acknowledged = true;
}

StationSettings StationCore::settings() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->settings;
}

std::vector<std::string> StationCore::voices() const {
    std::call_once(impl_->voicesRead, [&] { impl_->voiceList = Speech::installedVoices(); });
    return impl_->voiceList;
}

SettingsOutcome StationCore::applySettings(const StationSettings& wanted) {
    SettingsOutcome outcome;
    std::lock_guard change(impl_->settingsChange);
    outcome.refusal = checkSettings(wanted, voices());
    if (outcome.refusal) return outcome;
    const StationSettings before = settings();
    if (wanted == before) {
        outcome.notes.push_back("Nothing changed.");
        return outcome;
    }
    auto& impl = *impl_;
    if (wanted.matchThreshold != before.matchThreshold) {
        impl.pipeline->setMatchThreshold(wanted.matchThreshold);
        outcome.notes.push_back("Match threshold is now " + std::to_string(wanted.matchThreshold).substr(0, 4) + ".");
    }
    // "On" is the output the station was configured with (speaker or WAV
    // files), the speaker when it started silent.
    const auto onOutput = impl.config.speech == "wav" ? SpeechOptions::Output::WavFiles : SpeechOptions::Output::Speaker;
    if (wanted.speech != before.speech) {
        impl.speech->setOutput(wanted.speech ? onOutput : SpeechOptions::Output::Off);
        outcome.notes.push_back(wanted.speech ? "Spoken alerts are on." : "Spoken alerts are off.");
    }
    if (wanted.voice != before.voice) {
        impl.speech->setVoice(wanted.voice);
        outcome.notes.push_back("Alerts are spoken with the voice " + wanted.voice + ".");
    }
    if (wanted.source != before.source) {
        impl.pipeline->restartWithSource(wanted.source);
        outcome.notes.push_back("Video now comes from " + wanted.source + ".");
    }
    if (wanted.serverAddress != before.serverAddress) {
        outcome.restartNeeded = true;
        outcome.notes.push_back("The new HQ address " + wanted.serverAddress +
                                " is used from the next start of the station; until then it stays connected to " +
                                settingsOf(impl.config).serverAddress + ".");
    }
    {
        std::lock_guard lock(impl.mutex);
        impl.settings = wanted;
    }
    std::string why;
    const auto server = parseServerAddress(wanted.serverAddress, why);
    std::string speechValue = wanted.speech ? (impl.config.speech == "wav" ? "wav" : "speaker") : "off";
    try {
        if (impl.config.configFile.empty()) throw std::runtime_error("the station was started without a configuration file");
        writeConfigValues(impl.config.configFile, {{"source", wanted.source},
                                                   {"threshold", std::to_string(wanted.matchThreshold)},
                                                   {"speech", speechValue},
                                                   {"voice", wanted.voice},
                                                   {"server", server->first},
                                                   {"port", std::to_string(server->second)}});
        outcome.notes.push_back("Saved to " + impl.config.configFile.string() + ".");
    } catch (const std::exception& e) {
        outcome.saveError = std::string("Applied, but not saved for the next start: ") + e.what() + ".";
    }
    impl.event("settings changed: " + [&] {
        std::string text;
        for (const auto& note : outcome.notes) text += (text.empty() ? "" : " ") + note;
        return text;
    }());
    return outcome;
}

void StationCore::onAlert(std::function<void(const StationAlert&)> handler) {
    std::lock_guard lock(impl_->mutex);
    impl_->alertHandler = std::move(handler);
}

bool StationCore::waitPipelineFinished(std::chrono::milliseconds timeout) {
    return impl_->pipeline->waitFinished(timeout);
}

bool StationCore::waitSightingsDelivered(std::chrono::milliseconds timeout) {
    return impl_->sender->waitAllDelivered(timeout);
}

bool StationCore::waitWatchlist(std::chrono::milliseconds timeout) {
    std::unique_lock lock(impl_->mutex);
    return impl_->changed.wait_for(lock, timeout, [&] { return impl_->watchlistSynced; });
}

bool StationCore::waitWatchlistVersion(std::uint64_t version, std::chrono::milliseconds timeout) {
    std::unique_lock lock(impl_->mutex);
    return impl_->changed.wait_for(lock, timeout, [&] { return impl_->cache->version() >= version; });
}

bool StationCore::waitLocation(std::chrono::milliseconds timeout) {
    std::unique_lock lock(impl_->mutex);
    return impl_->changed.wait_for(lock, timeout, [&] { return impl_->locationResolved; });
}

bool StationCore::waitLink(const std::function<bool(const LinkStatus&)>& condition,
                           std::chrono::milliseconds timeout) const {
    return impl_->link && impl_->link->waitUntil(condition, timeout);
}

bool StationCore::waitSnapshot(const std::function<bool(const StationSnapshot&)>& condition,
                               std::chrono::milliseconds timeout) const {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        std::uint64_t seen = 0;
        {
            std::lock_guard lock(impl_->mutex);
            seen = impl_->alertChanges;
        }
        if (condition(snapshot())) return true;
        std::unique_lock lock(impl_->mutex);
        // Other state (link, pipeline) changes without a signal: look again
        // at least every 100 ms.
        const auto wake = std::min(deadline, std::chrono::steady_clock::now() + 100ms);
        impl_->changed.wait_until(lock, wake, [&] { return impl_->alertChanges != seen || impl_->stopping; });
        if (impl_->stopping || std::chrono::steady_clock::now() >= deadline) {
            lock.unlock();
            return condition(snapshot());
        }
    }
}

bool StationCore::waitSpeechIdle(std::chrono::milliseconds timeout) { return impl_->speech->waitIdle(timeout); }

std::vector<std::filesystem::path> StationCore::spokenWavFiles() const { return impl_->speech->writtenFiles(); }

}  // namespace vigil::client
