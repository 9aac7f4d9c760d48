// The station against the real HQ service (server/core) over real TLS on
// loopback: watchlist from HQ, one alert end to end with snapshot and
// location stored on the server, and sightings that survive HQ being killed
// and restarted.
#include "LocalHttpServer.hpp"
#include "SceneVideo.hpp"
#include "support/TestCerts.hpp"
#include "client/core/AtRestKey.hpp"
#include "client/core/ServerLink.hpp"
#include "client/core/WatchlistCache.hpp"
#include "client/core/SightingSender.hpp"
#include "client/core/StationCore.hpp"
#include "server/core/HqServer.hpp"
#include "server/core/HqService.hpp"

#include "vigil/recognition/FaceEngine.hpp"

#include <doctest/doctest.h>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <iterator>
#include <mutex>
#include <set>

using namespace vigil;
using namespace vigil::client;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

const fs::path kFaces = fs::path(VIGIL_SHARED_DIR) / "faces" / "dev";

bool haveShared() {
    if (fs::exists(kFaces)) return true;
    MESSAGE("skipped: " << kFaces.string() << " (shared photos) is not present");
    return false;
}

// The server's enroller on the station's own recognition engine, so both
// sides compute descriptors with the same model.
class EngineEnroller : public server::FaceEnroller {
public:
    server::EnrolmentVerdict enrol(std::span<const std::uint8_t> bytes) override {
        std::lock_guard lock(mutex_);
        const cv::Mat image = cv::imdecode(std::vector<std::uint8_t>(bytes.begin(), bytes.end()), cv::IMREAD_COLOR);
        if (image.empty()) return {false, "not an image", {}, 0};
        const auto enrolled = engine_.enrol(image);
        if (!enrolled.descriptor) return {false, std::string(recognition::explain(enrolled.quality.verdict)), {}, 0};
        return {true, {}, *enrolled.descriptor, 1.0f};
    }
    std::string modelFingerprint() const override { return engine_.modelFingerprint(); }

private:
    std::mutex mutex_;
    recognition::FaceEngine engine_;
};

std::vector<std::uint8_t> fileBytes(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

const server::Actor kAdmin{"test-admin", protocol::Role::Admin, "test"};

struct Hq {
    test::TempDir dir{"real-hq"};
    test::TestCerts certs = test::makeTestCerts(dir.path / "certs");
    server::ServerConfig config;
    std::unique_ptr<server::HqService> service;
    std::unique_ptr<server::HqServer> server;
    std::string stationToken;

    Hq() {
        config.data_dir = dir.path / "hq";
        config.listen_address = "127.0.0.1";
        config.port = 0;
        config.certificate = certs.cert();
        config.private_key = certs.key();
        config.scrypt_log2n = 12;  // tests: fast hashing
        start();
        REQUIRE(service->bootstrapAdmin("admin", "correct horse battery staple 42"));
        REQUIRE(service->addUser(kAdmin, "station-1", "a station passphrase for tests 1", protocol::Role::Station));
        auto token = service->issueSessionToken(kAdmin, "station-1");
        REQUIRE(token);
        stationToken = token->token;
    }
    void start() {
        server::HqDependencies deps;
        deps.enroller = std::make_unique<EngineEnroller>();
        service = std::make_unique<server::HqService>(config, std::move(deps));
        server = std::make_unique<server::HqServer>(*service, config);
        config.port = server->port();  // a restart comes back on the same port
    }
    // Closes the in-process HQ (no connection may be open: see the SIGKILL test).
    void kill() {
        server.reset();
        service.reset();
    }
    std::uint64_t enrol(const std::string& name, const fs::path& photo) {
        protocol::PersonDetails details;
        details.name = name;
        details.danger = protocol::DangerLevel::High;
        auto added = service->addPerson(kAdmin, details, {fileBytes(photo)});
        REQUIRE_MESSAGE(added, "cannot enrol " << photo.string());
        return added->person_id;
    }
};


}  // namespace

