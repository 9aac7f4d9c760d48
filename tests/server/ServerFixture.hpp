#pragma once
// A real vigil-server in the test process: its own temporary data folder,
// certificates from tools/gen-certs, port 0 on loopback, a clock the test can
// move, and a CAPTCHA text source whose answer the test knows (the shipped
// binary draws its text from OpenSSL's DRBG). Clients are WireClients over
// real TLS.

#include "server/core/HqServer.hpp"
#include "server/core/HqService.hpp"
#include "support/TestCerts.hpp"

#include "WireClient.hpp"
#include "protocol/TlsContext.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <doctest/doctest.h>

#include <atomic>
#include <fstream>
#include <iterator>
#include <memory>
#include <thread>

namespace vigil::test {

using namespace std::chrono_literals;
namespace p = vigil::protocol;
namespace srv = vigil::server;

inline constexpr const char* kCaptchaAnswer = "K7MN3P";

// Every challenge gets the same known answer.
class KnownCaptchaText : public srv::CaptchaTextSource {
public:
    std::string next() override { return kCaptchaAnswer; }
};

// Lets several services share one (expensive) enroller.
class SharedEnroller : public srv::FaceEnroller {
public:
    explicit SharedEnroller(std::shared_ptr<srv::FaceEnroller> inner) : inner_(std::move(inner)) {}
    srv::EnrolmentVerdict enrol(std::span<const std::uint8_t> image) override { return inner_->enrol(image); }
    std::string modelFingerprint() const override { return inner_->modelFingerprint(); }

private:
    std::shared_ptr<srv::FaceEnroller> inner_;
};

inline p::Bytes readFile(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    REQUIRE_MESSAGE(in.good(), "cannot read " << file);
    return p::Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline const srv::Actor kAdmin{"test-admin", p::Role::Admin, "test"};

struct TestServer {
    TempDir dir{"server"};
    TestCerts certs = makeTestCerts(dir.path / "certs");
    srv::ServerConfig config;
    std::shared_ptr<std::atomic<std::int64_t>> offsetMs = std::make_shared<std::atomic<std::int64_t>>(0);
    std::shared_ptr<srv::FaceEnroller> enroller;  // null: model not installed
    std::unique_ptr<srv::HqService> service;
    std::unique_ptr<srv::HqServer> server;

    boost::asio::io_context clientIo;
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work =
        boost::asio::make_work_guard(clientIo);
    boost::asio::ssl::context clientTls = p::makeClientTlsContext(certs.ca());
    std::thread clientThread{[this] { clientIo.run(); }};

    explicit TestServer(std::shared_ptr<srv::FaceEnroller> faceEnroller = nullptr) : enroller(std::move(faceEnroller)) {
        config.data_dir = dir.path / "data";
        config.listen_address = "127.0.0.1";
        config.port = 0;
        config.certificate = certs.cert();
        config.private_key = certs.key();
        config.scrypt_log2n = 10;  // the format records it; production uses 17
        config.watch_interval_ms = 50;
        config.handshake_timeout_ms = 5000;
    }

    ~TestServer() {
        stop();
        work.reset();
        clientIo.stop();
        clientThread.join();
    }

    void advanceClock(std::chrono::milliseconds by) { *offsetMs += by.count(); }

    void start() {
        srv::HqDependencies deps;
        deps.captcha_text = std::make_unique<KnownCaptchaText>();
        if (enroller) deps.enroller = std::make_unique<SharedEnroller>(enroller);
        deps.clock = [offset = offsetMs] { return srv::systemNowMs() + offset->load(); };
        service = std::make_unique<srv::HqService>(config, std::move(deps));
        service->startWatching();
        server = std::make_unique<srv::HqServer>(*service, config);
    }

    void stop() {
        server.reset();
        service.reset();
    }

    std::uint16_t port() const { return server->port(); }

    std::shared_ptr<wire::WireClient> connect(bool sayHello = true) {
        auto client = wire::WireClient::create(clientIo, clientTls);
        const auto error = client->connect("127.0.0.1", port(), "localhost");
        REQUIRE_MESSAGE(!error, *error);
        if (sayHello) REQUIRE(client->hello());
        return client;
    }

    void addUser(const std::string& name, const std::string& password, p::Role role) {
        const auto r = service->addUser(kAdmin, name, password, role);
        REQUIRE_MESSAGE(r.ok(), r.error().text);
    }

    p::CaptchaChallenge captcha(wire::WireClient& c, p::CaptchaPurpose purpose = p::CaptchaPurpose::Login) {
        auto reply = c.call(p::CaptchaRequest{purpose});
        REQUIRE(reply);
        REQUIRE(std::holds_alternative<p::CaptchaChallenge>(*reply));
        return std::get<p::CaptchaChallenge>(*reply);
    }

    // Login answer (LoginResponse or Error).
    p::Message tryLogin(wire::WireClient& c, const std::string& user, const std::string& password) {
        const auto challenge = captcha(c);
        auto reply = c.call(p::LoginRequest{user, password, challenge.challenge_id, kCaptchaAnswer, ""});
        REQUIRE(reply);
        return *reply;
    }

    std::shared_ptr<wire::WireClient> loggedIn(const std::string& user, const std::string& password) {
        auto c = connect();
        const auto reply = tryLogin(*c, user, password);
        REQUIRE_MESSAGE(std::holds_alternative<p::LoginResponse>(reply),
                        (std::holds_alternative<p::Error>(reply) ? std::get<p::Error>(reply).text : "not a login"));
        return c;
    }

    // A wanted person stored directly (for tests about the network, not enrolment).
    std::uint64_t seedPerson(const std::string& name, p::DangerLevel danger = p::DangerLevel::High) {
        p::PersonDetails details;
        details.name = name;
        details.danger = danger;
        srv::EnrolledPhoto photo;
        photo.image = {0xFF, 0xD8, 0xFF};
        photo.descriptor.fill(0.1f);
        photo.model_fingerprint = service->modelFingerprint();
        return service->watchlist().addPerson(details, {photo}, {}, "test", 0).first;
    }
};

inline const p::Error* asError(const std::optional<p::Message>& m) {
    return m ? std::get_if<p::Error>(&*m) : nullptr;
}

inline p::SightingReport sightingOf(std::uint64_t personId, const std::string& reportId) {
    p::SightingReport r;
    r.report_id = reportId;
    r.person_id = personId;
    r.distance = 0.42f;
    r.observed_at_ms = 1'700'000'000'000;
    r.location.place = "Gate 3";
    r.location.has_coordinates = true;
    r.location.latitude = 52.5;
    r.location.longitude = 13.4;
    r.snapshot_jpeg = {0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3};
    return r;
}

}  // namespace vigil::test
