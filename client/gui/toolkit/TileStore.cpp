#include "client/gui/toolkit/TileStore.hpp"

#include "client/gui/toolkit/WebMercator.hpp"

#include <curl/curl.h>
#include <opencv2/imgcodecs.hpp>

#include <fstream>
#include <memory>
#include <mutex>

namespace vigil::gui {
namespace {

// Tiles held decoded in memory (each 192 KiB): a full-screen map at 1600x1000
// shows about 40, so this keeps a few screens' worth when panning back.
constexpr std::size_t kMemoryTiles = 160;
// A fetch queue longer than this drops its oldest requests: the user has
// panned away from them and the newest view matters.
constexpr std::size_t kMaxQueue = 64;
// A PNG tile is 5-60 KiB; anything much larger is not a tile.
constexpr std::size_t kMaxTileBytes = 2 * 1024 * 1024;

void initCurlOnce() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct CurlDeleter {
    void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};

std::size_t appendBody(char* data, std::size_t size, std::size_t count, void* user) {
    auto* body = static_cast<std::string*>(user);
    const std::size_t bytes = size * count;
    if (body->size() + bytes > kMaxTileBytes) return 0;  // aborts the transfer
    body->append(data, bytes);
    return bytes;
}

void replaceAll(std::string& text, const std::string& what, const std::string& with) {
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + with.size()))
        text.replace(at, what.size(), with);
}

}  // namespace

bool validTile(TileKey key) {
    if (key.zoom < 0 || key.zoom > kMaxZoom) return false;
    const int count = 1 << key.zoom;
    return key.x >= 0 && key.x < count && key.y >= 0 && key.y < count;
}

TileStore::TileStore(TileStoreOptions options) : options_(std::move(options)) {
    initCurlOnce();
    if (options_.fetch) worker_ = std::thread([this] { work(); });
}

TileStore::~TileStore() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (worker_.joinable()) worker_.join();
}

std::string TileStore::urlFor(TileKey key) const {
    std::string url = options_.url_template;
    replaceAll(url, "{z}", std::to_string(key.zoom));
    replaceAll(url, "{x}", std::to_string(key.x));
    replaceAll(url, "{y}", std::to_string(key.y));
    return url;
}

std::filesystem::path TileStore::diskPath(TileKey key) const {
    return options_.cache_dir / std::to_string(key.zoom) / std::to_string(key.x) /
           (std::to_string(key.y) + ".png");
}

cv::Mat TileStore::loadFromDisk(TileKey key) const {
    if (options_.cache_dir.empty()) return {};
    const auto path = diskPath(key);
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) return {};
    return cv::imread(path.string(), cv::IMREAD_COLOR);
}

TileResult TileStore::tile(TileKey key) {
    if (!validTile(key)) return {TileState::Failed, {}};
    {
        std::lock_guard lock(mutex_);
        if (const auto found = memory_.find(key); found != memory_.end())
            return {TileState::Ready, found->second};
    }
    // Disk reads are small and local; doing them here keeps cached maps
    // appearing on the first frame, even with fetching off.
    if (cv::Mat image = loadFromDisk(key); !image.empty()) {
        std::lock_guard lock(mutex_);
        memory_[key] = image;
        memory_order_.push_back(key);
        while (memory_order_.size() > kMemoryTiles) {
            memory_.erase(memory_order_.front());
            memory_order_.pop_front();
        }
        return {TileState::Ready, image};
    }
    std::lock_guard lock(mutex_);
    if (const auto failed = failed_.find(key); failed != failed_.end()) {
        if (std::chrono::steady_clock::now() - failed->second < options_.retry_after)
            return {TileState::Failed, {}};
        failed_.erase(failed);
    }
    if (!options_.fetch) return {TileState::Failed, {}};
    if (!in_flight_.contains(key)) {
        in_flight_[key] = true;
        queue_.push_back(key);
        while (queue_.size() > kMaxQueue) {
            in_flight_.erase(queue_.front());
            queue_.pop_front();
        }
        wake_.notify_one();
    }
    return {TileState::Loading, {}};
}

cv::Mat TileStore::fetchNow(TileKey key, std::string& error) {
    if (!validTile(key)) {
        error = "no such tile";
        return {};
    }
    std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
    if (!curl) {
        error = "libcurl could not start";
        return {};
    }
    const std::string url = urlFor(key);
    std::string body;
    char curl_error[CURL_ERROR_SIZE] = {};
    curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl.get(), CURLOPT_USERAGENT, options_.user_agent.c_str());
    curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout.count()));
    curl_easy_setopt(curl.get(), CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(options_.timeout.count()));
    curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl.get(), CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(curl.get(), CURLOPT_MAXREDIRS, 3L);
    curl_easy_setopt(curl.get(), CURLOPT_PROTOCOLS_STR, "http,https,file");
    curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, &appendBody);
    curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &body);
    curl_easy_setopt(curl.get(), CURLOPT_ERRORBUFFER, curl_error);
    const CURLcode result = curl_easy_perform(curl.get());
    if (result != CURLE_OK) {
        error = url + ": " + (curl_error[0] ? curl_error : curl_easy_strerror(result));
        return {};
    }
    long status = 0;
    curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &status);
    if (status != 200 && !(status == 0 && url.starts_with("file:"))) {
        error = url + ": HTTP " + std::to_string(status);
        return {};
    }
    const cv::Mat raw(1, static_cast<int>(body.size()), CV_8UC1, body.data());
    cv::Mat image = body.empty() ? cv::Mat{} : cv::imdecode(raw, cv::IMREAD_COLOR);
    if (image.empty()) {
        error = url + ": the answer is not an image";
        return {};
    }
    if (!options_.cache_dir.empty()) {
        // Write then rename, so a crash never leaves a half tile in the cache.
        const auto path = diskPath(key);
        std::error_code ec;
        std::filesystem::create_directories(path.parent_path(), ec);
        const auto temporary = path.string() + ".part";
        {
            std::ofstream out(temporary, std::ios::binary);
            out.write(body.data(), static_cast<std::streamsize>(body.size()));
        }
        std::filesystem::rename(temporary, path, ec);
    }
    return image;
}

void TileStore::work() {
    std::unique_lock lock(mutex_);
    while (true) {
        wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
        if (stopping_) return;
        // Newest first: the latest view is what the user looks at.
        const TileKey key = queue_.back();
        queue_.pop_back();
        lock.unlock();
        std::string error;
        cv::Mat image = fetchNow(key, error);
        lock.lock();
        in_flight_.erase(key);
        if (image.empty()) {
            failed_[key] = std::chrono::steady_clock::now();
            last_error_ = error;
        } else {
            memory_[key] = image;
            memory_order_.push_back(key);
            while (memory_order_.size() > kMemoryTiles) {
                memory_.erase(memory_order_.front());
                memory_order_.pop_front();
            }
        }
        if (options_.on_change) {
            lock.unlock();
            options_.on_change();
            lock.lock();
        }
    }
}

std::string TileStore::lastError() const {
    std::lock_guard lock(mutex_);
    return last_error_;
}

std::size_t TileStore::failedCount() const {
    std::lock_guard lock(mutex_);
    return failed_.size();
}

}  // namespace vigil::gui
