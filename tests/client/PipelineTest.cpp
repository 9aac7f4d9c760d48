// The station's pipeline on real video with the real models: the Hamilton
// clip from ../shared, and a video generated from photos, end to end over
// TLS to a loopback HQ.
#include "LocalHttpServer.hpp"
#include "SceneVideo.hpp"
#include "LoopbackHq.hpp"
#include "client/core/Pipeline.hpp"
#include "client/core/StationCore.hpp"

#include "vigil/recognition/FaceEngine.hpp"

#include <doctest/doctest.h>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include <cmath>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

using namespace vigil;
using namespace vigil::client;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

const fs::path kShared = VIGIL_SHARED_DIR;
const fs::path kFaces = kShared / "faces" / "dev";

bool haveShared() {
    if (fs::exists(kFaces) && fs::exists(kShared / "video" / "short_hamilton_clip.mp4")) return true;
    MESSAGE("skipped: " << kShared.string() << " (shared photos and video) is not present");
    return false;
}

recognition::FaceEngine& engine() {
    static recognition::FaceEngine instance;
    return instance;
}

protocol::WantedPerson enrol(std::uint64_t id, const std::string& name, const fs::path& photo) {
    const cv::Mat image = cv::imread(photo.string());
    REQUIRE_MESSAGE(!image.empty(), photo.string());
    const auto enrolled = engine().enrol(image);
    REQUIRE_MESSAGE(enrolled.descriptor.has_value(), "cannot enrol " << photo.string());
    protocol::WantedPerson person;
    person.id = id;
    person.details.name = name;
    person.details.danger = protocol::DangerLevel::High;
    person.faces.push_back(protocol::FaceTemplate{id, *enrolled.descriptor, 1.0f});
    return person;
}

// A 640x480 video: each photo, scaled to fill most of the frame height,
// shown for `seconds`, on a plain background.

std::vector<std::int16_t> wavSamples(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    const std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::vector<std::int16_t> samples;
    for (std::size_t i = 44; i + 1 < bytes.size(); i += 2)
        samples.push_back(static_cast<std::int16_t>(static_cast<unsigned char>(bytes[i]) |
                                                    (static_cast<unsigned char>(bytes[i + 1]) << 8)));
    return samples;
}

}  // namespace

TEST_CASE("on the Hamilton clip, with Lin-Manuel Miranda enrolled, the station alerts for him and no one else") {
    if (!haveShared()) return;
    auto persons = std::make_shared<std::map<std::uint64_t, protocol::WantedPerson>>();
    (*persons)[1] = enrol(1, "Lin-Manuel Miranda", kFaces / "lin_manuel_miranda" / "lin1.png");
    // Look-alike-free decoys on the same list: none of them is in the clip.
    (*persons)[2] = enrol(2, "Barack Obama", kFaces / "obama" / "obama1.jpg");
    (*persons)[3] = enrol(3, "Joe Biden", kFaces / "biden" / "biden1.jpg");
    (*persons)[4] = enrol(4, "Kit Harington", kFaces / "kit_harington" / "kit1.jpg");
    (*persons)[5] = enrol(5, "Rose Leslie", kFaces / "rose_leslie" / "rose1.jpg");

    PipelineOptions options;
    options.source = (kShared / "video" / "short_hamilton_clip.mp4").string();
    options.realtime = false;  // every frame, whatever the machine's load
    std::mutex mutex;
    std::vector<PipelineAlert> alerts;
    Pipeline pipeline(options, [&](PipelineAlert a) {
        std::lock_guard lock(mutex);
        alerts.push_back(std::move(a));
    });
    REQUIRE(pipeline.setWatchlist(persons, engine().modelFingerprint()));
    pipeline.start();
    REQUIRE(pipeline.waitFinished(600s));
    pipeline.stop();
    const auto stats = pipeline.stats();
    CHECK(stats.error.empty());
    CHECK(stats.framesDropped == 0);
    CHECK(stats.facesDescribed > 3);
    CHECK(stats.facesDescribed < stats.framesProcessed);  // tracked, not described every frame
    std::lock_guard lock(mutex);
    REQUIRE(alerts.size() == 1);  // one alert: the cooldown holds back the rest
    CHECK(alerts[0].person.details.name == "Lin-Manuel Miranda");
    CHECK(alerts[0].decision.bestDistance < 0.6f);
    CHECK(alerts[0].snapshotJpeg.size() > 1000);
}

