// Abuse over real sockets against the real HQ server (HqService + HqServer on
// loopback TLS, each test with its own data folder and certificates). Loopback
// is a whole /8, so "many addresses" are 127.0.x.y source addresses.
// CI-sized counts (the full sizes via environment variables):
//   VIGIL_ABUSE_LOGINS       wrong logins            (default 2,000; issue: 10,000)
//   VIGIL_ABUSE_HALF_OPEN    half-open handshakes    (default 150)
//   VIGIL_ABUSE_FLOOD_FRAMES frames in one burst     (default 100,000; issue: 1,000,000)
#include "WireClient.hpp"

#include "server/core/CaptchaService.hpp"
#include "server/core/HqServer.hpp"
#include "server/core/HqService.hpp"
#include "support/TestCerts.hpp"

#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

using namespace vigil;
using namespace vigil::server;
using vigil::test::TempDir;
using vigil::test::WireClient;
using SteadyClock = std::chrono::steady_clock;

namespace {

constexpr const char* kCaptchaText = "ACDEF3";

class KnownCaptchaText : public CaptchaTextSource {
public:
    std::string next() override { return kCaptchaText; }
};

std::size_t fromEnv(const char* name, std::size_t fallback) {
    const char* v = std::getenv(name);
    return v ? static_cast<std::size_t>(std::stoull(v)) : fallback;
}

struct RunningServer {
    TempDir dir{"abuse"};
    vigil::test::TestCerts certs = vigil::test::makeTestCerts(dir.path / "certs");
    ServerConfig config;
    std::unique_ptr<HqService> service;
    std::unique_ptr<HqServer> server;

    explicit RunningServer(const std::function<void(ServerConfig&)>& tune = {}) {
        config.data_dir = dir.path / "hq";
        config.listen_address = "127.0.0.1";
        config.port = 0;
        config.certificate = certs.cert();
        config.private_key = certs.key();
        config.scrypt_log2n = 10;  // the cost of a hash is not what these tests measure
        if (tune) tune(config);
        HqDependencies deps;
        deps.captcha_text = std::make_unique<KnownCaptchaText>();
        service = std::make_unique<HqService>(config, std::move(deps));
        server = std::make_unique<HqServer>(*service, config);
    }
    void addUser(const std::string& name, const std::string& password, protocol::Role role) {
        REQUIRE(service->addUser(Actor{"test-admin", protocol::Role::Admin, "test"}, name, password, role));
    }
    std::unique_ptr<WireClient> connect(const std::string& from = {}) {
        auto c = WireClient::connect("127.0.0.1", server->port(), certs.ca(), from);
        if (c && !c->hello()) return nullptr;
        return c;
    }
};

// One login attempt on an open connection (CAPTCHA included). The reply message.
std::optional<protocol::Message> login(WireClient& client, const std::string& user, const std::string& password) {
    auto challenge = client.call(protocol::CaptchaRequest{protocol::CaptchaPurpose::Login});
    if (!challenge) return std::nullopt;
    const auto* c = std::get_if<protocol::CaptchaChallenge>(&*challenge);
    if (!c) return challenge;  // e.g. Error{RateLimited}
    return client.call(protocol::LoginRequest{user, password, c->challenge_id, kCaptchaText, ""});
}

bool isLoginResponse(const std::optional<protocol::Message>& m) {
    return m && std::holds_alternative<protocol::LoginResponse>(*m);
}

// A plain TCP connection that never starts TLS.
int openSilentSocket(std::uint16_t port, const std::string& from) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in local{};
    local.sin_family = AF_INET;
    ::inet_pton(AF_INET, from.c_str(), &local.sin_addr);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0) return -1;
    sockaddr_in remote{};
    remote.sin_family = AF_INET;
    remote.sin_port = htons(port);
    ::inet_pton(AF_INET, "127.0.0.1", &remote.sin_addr);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&remote), sizeof remote) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

}  // namespace

