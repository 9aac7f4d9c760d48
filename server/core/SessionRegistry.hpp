#pragma once
// The live network sessions of this server: who is connected, from where,
// with which station certificate, since when, how busy. Sessions add
// themselves when their TLS handshake is done, say who logged in, count the
// requests they serve and remove themselves when they close.
//
// It is also how the server ends sessions that must not go on: a disabled
// account, a changed role, a reset password or a revoked station certificate
// closes the matching sessions at once, each told why (an Error, then the
// close). Closing goes through a callback that each session registers and
// that posts to its own strand, so the registry never touches a socket.
//
// Thread-safe; callbacks run outside the registry's lock.

#include "protocol/Messages.hpp"
#include "server/core/Clock.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace vigil::server {

// What the console's "connected stations" list shows; no secret in it.
struct ConnectedSession {
    std::uint64_t connection_id = 0;
    std::string username;  // empty until the login succeeds
    protocol::Role role = protocol::Role::Viewer;
    std::string address;                 // remote IP address
    std::string station_certificate;     // CN of the client certificate (mutual TLS), else empty
    std::string certificate_serial;      // its serial (hex), else empty
    std::int64_t connected_since_ms = 0; // unix ms, when the TLS handshake finished
    std::int64_t last_activity_ms = 0;   // unix ms, last request
    std::uint64_t requests_served = 0;
    bool authenticated() const { return !username.empty(); }
};

// Why a session is ended: the Error the client receives before the close.
struct SessionEnd {
    protocol::ErrorCode code = protocol::ErrorCode::SessionExpired;
    std::string sentence;
};

class SessionRegistry {
public:
    using Closer = std::function<void(const SessionEnd&)>;

    explicit SessionRegistry(Clock clock) : clock_(std::move(clock)) {}

    // A connection whose TLS handshake finished. `closer` must be callable from
    // any thread until remove() returns.
    void add(std::uint64_t connectionId, std::string address, std::string stationCertificate,
             std::string certificateSerial, Closer closer);
    // A login or resume succeeded on the connection. `credentialStamp` is a
    // digest of the account's password hash: a later reset changes it.
    void authenticated(std::uint64_t connectionId, const std::string& username, protocol::Role role,
                       const std::string& credentialStamp);
    void served(std::uint64_t connectionId);
    void remove(std::uint64_t connectionId);

    // Authenticated sessions only, oldest first.
    std::vector<ConnectedSession> snapshot() const;
    std::size_t size() const;

    // Each returns how many sessions it asked to close.
    std::size_t closeAccount(const std::string& username, const SessionEnd& why);
    std::size_t closeStation(const std::string& stationName, const SessionEnd& why);
    // The general form: `verdict` sees each session (with its credential stamp)
    // and returns a reason to end it, or nothing. Runs outside the lock.
    struct Entry {
        ConnectedSession info;
        std::string credential_stamp;
    };
    std::size_t closeWhere(const std::function<std::optional<SessionEnd>(const Entry&)>& verdict);
    // After a re-hash of the password at login: the account's other sessions
    // keep their stamp current instead of looking reset.
    void restamp(const std::string& username, const std::string& credentialStamp);

private:
    struct Live {
        Entry entry;
        Closer closer;
    };
    Clock clock_;
    mutable std::mutex mutex_;
    std::map<std::uint64_t, Live> live_;
};

}  // namespace vigil::server
