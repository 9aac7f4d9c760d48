#include "client/gui/toolkit/TileStore.hpp"

#include "gui/support/TinyHttpServer.hpp"
#include "support/TestCerts.hpp"

#include <doctest/doctest.h>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>

using namespace vigil::gui;
using vigil::test::HttpAnswer;
using vigil::test::TinyHttpServer;

namespace {

// A 256x256 PNG tile of one colour, generated rather than stored.
std::string pngTile(cv::Scalar bgr) {
    cv::Mat tile(256, 256, CV_8UC3, bgr);
    std::vector<std::uint8_t> png;
    cv::imencode(".png", tile, png);
    return {png.begin(), png.end()};
}

// Counts TileStore's on_change calls so a test can await the fetch thread.
struct ChangeSignal {
    std::mutex mutex;
    std::condition_variable changed;
    int count = 0;
    std::function<void()> callback() {
        return [this] {
            std::lock_guard lock(mutex);
            ++count;
            changed.notify_all();
        };
    }
    bool awaitCount(int wanted) {
        std::unique_lock lock(mutex);
        return changed.wait_for(lock, std::chrono::seconds(20), [&] { return count >= wanted; });
    }
};

}  // namespace

TEST_CASE("a tile is fetched over HTTP from the URL template, decoded and cached on disk") {
    vigil::test::TempDir dir("tiles");
    TinyHttpServer server([](const std::string& path) {
        if (path == "/tiles/3/4/2.png") return HttpAnswer{200, "image/png", pngTile({30, 160, 90})};
        return HttpAnswer{404, "text/plain", "no"};
    });
    TileStoreOptions options;
    options.url_template = server.baseUrl() + "/tiles/{z}/{x}/{y}.png";
    options.cache_dir = dir.path / "tiles";
    options.fetch = false;  // fetchNow only: no background thread needed here
    TileStore store(options);

    CHECK(store.urlFor({3, 4, 2}) == server.baseUrl() + "/tiles/3/4/2.png");
    std::string error;
    const cv::Mat tile = store.fetchNow({3, 4, 2}, error);
    REQUIRE_MESSAGE(!tile.empty(), error);
    CHECK(tile.cols == 256);
    CHECK(tile.at<cv::Vec3b>(100, 100) == cv::Vec3b(30, 160, 90));
    CHECK(std::filesystem::exists(dir.path / "tiles/3/4/2.png"));

    // A second store on the same cache answers from disk, without the server.
    TileStore offline(options);
    const TileResult cached = offline.tile({3, 4, 2});
    CHECK(cached.state == TileState::Ready);
    CHECK(cached.image.at<cv::Vec3b>(10, 10) == cv::Vec3b(30, 160, 90));
    CHECK(server.requests() == 1);
}

TEST_CASE("the background thread fetches a requested tile and reports it ready") {
    vigil::test::TempDir dir("tiles");
    TinyHttpServer server([](const std::string&) {
        return HttpAnswer{200, "image/png", pngTile({200, 40, 40})};
    });
    ChangeSignal signal;
    TileStoreOptions options;
    options.url_template = server.baseUrl() + "/{z}/{x}/{y}.png";
    options.cache_dir = dir.path;
    options.on_change = signal.callback();
    TileStore store(options);

    CHECK(store.tile({5, 17, 11}).state == TileState::Loading);
    REQUIRE(signal.awaitCount(1));
    const TileResult ready = store.tile({5, 17, 11});
    CHECK(ready.state == TileState::Ready);
    CHECK(ready.image.at<cv::Vec3b>(0, 0) == cv::Vec3b(200, 40, 40));
    CHECK(server.requests() == 1);
}

TEST_CASE("a tile the server refuses is marked failed and not asked for again before retry") {
    vigil::test::TempDir dir("tiles");
    TinyHttpServer server([](const std::string&) { return HttpAnswer{503, "text/plain", "busy"}; });
    ChangeSignal signal;
    TileStoreOptions options;
    options.url_template = server.baseUrl() + "/{z}/{x}/{y}.png";
    options.cache_dir = dir.path;
    options.retry_after = std::chrono::hours(1);
    options.on_change = signal.callback();
    TileStore store(options);

    CHECK(store.tile({2, 1, 1}).state == TileState::Loading);
    REQUIRE(signal.awaitCount(1));
    CHECK(store.tile({2, 1, 1}).state == TileState::Failed);
    CHECK(store.tile({2, 1, 1}).state == TileState::Failed);
    CHECK(server.requests() == 1);
    CHECK(store.lastError().find("HTTP 503") != std::string::npos);
    CHECK(store.failedCount() == 1);
    CHECK_FALSE(std::filesystem::exists(dir.path / "2/1/1.png"));
}

TEST_CASE("an answer that is not an image is refused and never cached") {
    vigil::test::TempDir dir("tiles");
    TinyHttpServer server([](const std::string&) {
        return HttpAnswer{200, "text/html", "<html>captive portal</html>"};
    });
    TileStoreOptions options;
    options.url_template = server.baseUrl() + "/{z}/{x}/{y}.png";
    options.cache_dir = dir.path;
    options.fetch = false;
    TileStore store(options);
    std::string error;
    CHECK(store.fetchNow({1, 0, 0}, error).empty());
    CHECK(error.find("not an image") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(dir.path / "1/0/0.png"));
}

TEST_CASE("an unreachable tile server gives an error instead of a tile, promptly") {
    int closed_port = 0;
    {
        TinyHttpServer gone([](const std::string&) { return HttpAnswer{}; });
        closed_port = gone.port();
    }
    TileStoreOptions options;
    options.url_template = "http://127.0.0.1:" + std::to_string(closed_port) + "/{z}/{x}/{y}.png";
    options.timeout = std::chrono::milliseconds(3000);
    options.fetch = false;
    TileStore store(options);
    std::string error;
    const auto started = std::chrono::steady_clock::now();
    CHECK(store.fetchNow({1, 1, 1}, error).empty());
    CHECK_FALSE(error.empty());
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(4));
}

TEST_CASE("tile coordinates outside the world are refused without a request") {
    TinyHttpServer server([](const std::string&) { return HttpAnswer{}; });
    TileStoreOptions options;
    options.url_template = server.baseUrl() + "/{z}/{x}/{y}.png";
    TileStore store(options);
    CHECK(store.tile({2, 4, 0}).state == TileState::Failed);
    CHECK(store.tile({2, 0, -1}).state == TileState::Failed);
    CHECK(store.tile({20, 0, 0}).state == TileState::Failed);
    std::string error;
    CHECK(store.fetchNow({-1, 0, 0}, error).empty());
    CHECK(server.requests() == 0);
}

TEST_CASE("with fetching off a tile missing from the cache fails at once") {
    TileStoreOptions options;
    options.fetch = false;
    TileStore store(options);
    CHECK(store.tile({3, 1, 1}).state == TileState::Failed);
}
