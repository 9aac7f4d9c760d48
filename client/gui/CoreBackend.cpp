#include "client/gui/CoreBackend.hpp"

#include <algorithm>
#include <chrono>

namespace vigil::station {

namespace proto = vigil::protocol;

namespace {

// The core's requests time out on their own (the link's request timeout);
// this only bounds the wait if the future were never satisfied.
constexpr auto kAnswerWait = std::chrono::seconds(60);

// The server's answer of type T, or its Error, or a sentence for anything else.
template <class T>
Outcome<T> answer(std::future<proto::Message> future) {
    if (future.wait_for(kAnswerWait) != std::future_status::ready)
        return Outcome<T>::failure(proto::ErrorCode::ServerBusy, "no answer from HQ");
    proto::Message message;
    try {
        message = future.get();
    } catch (const std::exception& error) {
        return Outcome<T>::failure(proto::ErrorCode::Internal, error.what());
    }
    if (auto* value = std::get_if<T>(&message)) return Outcome<T>::success(std::move(*value));
    if (auto* error = std::get_if<proto::Error>(&message)) return Outcome<T>{std::nullopt, *error};
    return Outcome<T>::failure(proto::ErrorCode::ProtocolViolation,
                               "unexpected answer " + std::string(proto::messageName(message)));
}

LinkState linkState(client::LinkState state) {
    switch (state) {
        case client::LinkState::Stopped:
        case client::LinkState::Offline: return LinkState::Offline;
        case client::LinkState::Connecting: return LinkState::Connecting;
        case client::LinkState::Connected: return LinkState::Connected;
        case client::LinkState::LoggedIn: return LinkState::SignedIn;
    }
    return LinkState::Offline;
}

}  // namespace

CoreBackend::CoreBackend(client::StationCore& core) : core_(core) {}

StationSnapshot CoreBackend::snapshot() {
    const client::StationSnapshot core = core_.snapshot();
    const client::StationConfig& config = core_.config();
    StationSnapshot view;
    view.link = linkState(core.link.state);
    view.link_detail = core.link.detail;
    view.server_address = config.serverHost + ":" + std::to_string(config.serverPort);
    view.username = core.link.username;
    view.signed_in = core.link.state == client::LinkState::LoggedIn;

    std::vector<client::FaceBox> faces;
    if (core_.latestFrame(view.frame, faces)) view.frame_number = core.pipeline.framesProcessed;
    for (const auto& alert : core.alerts) {
        StationAlert shown;
        shown.id = alert.alertId;
        shown.person.id = alert.personId;
        shown.person.details = {alert.name, alert.aliases, alert.reason, alert.danger, alert.notes};
        shown.person.thumbnail_jpeg = alert.thumbnailJpeg;
        shown.distance = alert.distance;
        shown.observed_at_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                   alert.observedAt.time_since_epoch())
                                   .count();
        shown.snapshot_jpeg = alert.snapshotJpeg;
        shown.acknowledged = alert.acknowledged;
        shown.reported = alert.delivered;
        switch (alert.review) {
            case client::AlertReview::Unconfirmed: shown.review = AlertReview::Unconfirmed; break;
            case client::AlertReview::Confirmed: shown.review = AlertReview::Confirmed; break;
            case client::AlertReview::Withdrawn: shown.review = AlertReview::Dismissed; break;
        }
        shown.decided_by = alert.decidedBy;
        if (alert.review == client::AlertReview::Withdrawn) {
            std::string reason(proto::describe(alert.withdrawnReason));
            std::replace(reason.begin(), reason.end(), '-', ' ');
            shown.dismiss_reason = alert.reviewNote.empty() ? reason : reason + " (" + alert.reviewNote + ")";
        }
        if (alert.fromHq) shown.seen_by = alert.station;
        view.alerts.push_back(std::move(shown));
    }
    for (const auto& face : faces) {
        FaceOverlay overlay;
        overlay.box = face.box;
        overlay.name = face.label;
        overlay.wanted = face.wanted;
        overlay.distance = face.distance.value_or(0.0f);
        // The danger level of a named face is its person's, as the alert gave it.
        for (const auto& alert : core.alerts)
            if (face.wanted && alert.name == face.label) {
                overlay.danger = alert.danger;
                break;
            }
        view.faces.push_back(std::move(overlay));
    }
    view.source_description = core_.settings().source;
    view.source_error = core.pipeline.error;
    view.location = core.location;

    const auto& p = core.pipeline;
    view.figures.capture_fps = p.sourceFps;
    view.figures.processed_fps = p.processedFps;
    view.figures.describe_ms = p.describeMsAverage;
    view.figures.frames_dropped = p.framesDropped;
    view.figures.describe_dropped = p.describeDropped;
    view.figures.describe_queue = p.describeQueueDepth;
    view.figures.active_tracks = p.activeTracks;
    view.figures.faces_described = p.facesDescribed;
    view.figures.sightings_waiting = core.sightingsPending;
    view.figures.sightings_delivered = core.sightingsDelivered;

    view.watchlist_version = core.watchlistVersion;
    view.watchlist_size = core.watchlistPersons;
    for (const auto* warning : {&core.watchlistWarning, &core.locationWarning, &core.speechWarning})
        if (!warning->empty()) view.warnings.push_back(*warning);
    view.events = core.events;
    return view;
}

Outcome<proto::CaptchaChallenge> CoreBackend::newCaptcha(proto::CaptchaPurpose purpose) {
    return answer<proto::CaptchaChallenge>(core_.requestCaptcha(purpose));
}

Outcome<proto::LoginResponse> CoreBackend::login(const proto::LoginRequest& request) {
    return answer<proto::LoginResponse>(
        core_.login(request.username, request.password, request.captcha_id, request.captcha_answer));
}

Outcome<proto::RegisterResponse> CoreBackend::registerAccount(const proto::RegisterRequest& request) {
    return answer<proto::RegisterResponse>(core_.registerAccount(request));
}

void CoreBackend::acknowledge(std::uint64_t alert_id) { core_.acknowledgeAlert(alert_id); }

StationSettings CoreBackend::settings() {
    const client::StationSettings core = core_.settings();
    StationSettings settings;
    settings.source = core.source;
    settings.threshold = core.matchThreshold;
    settings.speech = core.speech;
    settings.voice = core.voice;
    settings.server_address = core.serverAddress;
    return settings;
}

Outcome<SettingsApplied> CoreBackend::applySettings(const StationSettings& settings) {
    client::StationSettings wanted;
    wanted.source = settings.source;
    wanted.matchThreshold = settings.threshold;
    wanted.speech = settings.speech;
    wanted.voice = settings.voice;
    wanted.serverAddress = settings.server_address;
    const client::SettingsOutcome outcome = core_.applySettings(wanted);
    SettingsApplied applied;
    if (outcome.refusal) {
        applied.refused_field = outcome.refusal->field;
        applied.refusal = outcome.refusal->sentence;
    }
    applied.notes = outcome.notes;
    applied.save_error = outcome.saveError;
    applied.restart_needed = outcome.restartNeeded;
    return Outcome<SettingsApplied>::success(std::move(applied));
}

std::vector<std::string> CoreBackend::voices() { return core_.voices(); }

}  // namespace vigil::station
