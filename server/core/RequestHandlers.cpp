#include "server/core/RequestHandlers.hpp"

namespace vigil::server {
namespace {

using protocol::ErrorCode;
namespace p = protocol;

struct Dispatch {
    HqService& service;
    ConnectionState& state;
    std::uint32_t id;
    HandlerOutput out;

    void reply(p::Message m) { out.replies.push_back(p::Envelope{id, std::move(m)}); }
    void error(ErrorCode code, std::string text) { reply(p::Error{code, std::move(text)}); }
    void violation(std::string text) {
        error(ErrorCode::ProtocolViolation, std::move(text));
        out.close_after = true;
    }
    template <class T>
    void answer(Result<T>&& r) {
        if (r) reply(std::move(*r));
        else reply(r.error());
    }
    // Requests that need a login.
    const Actor* actor() {
        if (state.actor) return &*state.actor;
        error(ErrorCode::NotAuthenticated, "log in first");
        return nullptr;
    }
    void fromServer(std::string_view name) { violation(std::string(name) + " is sent by the server, not to it"); }
    void loggedIn(Result<LoginGrant>&& g) {
        if (!g) return reply(g.error());
        if (auto refused = service.bindSession(state.connection_id, *g)) return reply(std::move(*refused));
        state.actor = g->actor;
        state.token_hash = g->token_hash;
        out.authenticated_now = true;
        reply(std::move(g->response));
    }

    void operator()(p::Hello& m) {
        if (m.protocol_version != p::kProtocolVersion) {
            error(ErrorCode::UnsupportedVersion, "this server speaks protocol version " +
                                                     std::to_string(p::kProtocolVersion) + ", the client " +
                                                     std::to_string(m.protocol_version));
            out.close_after = true;
            return;
        }
        if (state.hello_done) return violation("Hello sent twice");
        state.hello_done = true;
        reply(p::HelloAck{p::kProtocolVersion, service.config().server_name, service.modelFingerprint()});
    }
    void operator()(p::Ping& m) { reply(p::Pong{m.nonce}); }
    void operator()(p::Pong&) {}  // keeps the connection alive; the session saw the frame

    void operator()(p::CaptchaRequest& m) { answer(service.requestCaptcha(m.purpose, state.address)); }
    void operator()(p::RegisterRequest& m) {
        if (state.actor) return error(ErrorCode::InvalidRequest, "already logged in");
        answer(service.registerAccount(m, state.address));
    }
    void operator()(p::LoginRequest& m) {
        if (state.actor) return error(ErrorCode::InvalidRequest, "already logged in");
        loggedIn(service.login(m, state.address));
    }
    void operator()(p::ResumeSession& m) {
        if (state.actor) return error(ErrorCode::InvalidRequest, "already logged in");
        loggedIn(service.resumeSession(m.session_token, state.address));
    }
    void operator()(p::Logout&) {
        if (const auto* a = actor()) {
            service.logout(state.token_hash, *a);
            reply(p::Ok{});
            out.close_after = true;
        }
    }
    void operator()(p::WatchlistSyncRequest& m) {
        const auto* a = actor();
        if (!a) return;
        auto pages = service.syncWatchlist(*a, m.have_version);
        if (!pages) return reply(pages.error());
        for (auto& page : *pages) reply(std::move(page));
    }
    void operator()(p::SightingReport& m) {
        if (const auto* a = actor()) answer(service.reportSighting(*a, m, state.connection_id));
    }
    void operator()(p::SubscribeAlerts&) {
        const auto* a = actor();
        if (!a) return;
        auto allowed = service.mayReceiveAlerts(*a);
        if (allowed) state.alerts_wanted = true;
        answer(std::move(allowed));
    }
    void operator()(p::SightingListRequest& m) {
        const auto* a = actor();
        if (!a) return;
        auto list = service.listSightings(*a, m.since_ms, m.limit);
        if (!list) return reply(list.error());
        reply(p::SightingList{std::move(*list)});
    }
    void operator()(p::PersonAdd& m) {
        if (const auto* a = actor()) answer(service.addPerson(*a, m.details, m.photos_jpeg));
    }
    void operator()(p::PersonUpdate& m) {
        if (const auto* a = actor()) answer(service.updatePerson(*a, m.person_id, m.details));
    }
    void operator()(p::PersonRemove& m) {
        if (const auto* a = actor()) answer(service.removePerson(*a, m.person_id));
    }
    void operator()(p::UserListRequest&) {
        const auto* a = actor();
        if (!a) return;
        auto users = service.listUsers(*a);
        if (!users) return reply(users.error());
        reply(p::UserList{std::move(*users)});
    }
    void operator()(p::UserDecision& m) {
        if (const auto* a = actor()) answer(service.decideUser(*a, m));
    }
    void operator()(p::AuditListRequest& m) {
        const auto* a = actor();
        if (!a) return;
        auto entries = service.listAudit(*a, m.after_id, m.limit);
        if (!entries) return reply(entries.error());
        reply(p::AuditList{std::move(*entries)});
    }
    void operator()(p::ReviewListRequest& m) {
        const auto* a = actor();
        if (!a) return;
        auto list = service.listPendingSightings(*a, m.limit);
        if (!list) return reply(list.error());
        reply(p::SightingList{std::move(*list)});
    }
    void operator()(p::ReviewDecision& m) {
        if (const auto* a = actor()) answer(service.decideSighting(*a, m));
    }

    // Messages only the server sends.
    void operator()(p::HelloAck&) { fromServer("HelloAck"); }
    void operator()(p::Error&) { fromServer("Error"); }
    void operator()(p::Ok&) { fromServer("Ok"); }
    void operator()(p::CaptchaChallenge&) { fromServer("CaptchaChallenge"); }
    void operator()(p::RegisterResponse&) { fromServer("RegisterResponse"); }
    void operator()(p::LoginResponse&) { fromServer("LoginResponse"); }
    void operator()(p::WatchlistDelta&) { fromServer("WatchlistDelta"); }
    void operator()(p::WatchlistChanged&) { fromServer("WatchlistChanged"); }
    void operator()(p::SightingAck&) { fromServer("SightingAck"); }
    void operator()(p::AlertPush&) { fromServer("AlertPush"); }
    void operator()(p::SightingList&) { fromServer("SightingList"); }
    void operator()(p::PersonAdded&) { fromServer("PersonAdded"); }
    void operator()(p::UserList&) { fromServer("UserList"); }
    void operator()(p::AuditList&) { fromServer("AuditList"); }
    void operator()(p::SightingDecided&) { fromServer("SightingDecided"); }
};

}  // namespace

HandlerOutput RequestHandlers::handle(ConnectionState& state, protocol::Envelope&& envelope) {
    Dispatch d{service_, state, envelope.request_id, {}};
    if (!state.hello_done && !std::holds_alternative<p::Hello>(envelope.message)) {
        d.violation("the first message must be Hello");
        return std::move(d.out);
    }
    try {
        std::visit(d, envelope.message);
    } catch (const std::exception& e) {
        // A bug or a failing disk: the client learns that it failed, the log why.
        d.out.replies.clear();
        d.error(ErrorCode::Internal, "the server could not complete the request");
        std::fprintf(stderr, "vigil-server: %s failed: %s\n", std::string(protocol::messageName(envelope.message)).c_str(),
                     e.what());
    }
    return std::move(d.out);
}

}  // namespace vigil::server
