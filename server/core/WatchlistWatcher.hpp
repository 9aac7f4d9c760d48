#pragma once
// Notices commits to watchlist.db made by any connection — including other
// processes such as `vigil-server person add` — by polling PRAGMA
// data_version on its own connection, and reports the new watchlist version.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <mutex>
#include <thread>

namespace vigil::server {

class WatchlistWatcher {
public:
    using OnVersion = std::function<void(std::uint64_t version)>;

    WatchlistWatcher(std::filesystem::path file, std::chrono::milliseconds interval, OnVersion onVersion);
    ~WatchlistWatcher();
    WatchlistWatcher(const WatchlistWatcher&) = delete;
    WatchlistWatcher& operator=(const WatchlistWatcher&) = delete;

private:
    void run();

    std::filesystem::path file_;
    std::chrono::milliseconds interval_;
    OnVersion onVersion_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace vigil::server