TEST_CASE("a watchlist from another model is refused by the pipeline and matches nobody") {
    if (!haveShared()) return;
    auto persons = std::make_shared<std::map<std::uint64_t, protocol::WantedPerson>>();
    (*persons)[1] = enrol(1, "Lin-Manuel Miranda", kFaces / "lin_manuel_miranda" / "lin1.png");
    PipelineOptions options;
    Pipeline pipeline(options, {});
    CHECK_FALSE(pipeline.setWatchlist(persons, std::string(64, '0')));
    CHECK(pipeline.stats().watchlistFaces == 0);
}

TEST_CASE("end to end over TLS: one alert for the enrolled person, none for others; HQ stores it with snapshot and location; the alert is spoken") {
    if (!haveShared()) return;
    test::TempDir dir("station-e2e");
    const auto certs = test::makeTestCerts(dir.path / "certs");
    test::LoopbackHq hq(certs);
    protocol::WatchlistDelta list;
    list.to_version = 1;
    list.full = true;
    list.model_fingerprint = engine().modelFingerprint();
    list.upserts.push_back(enrol(7, "Barack Obama", kFaces / "obama" / "obama1.jpg"));
    hq.setWatchlist(list);
    hq.start();
    test::LocalHttpServer nominatim([](const std::string&) {
        return test::HttpReply{200, R"([{"lat":"51.5080","lon":"-0.1281","display_name":"Trafalgar Square, London"}])"};
    });

    // Others, the enrolled person, others, the enrolled person again (within the cooldown).
    const fs::path video = dir.path / "scene.avi";
    test::writeSceneVideo(video,
               {{kFaces / "kit_harington" / "kit1.jpg", 1.5},
                {kFaces / "obama" / "obama2.jpg", 2.0},
                {kFaces / "rose_leslie" / "rose1.jpg", 1.5},
                {kFaces / "biden" / "biden1.jpg", 1.5},
                {kFaces / "obama" / "obama3.jpg", 2.0},
                {{}, 0.5}},
               15.0);

    StationConfig config;
    config.serverHost = "127.0.0.1";
    config.serverPort = hq.port();
    config.caFile = certs.ca();
    config.dataDir = dir.path / "data";
    config.keyFile = dir.path / "config" / "station.key";
    config.source = video.string();
    config.realtime = false;
    config.address = "Trafalgar Square";
    config.nominatimUrl = nominatim.baseUrl();
    config.speech = "wav";
    config.wavDir = dir.path / "spoken";
    StationCore core(config);
    std::atomic<int> shownAlerts{0};
    core.onAlert([&](const StationAlert&) { ++shownAlerts; });
    core.startLink();
    REQUIRE(core.waitLink([](const LinkStatus& s) { return s.state == LinkState::Connected; }, 10s));
    const auto challenge = core.requestCaptcha(protocol::CaptchaPurpose::Login).get();
    REQUIRE(std::holds_alternative<protocol::CaptchaChallenge>(challenge));
    const auto login = core.login("station-1", test::LoopbackHq::kPassword,
                                  std::get<protocol::CaptchaChallenge>(challenge).challenge_id,
                                  test::LoopbackHq::kCaptchaAnswer).get();
    REQUIRE(std::holds_alternative<protocol::LoginResponse>(login));
    REQUIRE(core.waitWatchlist(10s));
    REQUIRE(core.waitLocation(10s));
    core.startPipeline();
    REQUIRE(core.waitPipelineFinished(600s));
    REQUIRE(core.waitSightingsDelivered(20s));
    REQUIRE(core.waitSpeechIdle(60s));
    const auto snapshot = core.snapshot();
    core.stop();

    CHECK(snapshot.pipeline.error.empty());
    REQUIRE(snapshot.alerts.size() == 1);
    CHECK(shownAlerts == 1);
    CHECK(snapshot.alerts[0].name == "Barack Obama");
    CHECK(snapshot.alerts[0].delivered);
    CHECK(snapshot.sightingsPending == 0);

    const auto stored = hq.storedReports();
    REQUIRE(stored.size() == 1);
    CHECK(stored[0].person_id == 7);
    REQUIRE(stored[0].snapshot_jpeg.size() > 1000);
    CHECK(stored[0].snapshot_jpeg[0] == 0xff);
    CHECK(stored[0].snapshot_jpeg[1] == 0xd8);  // a JPEG
    CHECK(stored[0].location.place == "Trafalgar Square");
    CHECK(stored[0].location.has_coordinates);
    CHECK(stored[0].location.latitude == doctest::Approx(51.508));
    CHECK(stored[0].distance < 0.6f);

    const auto wavs = core.spokenWavFiles();
    REQUIRE(wavs.size() == 1);
    const auto samples = wavSamples(wavs[0]);
    const double seconds = static_cast<double>(samples.size()) / 22050.0;
    double sum = 0;
    for (auto s : samples) sum += static_cast<double>(s) * s;
    CHECK(seconds > 2.0);
    CHECK(seconds < 15.0);
    CHECK(std::sqrt(sum / static_cast<double>(samples.size())) > 500.0);
}

