#pragma once
// Map tiles for the map widget: fetched with libcurl on a background thread
// from a configurable URL template ("https://tile.openstreetmap.org/{z}/{x}/{y}.png"),
// cached on disk (cache_dir/z/x/y.png) and in memory, never fetched twice
// while a fetch is under way, and a failed tile is not asked for again until
// `retry_after` has passed: without a network the map keeps drawing its plain
// background and never blocks the GUI thread.
//
// OSM's tile usage policy asks for an identifying User-Agent, caching and
// modest request rates; one worker thread and the disk cache provide that.

#include <opencv2/core/mat.hpp>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>

namespace vigil::gui {

struct TileKey {
    int zoom = 0;
    int x = 0;
    int y = 0;
    auto operator<=>(const TileKey&) const = default;
};

struct TileStoreOptions {
    std::string url_template = "https://tile.openstreetmap.org/{z}/{x}/{y}.png";
    std::filesystem::path cache_dir;  // empty: memory only
    std::string user_agent = "Vigil/0.1 (watchlist console; libcurl)";
    std::chrono::milliseconds timeout{8000};
    std::chrono::seconds retry_after{120};
    bool fetch = true;  // false: disk cache only (no network at all)
    // Called on the fetch thread after a tile became ready or failed (the GUI
    // wakes its event loop with it; tests await it).
    std::function<void()> on_change;
};

enum class TileState { Ready, Loading, Failed };

struct TileResult {
    TileState state = TileState::Loading;
    cv::Mat image;  // BGR 256x256 when Ready
};

class TileStore {
public:
    explicit TileStore(TileStoreOptions options);
    ~TileStore();
    TileStore(const TileStore&) = delete;
    TileStore& operator=(const TileStore&) = delete;

    // Never blocks on the network: a tile in memory or on disk is Ready,
    // otherwise it is queued and Loading (or Failed until retry_after).
    TileResult tile(TileKey key);

    // Fetches one tile on the calling thread (tests, prefetch tools). Returns
    // the image or an empty Mat with `error` set.
    cv::Mat fetchNow(TileKey key, std::string& error);

    // The URL for a tile, from the template.
    std::string urlFor(TileKey key) const;
    std::string lastError() const;
    std::size_t failedCount() const;

private:
    void work();
    cv::Mat loadFromDisk(TileKey key) const;
    std::filesystem::path diskPath(TileKey key) const;

    TileStoreOptions options_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<TileKey> queue_;
    std::map<TileKey, cv::Mat> memory_;
    std::deque<TileKey> memory_order_;  // oldest first, for eviction
    std::map<TileKey, std::chrono::steady_clock::time_point> failed_;
    std::map<TileKey, bool> in_flight_;
    std::string last_error_;
    bool stopping_ = false;
    std::thread worker_;
};

// Whether (zoom, x, y) names a real tile.
bool validTile(TileKey key);

}  // namespace vigil::gui