TEST_CASE("against the real HQ: one alert for the enrolled person, none for others, stored with snapshot and location") {
    if (!haveShared()) return;
    Hq hq;
    const auto wanted = hq.enrol("Barack Obama", kFaces / "obama" / "obama1.jpg");
    test::LocalHttpServer nominatim([](const std::string&) {
        return test::HttpReply{200, R"({"lat":"52.5163","lon":"13.3777","display_name":"Pariser Platz, Berlin"})"};
    });

    const fs::path video = hq.dir.path / "scene.avi";
    test::writeSceneVideo(video,
               {{kFaces / "kit_harington" / "kit2.jpg", 1.5},
                {kFaces / "obama" / "obama2.jpg", 2.0},
                {kFaces / "rose_leslie" / "rose2.jpg", 1.5},
                {kFaces / "obama" / "obama4.jpg", 2.0},
                {kFaces / "biden" / "biden2.jpg", 1.5}},
               15.0);

    const fs::path tokenFile = hq.dir.path / "station" / "session.token";
    fs::create_directories(tokenFile.parent_path());
    std::ofstream(tokenFile) << hq.stationToken;
    fs::permissions(tokenFile, fs::perms::owner_read | fs::perms::owner_write);

    StationConfig config;
    config.serverHost = "127.0.0.1";
    config.serverPort = hq.config.port;
    config.caFile = hq.certs.ca();
    config.sessionTokenFile = tokenFile;
    config.dataDir = hq.dir.path / "station" / "data";
    config.keyFile = hq.dir.path / "station" / "config" / "station.key";
    config.source = video.string();
    config.realtime = false;
    config.latitude = 52.5163;
    config.longitude = 13.3777;
    config.nominatimUrl = nominatim.baseUrl();
    config.speech = "wav";
    config.wavDir = hq.dir.path / "station" / "spoken";
    StationCore core(config);
    core.startLink();
    REQUIRE(core.waitLink([](const LinkStatus& s) { return s.state == LinkState::LoggedIn; }, 20s));
    REQUIRE(core.waitWatchlist(20s));
    REQUIRE(core.waitLocation(10s));
    core.startPipeline();
    REQUIRE(core.waitPipelineFinished(600s));
    REQUIRE(core.waitSightingsDelivered(30s));
    REQUIRE(core.waitSpeechIdle(60s));
    const auto snapshot = core.snapshot();
    core.stop();

    REQUIRE(snapshot.alerts.size() == 1);
    CHECK(snapshot.alerts[0].personId == wanted);
    CHECK(snapshot.alerts[0].delivered);
    CHECK(core.spokenWavFiles().size() == 1);

    auto sightings = hq.service->listSightings(kAdmin, 0, 100);
    REQUIRE(sightings);
    REQUIRE(sightings->size() == 1);
    const auto& s = sightings->front();
    CHECK(s.person_id == wanted);
    CHECK(s.person_name == "Barack Obama");
    CHECK(s.station == "station-1");
    CHECK(s.location.has_coordinates);
    CHECK(s.location.latitude == doctest::Approx(52.5163));
    CHECK(s.location.place == "Pariser Platz, Berlin");  // reverse-geocoded
    REQUIRE(s.snapshot_jpeg.size() > 1000);
    CHECK(s.snapshot_jpeg[0] == 0xff);
    CHECK(s.snapshot_jpeg[1] == 0xd8);
}

TEST_CASE("against the real HQ: a removed person is pushed to the station and dropped from its cache on disk") {
    if (!haveShared()) return;
    Hq hq;
    const auto removed = hq.enrol("Barack Obama", kFaces / "obama" / "obama1.jpg");
    const auto kept = hq.enrol("Joe Biden", kFaces / "biden" / "biden1.jpg");

    const fs::path tokenFile = hq.dir.path / "station" / "session.token";
    fs::create_directories(tokenFile.parent_path());
    std::ofstream(tokenFile) << hq.stationToken;
    fs::permissions(tokenFile, fs::perms::owner_read | fs::perms::owner_write);
    StationConfig config;
    config.serverHost = "127.0.0.1";
    config.serverPort = hq.config.port;
    config.caFile = hq.certs.ca();
    config.sessionTokenFile = tokenFile;
    config.dataDir = hq.dir.path / "station" / "data";
    config.keyFile = hq.dir.path / "station" / "config" / "station.key";
    config.speech = "off";
    const fs::path cacheFile = config.dataDir / "watchlist.sealed";
    // The cache as a restarted station (or a thief with the station key) reads it.
    auto cachedIds = [&] {
        WatchlistCache cache(cacheFile, loadOrCreateAtRestKey(config.keyFile), hq.service->modelFingerprint());
        REQUIRE(cache.load().empty());
        std::set<std::uint64_t> ids;
        for (const auto& [id, person] : *cache.persons()) ids.insert(id);
        return ids;
    };

    StationCore core(config);
    core.startLink();
    REQUIRE(core.waitLink([](const LinkStatus& s) { return s.state == LinkState::LoggedIn; }, 20s));
    REQUIRE(core.waitWatchlist(20s));
    CHECK(cachedIds() == std::set<std::uint64_t>{removed, kept});

    REQUIRE(hq.service->removePerson(kAdmin, removed));
    const auto version = hq.service->watchlistVersion();
    // Pushed (WatchlistChanged), pulled (tombstone in the delta), written.
    REQUIRE(core.waitWatchlistVersion(version, 20s));
    CHECK(core.snapshot().watchlistPersons == 1);
    core.stop();
    CHECK(cachedIds() == std::set<std::uint64_t>{kept});
    // Only the sealed cache itself: no stale temporary copy holds the old list.
    for (const auto& entry : fs::directory_iterator(config.dataDir)) {
        const bool staleCopy =
            entry.path().filename().string().find("watchlist") != std::string::npos && entry.path() != cacheFile;
        CHECK_MESSAGE(!staleCopy, entry.path().string());
    }
}

