#include "server/core/SessionRegistry.hpp"

#include <algorithm>

namespace vigil::server {

void SessionRegistry::add(std::uint64_t connectionId, std::string address, std::string stationCertificate,
                          std::string certificateSerial, Closer closer) {
    const auto now = clock_();
    Live live;
    live.entry.info.connection_id = connectionId;
    live.entry.info.address = std::move(address);
    live.entry.info.station_certificate = std::move(stationCertificate);
    live.entry.info.certificate_serial = std::move(certificateSerial);
    live.entry.info.connected_since_ms = now;
    live.entry.info.last_activity_ms = now;
    live.closer = std::move(closer);
    std::lock_guard lock(mutex_);
    live_[connectionId] = std::move(live);
}

void SessionRegistry::authenticated(std::uint64_t connectionId, const std::string& username, protocol::Role role,
                                    const std::string& credentialStamp) {
    std::lock_guard lock(mutex_);
    const auto it = live_.find(connectionId);
    if (it == live_.end()) return;
    it->second.entry.info.username = username;
    it->second.entry.info.role = role;
    it->second.entry.credential_stamp = credentialStamp;
}

void SessionRegistry::served(std::uint64_t connectionId) {
    const auto now = clock_();
    std::lock_guard lock(mutex_);
    const auto it = live_.find(connectionId);
    if (it == live_.end()) return;
    ++it->second.entry.info.requests_served;
    it->second.entry.info.last_activity_ms = now;
}

void SessionRegistry::remove(std::uint64_t connectionId) {
    std::lock_guard lock(mutex_);
    live_.erase(connectionId);
}

std::vector<ConnectedSession> SessionRegistry::snapshot() const {
    std::vector<ConnectedSession> out;
    {
        std::lock_guard lock(mutex_);
        for (const auto& [id, live] : live_)
            if (live.entry.info.authenticated()) out.push_back(live.entry.info);
    }
    std::stable_sort(out.begin(), out.end(), [](const ConnectedSession& a, const ConnectedSession& b) {
        return a.connected_since_ms < b.connected_since_ms;
    });
    return out;
}

std::size_t SessionRegistry::size() const {
    std::lock_guard lock(mutex_);
    return live_.size();
}

std::size_t SessionRegistry::closeWhere(const std::function<std::optional<SessionEnd>(const Entry&)>& verdict) {
    std::vector<std::pair<Entry, Closer>> candidates;
    {
        std::lock_guard lock(mutex_);
        for (const auto& [id, live] : live_) candidates.emplace_back(live.entry, live.closer);
    }
    std::size_t closed = 0;
    for (const auto& [entry, closer] : candidates) {
        if (auto why = verdict(entry)) {
            closer(*why);
            ++closed;
        }
    }
    return closed;
}

std::size_t SessionRegistry::closeAccount(const std::string& username, const SessionEnd& why) {
    return closeWhere([&](const Entry& e) -> std::optional<SessionEnd> {
        if (e.info.username == username) return why;
        return std::nullopt;
    });
}

std::size_t SessionRegistry::closeStation(const std::string& stationName, const SessionEnd& why) {
    return closeWhere([&](const Entry& e) -> std::optional<SessionEnd> {
        if (!stationName.empty() && e.info.station_certificate == stationName) return why;
        return std::nullopt;
    });
}

void SessionRegistry::restamp(const std::string& username, const std::string& credentialStamp) {
    std::lock_guard lock(mutex_);
    for (auto& [id, live] : live_)
        if (live.entry.info.username == username) live.entry.credential_stamp = credentialStamp;
}

}  // namespace vigil::server
