#pragma once
// The station's connection to HQ: TLS 1.3 to a pinned CA with a host-name
// check, the Hello exchange, requests matched to responses by request_id,
// server pushes handed to a callback, ping/pong to notice a dead peer, and
// reconnection with exponential backoff and jitter. After a drop the link
// resumes its session with the token of the last login, so a field station
// survives an outage without a new login (and without a CAPTCHA).
//
// All socket work happens on the link's own io thread; the public functions
// are safe to call from any thread.

#include "protocol/Messages.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <string>

namespace vigil::client {

struct ServerLinkOptions {
    std::string host = "localhost";
    std::uint16_t port = 7443;
    std::filesystem::path caFile;
    std::string software = "vigil-client 0.1.0";
    std::chrono::milliseconds connectTimeout{5000};
    std::chrono::milliseconds requestTimeout{15000};
    std::chrono::milliseconds pingInterval{10000};  // a peer silent for 3 intervals is dead
    std::chrono::milliseconds backoffMin{250};
    std::chrono::milliseconds backoffMax{30000};
};

enum class LinkState {
    Stopped,
    Connecting,     // TCP + TLS + Hello under way (or waiting to retry)
    Connected,      // Hello done, no session: CAPTCHA, register, login possible
    LoggedIn,       // session established (login or resume)
    Offline,        // lost; retrying with backoff
};
std::string_view describe(LinkState state);

struct LinkStatus {
    LinkState state = LinkState::Stopped;
    std::string detail;  // last error or what is happening, a sentence
    std::optional<std::chrono::system_clock::time_point> offlineSince;
    std::string username;
    protocol::Role role = protocol::Role::Station;
    std::string serverName;
    std::string serverModelFingerprint;
    unsigned reconnectAttempts = 0;
    std::chrono::milliseconds retryDelay{0};     // the wait before the current retry
    std::chrono::milliseconds longestRetryDelay{0};  // since the last session (shows the cap holds)
    std::chrono::milliseconds lastRoundTrip{0};  // of the last ping (0 on a fast LAN)
    std::uint64_t pongsReceived = 0;
};

class ServerLink {
public:
    explicit ServerLink(ServerLinkOptions options);
    ~ServerLink();
    ServerLink(const ServerLink&) = delete;
    ServerLink& operator=(const ServerLink&) = delete;

    // Unsolicited server messages (AlertPush, WatchlistChanged). Called on the
    // io thread: do little there. Set before start().
    void onPush(std::function<void(const protocol::Message&)> handler);
    // Called on the io thread each time a session is (re)established.
    void onLoggedIn(std::function<void()> handler);
    // Called on the io thread when a new session token arrives (to keep it).
    void onSessionToken(std::function<void(const std::string&)> handler);

    // A token from an earlier run: resumed at every connect until it fails.
    void setSessionToken(std::string token);

    void start();
    void stop();

    // Sends a request and delivers the response. When the link is down, the
    // request times out, or the connection drops before the answer, the
    // future holds Error{ServerBusy or Internal, sentence}. LoginResponse
    // answers establish the session (token kept for resume).
    std::future<protocol::Message> request(protocol::Message message);

    // Like request(), with the answer handed to `onReply` on the io thread.
    // A paged answer (WatchlistDelta with `more`) calls it once per page.
    void send(protocol::Message message, std::function<void(protocol::Message)> onReply);

    LinkStatus status() const;
    // Waits until `condition` holds for the status (checked at every change).
    bool waitUntil(const std::function<bool(const LinkStatus&)>& condition,
                   std::chrono::milliseconds timeout) const;

private:
    struct Impl;
    std::shared_ptr<Impl> impl_;
};

// The text of an Error message, or the message's name when it is not one.
std::string replySummary(const protocol::Message& reply);

}  // namespace vigil::client