TEST_CASE("thousands of wrong logins from many addresses and accounts leave every legitimate user able to log in") {
    RunningServer hq;
    const std::size_t attempts = fromEnv("VIGIL_ABUSE_LOGINS", 2000);
    for (int i = 0; i < 3; ++i) hq.addUser("legit-" + std::to_string(i), "legit password number " + std::to_string(i),
                                           protocol::Role::Station);
    for (int i = 0; i < 20; ++i) hq.addUser("victim-" + std::to_string(i), "victim password " + std::to_string(i),
                                            protocol::Role::Station);

    std::atomic<std::size_t> attempted{0};
    std::atomic<bool> attackOver{false};
    std::vector<std::thread> attackers;
    for (int t = 0; t < 4; ++t)
        attackers.emplace_back([&, t] {
            for (int conn = 0; attempted < attempts; ++conn) {
                // 4 threads x 60 addresses: 127.0.1.1 ... 127.0.4.60
                const std::string from = "127.0." + std::to_string(t + 1) + "." + std::to_string(conn % 60 + 1);
                auto client = hq.connect(from);
                if (!client) continue;
                for (int k = 0; k < 10 && attempted < attempts; ++k) {
                    const std::size_t n = attempted++;
                    const std::string user = n % 3 == 0 ? "victim-" + std::to_string(n % 20) : "ghost-" + std::to_string(n % 500);
                    auto reply = login(*client, user, "wrong password " + std::to_string(n));
                    if (!reply) break;  // the server closed this connection: open another
                    REQUIRE_FALSE(isLoginResponse(reply));
                }
            }
        });

    std::size_t legitLogins = 0, legitFailures = 0;
    SteadyClock::duration worst{};
    std::thread legit([&] {
        for (int round = 0; !attackOver || round < 3; ++round) {
            for (int i = 0; i < 3; ++i) {
                const auto start = SteadyClock::now();
                auto client = hq.connect("127.0.9." + std::to_string(i + 1));
                const auto reply = client ? login(*client, "legit-" + std::to_string(i),
                                                  "legit password number " + std::to_string(i))
                                          : std::nullopt;
                worst = std::max(worst, SteadyClock::now() - start);
                ++(isLoginResponse(reply) ? legitLogins : legitFailures);
            }
        }
    });
    for (auto& t : attackers) t.join();
    attackOver = true;
    legit.join();

    const auto worstMs = std::chrono::duration_cast<std::chrono::milliseconds>(worst).count();
    const auto costs = hq.service->loginCosts();
    MESSAGE(attempted.load() << " wrong logins; " << legitLogins << " legitimate logins during the attack, "
                             << legitFailures << " refused; slowest legitimate login " << worstMs << " ms; "
                             << costs.password_hashes << " password hashes, " << costs.refused_before_hashing
                             << " logins refused before hashing, " << costs.captchas_drawn << " CAPTCHAs drawn, "
                             << costs.captchas_refused << " refused undrawn");
    CHECK(attempted.load() >= attempts);

    // A refused attempt is cheap: 50 more guesses at a victim the attack got
    // delayed or locked, from a fresh address, run no scrypt at all.
    auto prober = hq.connect("127.0.8.1");
    REQUIRE(prober);
    for (int i = 0; i < 50; ++i) {
        const auto reply = login(*prober, "victim-0", "another wrong guess " + std::to_string(i));
        REQUIRE(reply);
        const auto* error = std::get_if<protocol::Error>(&*reply);
        REQUIRE(error);
        const bool throttled =
            error->code == protocol::ErrorCode::AccountLocked || error->code == protocol::ErrorCode::RateLimited;
        CHECK(throttled);
    }
    const auto after = hq.service->loginCosts();
    CHECK(after.password_hashes == costs.password_hashes);
    CHECK(after.refused_before_hashing == costs.refused_before_hashing + 50);
    CHECK(legitFailures == 0);
    CHECK(legitLogins >= 9);
    CHECK(worstMs < 5000);
}