namespace {

// `vigil-server serve` as a separate process, so that "kill" is a real
// SIGKILL: no destructor runs, connections die mid-request.
class ServeProcess {
public:
    ServeProcess(const Hq& hq, std::uint16_t port) {
        int out[2];
        REQUIRE(::pipe(out) == 0);
        pid_ = ::fork();
        REQUIRE(pid_ >= 0);
        if (pid_ == 0) {
            ::dup2(out[1], STDOUT_FILENO);
            ::close(out[0]);
            const std::string portText = std::to_string(port);
            ::execl(VIGIL_SERVER_BINARY, VIGIL_SERVER_BINARY, "serve", "--headless", "--data-dir",
                    hq.config.data_dir.c_str(), "--address", "127.0.0.1", "--port", portText.c_str(), "--cert",
                    hq.certs.cert().c_str(), "--key", hq.certs.key().c_str(), static_cast<char*>(nullptr));
            ::_exit(127);
        }
        ::close(out[1]);
        // Blocks until the server says it listens (or exits): its own signal, no sleep.
        std::string text;
        char buffer[256];
        while (text.find("listening on") == std::string::npos) {
            const ssize_t n = ::read(out[0], buffer, sizeof buffer);
            if (n <= 0) break;
            text.append(buffer, static_cast<std::size_t>(n));
        }
        output_ = out[0];
        REQUIRE_MESSAGE(text.find("listening on") != std::string::npos, "vigil-server did not start: " << text);
    }
    ~ServeProcess() { stop(SIGTERM); }
    void stop(int signal) {
        if (pid_ <= 0) return;
        ::kill(pid_, signal);
        int status = 0;
        ::waitpid(pid_, &status, 0);
        ::close(output_);
        pid_ = -1;
    }

private:
    pid_t pid_ = -1;
    int output_ = -1;
};

}  // namespace

TEST_CASE("against the real HQ process: SIGKILL it while the station reports, restart it, every sighting arrives exactly once") {
    if (!haveShared()) return;
    Hq hq;
    const auto wanted = hq.enrol("Barack Obama", kFaces / "obama" / "obama1.jpg");
    hq.kill();  // from here on HQ is the vigil-server process
    const std::uint16_t port = hq.config.port;

    const fs::path stationDir = hq.dir.path / "station";
    SightingQueue queue(stationDir / "sightings.db", crypto::randomKey());
    ServerLinkOptions options;
    options.host = "127.0.0.1";
    options.port = port;
    options.caFile = hq.certs.ca();
    options.backoffMin = 50ms;
    options.backoffMax = 500ms;
    ServerLink link(options);
    link.setSessionToken(hq.stationToken);
    SightingSender sender(queue, &link);
    link.onLoggedIn([&] { sender.flush(); });

    std::vector<std::string> made;
    auto sight = [&] {
        protocol::SightingReport r;
        r.report_id = SightingQueue::newReportId();
        r.person_id = wanted;
        r.distance = 0.41f;
        r.observed_at_ms = 1'700'000'000'000 + static_cast<std::int64_t>(made.size());
        r.location.place = "Gate 7";
        made.push_back(r.report_id);
        sender.submit(r);
    };
    {
        auto server = std::make_unique<ServeProcess>(hq, port);
        link.start();
        REQUIRE(link.waitUntil([](const LinkStatus& s) { return s.state == LinkState::LoggedIn; }, 20s));
        for (int i = 0; i < 4; ++i) sight();
        REQUIRE(sender.waitAllDelivered(20s));
        for (int i = 0; i < 3; ++i) sight();  // in flight when HQ dies
        server->stop(SIGKILL);
        REQUIRE(link.waitUntil([](const LinkStatus& s) { return s.state == LinkState::Offline; }, 20s));
        for (int i = 0; i < 4; ++i) sight();  // made while HQ is down
        CHECK(queue.size() >= 4);
        server = std::make_unique<ServeProcess>(hq, port);
        REQUIRE(link.waitUntil([](const LinkStatus& s) { return s.state == LinkState::LoggedIn; }, 20s));
        REQUIRE(sender.waitAllDelivered(30s));
        link.stop();
    }  // the server process ends (SIGTERM)

    hq.start();
    auto sightings = hq.service->listSightings(kAdmin, 0, 1000);
    REQUIRE(sightings);
    std::multiset<std::string> stored;
    for (const auto& s : *sightings) stored.insert(s.report_id);
    CHECK(stored.size() == made.size());
    for (const auto& id : made) CHECK_MESSAGE(stored.count(id) == 1, id);
    CHECK(queue.size() == 0);
}