TEST_CASE("settings changed while the station runs: a refused one changes nothing; a new source, threshold and speech apply without a restart and are saved") {
    if (!haveShared()) return;
    test::TempDir dir("station-settings");
    const fs::path empty = dir.path / "empty.avi";
    const fs::path withObama = dir.path / "obama.avi";
    test::writeSceneVideo(empty, {{kFaces / "kit_harington" / "kit1.jpg", 1.0}}, 15.0);
    test::writeSceneVideo(withObama, {{kFaces / "obama" / "obama2.jpg", 1.5}, {{}, 0.3}}, 15.0);
    const fs::path configFile = dir.path / "station.conf";
    std::ofstream(configFile) << "# the north gate\naddress = North gate\nsource = " << empty.string() << "\n";

    StationConfig config;
    config.configFile = configFile;
    config.dataDir = dir.path / "data";
    config.keyFile = dir.path / "config" / "station.key";
    config.source = empty.string();
    config.realtime = false;
    config.nominatimUrl = "off";
    config.speech = "wav";
    config.wavDir = dir.path / "spoken";
    config.enrolLocal = {"Barack Obama=" + (kFaces / "obama" / "obama1.jpg").string()};
    StationCore core(config);
    core.startPipeline();
    REQUIRE(core.waitPipelineFinished(120s));
    CHECK(core.snapshot().alerts.empty());  // nobody on the list in the first video

    // A refusal names the field and changes nothing, not even the file.
    auto wanted = core.settings();
    wanted.source = (dir.path / "no-such-clip.mp4").string();
    wanted.matchThreshold = 0.5f;
    const auto refused = core.applySettings(wanted);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.refusal->field == "source");
    CHECK(refused.refusal->sentence.find("There is no video file at") == 0);
    CHECK(core.settings().matchThreshold == doctest::Approx(0.6));
    {
        std::ifstream in(configFile);
        const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        CHECK(text.find("threshold") == std::string::npos);
    }

    // Accepted: the video stages restart on the new source (models kept),
    // the new threshold matches, speech is off so nothing is spoken.
    wanted.source = withObama.string();
    wanted.speech = false;
    const auto applied = core.applySettings(wanted);
    REQUIRE_MESSAGE(applied.ok(), (applied.refusal ? applied.refusal->sentence : ""));
    CHECK(applied.saveError.empty());
    CHECK_FALSE(applied.restartNeeded);
    REQUIRE(core.waitPipelineFinished(120s));
    REQUIRE(core.waitSpeechIdle(30s));
    const auto snapshot = core.snapshot();
    REQUIRE(snapshot.alerts.size() == 1);
    CHECK(snapshot.alerts[0].name == "Barack Obama");
    CHECK(snapshot.alerts[0].distance <= 0.5f);
    CHECK(core.spokenWavFiles().empty());
    CHECK(core.settings() == wanted);

    // Saved for the next start, the officer's other lines kept.
    const char* args[] = {"vigil-client", "--config", configFile.c_str()};
    std::ostringstream help;
    const auto reread = parseStationConfig(3, args, help);
    REQUIRE(reread.error.empty());
    CHECK(reread.config.source == withObama.string());
    CHECK(reread.config.matchThreshold == doctest::Approx(0.5));
    CHECK(reread.config.speech == "off");
    CHECK(reread.config.address == "North gate");

    // A new HQ address is saved but waits for the next start.
    wanted.serverAddress = "hq.example.org:9443";
    const auto moved = core.applySettings(wanted);
    REQUIRE(moved.ok());
    CHECK(moved.restartNeeded);
    core.stop();
}