TEST_CASE("a flood of half-open TLS handshakes is shed by the handshake timeout while others log in") {
    RunningServer hq([](ServerConfig& c) { c.handshake_timeout_ms = 400; });
    hq.addUser("honest", "a long station password 7", protocol::Role::Station);
    const std::size_t count = fromEnv("VIGIL_ABUSE_HALF_OPEN", 150);
    std::vector<int> sockets;
    for (std::size_t i = 0; i < count; ++i) {
        // 30 per address stays under the per-address connection cap.
        const int fd = openSilentSocket(hq.server->port(), "127.0.5." + std::to_string(i / 30 + 1));
        if (fd >= 0) sockets.push_back(fd);
    }
    REQUIRE(sockets.size() == count);

    // A legitimate station is not held up by the silent crowd.
    auto client = hq.connect("127.0.9.1");
    REQUIRE(client);
    CHECK(isLoginResponse(login(*client, "honest", "a long station password 7")));

    // Each silent connection is closed by the server: read() returns 0 (EOF)
    // or a reset, well before our own 10 s guard.
    const auto start = SteadyClock::now();
    std::size_t shed = 0;
    for (int fd : sockets) {
        timeval tv{10, 0};
        ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        char byte;
        const ssize_t n = ::read(fd, &byte, 1);
        if (n == 0 || (n < 0 && errno == ECONNRESET)) ++shed;
        ::close(fd);
    }
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(SteadyClock::now() - start).count();
    MESSAGE(shed << " of " << count << " half-open connections shed; the last within " << ms << " ms");
    CHECK(shed == count);
    CHECK(ms < 5000);
}

TEST_CASE("a frame flood from one client is throttled and cut off without starving another client") {
    RunningServer hq;
    const std::size_t frames = fromEnv("VIGIL_ABUSE_FLOOD_FRAMES", 100'000);
    auto flooder = hq.connect("127.0.6.1");
    auto neighbour = hq.connect("127.0.6.2");
    REQUIRE(flooder);
    REQUIRE(neighbour);

    // The whole burst is encoded up front and written without reading replies.
    std::vector<std::uint8_t> burst;
    for (std::size_t i = 0; i < 1000; ++i) {
        const auto frame = protocol::encodeFrame(protocol::Envelope{static_cast<std::uint32_t>(i + 10), protocol::Ping{i}});
        burst.insert(burst.end(), frame.begin(), frame.end());
    }
    std::atomic<std::size_t> sent{0};
    std::thread flood([&] {
        for (std::size_t i = 0; i < frames; i += 1000) {
            if (!flooder->sendRaw(burst)) return;  // the server has cut us off
            sent += 1000;
        }
    });

    SteadyClock::duration worst{};
    std::size_t pongs = 0;
    for (std::uint64_t i = 0; i < 50; ++i) {
        const auto start = SteadyClock::now();
        auto reply = neighbour->call(protocol::Ping{i}, std::chrono::seconds(10));
        worst = std::max(worst, SteadyClock::now() - start);
        if (reply && std::holds_alternative<protocol::Pong>(*reply)) ++pongs;
    }
    flood.join();

    // Loopback buffers swallow megabytes, so the writes above may all have
    // "succeeded": what the server did shows in what it sent back. Read it
    // all: RateLimited refusals, then the end of the connection.
    std::size_t answered = 0, refused = 0;
    bool closedByServer = false;
    while (true) {
        auto reply = flooder->receive(std::chrono::seconds(10));
        if (!reply) {
            closedByServer = flooder->endedByPeer();
            break;
        }
        const auto* error = std::get_if<protocol::Error>(&reply->message);
        ++(error && error->code == protocol::ErrorCode::RateLimited ? refused : answered);
    }
    const auto worstMs = std::chrono::duration_cast<std::chrono::milliseconds>(worst).count();
    MESSAGE("flooder wrote " << sent.load() << " of " << frames << " frames; the server answered " << answered
                             << ", refused " << refused << " as RateLimited, "
                             << std::string(closedByServer ? "then closed the connection" : "and kept it open")
                             << "; neighbour got " << pongs << "/50 pongs, slowest " << worstMs << " ms");
    CHECK(closedByServer);
    CHECK(answered < 1000);  // at most the burst allowance and the refill over the test's few seconds
    CHECK(pongs == 50);
    CHECK(worstMs < 2000);
}
