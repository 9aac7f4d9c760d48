#include "server/core/WatchlistWatcher.hpp"

#include "server/core/Sqlite.hpp"
#include "server/core/WatchlistStore.hpp"

#include <iostream>

namespace vigil::server {

WatchlistWatcher::WatchlistWatcher(std::filesystem::path file, std::chrono::milliseconds interval,
                                   OnVersion onVersion)
    : file_(std::move(file)), interval_(interval), onVersion_(std::move(onVersion)), thread_([this] { run(); }) {}

WatchlistWatcher::~WatchlistWatcher() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
}

void WatchlistWatcher::run() {
    try {
        auto db = Database::open(file_, WatchlistStore::migrations());
        std::int64_t seen = db.dataVersion();
        std::unique_lock lock(mutex_);
        while (!wake_.wait_for(lock, interval_, [this] { return stopping_; })) {
            lock.unlock();
            const auto now = db.dataVersion();
            if (now != seen) {
                seen = now;
                auto st = db.prepare("SELECT value FROM meta WHERE key = 'version'");
                if (st.step()) onVersion_(static_cast<std::uint64_t>(st.int64(0)));
            }
            lock.lock();
        }
    } catch (const std::exception& e) {
        std::cerr << "vigil-server: the watchlist watcher stopped: " << e.what()
                  << " (changes by other processes are no longer pushed)\n";
    }
}

}  // namespace vigil::server
