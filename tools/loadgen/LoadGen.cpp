// vigil-loadgen: opens N authenticated TLS connections to a running
// vigil-server, subscribes them all to alerts, reports sightings from one
// more connection and measures how long each alert takes to reach every
// subscriber (fan-out latency). Prints percentiles and the server's memory.
//
//   vigil-loadgen --port P --ca ca.pem --token TOKEN --person ID
//                 [--connections 1000] [--alerts 20] [--server-pid PID]
//                 [--reviewer-token TOKEN]
//
// With --reviewer-token (an operator's session, issue 9) an automated
// reviewer confirms each sighting as soon as HQ shows it to staff, and the
// figure is the time from the station's report to the *confirmed* alert on
// every subscribed station (report -> review -> broadcast).
//
// Connections authenticate with ResumeSession and a token from
// `vigil-server session issue USER` (CAPTCHA-free by design: the token was
// issued by an admin with access to the data folder).
#include "WireClient.hpp"

#include "protocol/TlsContext.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/program_options.hpp>

#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <thread>

namespace po = boost::program_options;
namespace p = vigil::protocol;
using vigil::wire::WireClient;
using Clock = std::chrono::steady_clock;

namespace {

void raiseFileLimit(std::size_t needed) {
    rlimit limit{};
    getrlimit(RLIMIT_NOFILE, &limit);
    if (limit.rlim_cur < needed + 64) {
        limit.rlim_cur = std::min<rlim_t>(limit.rlim_max, needed + 64);
        setrlimit(RLIMIT_NOFILE, &limit);
    }
    getrlimit(RLIMIT_NOFILE, &limit);
    if (limit.rlim_cur < needed + 16)
        std::cerr << "vigil-loadgen: only " << limit.rlim_cur << " file descriptors allowed; raise the hard limit (ulimit -Hn)\n";
}

std::string procStatus(int pid, const std::string& field) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind(field + ":", 0) == 0) {
            auto value = line.substr(field.size() + 1);
            value.erase(0, value.find_first_not_of(" \t"));
            return value;
        }
    return "?";
}

double percentile(std::vector<double>& sorted, double p) {
    if (sorted.empty()) return 0;
    const auto index = static_cast<std::size_t>(p / 100.0 * static_cast<double>(sorted.size() - 1) + 0.5);
    return sorted[std::min(index, sorted.size() - 1)];
}

}  // namespace

int main(int argc, char** argv) {
    std::string host = "127.0.0.1", serverName = "localhost", ca, token;
    std::uint16_t port = 0;
    std::size_t connections = 1000, alerts = 20, parallelConnects = 64;
    std::uint64_t person = 0;
    int serverPid = 0;
    unsigned threads = 1;
    std::string reviewerToken;
    po::options_description options("vigil-loadgen options");
    options.add_options()("help", "this text")("host", po::value(&host)->default_value(host), "server address")(
        "port", po::value(&port)->required(), "server port")("server-name", po::value(&serverName)->default_value(serverName),
                                                            "name in the server certificate")(
        "ca", po::value(&ca)->required(), "CA certificate to pin")("token", po::value(&token)->required(),
                                                                   "session token (vigil-server session issue USER)")(
        "person", po::value(&person)->required(), "id of a wanted person to report")(
        "connections", po::value(&connections)->default_value(connections), "subscribed connections")(
        "alerts", po::value(&alerts)->default_value(alerts), "sightings to report, one after another")(
        "parallel-connects", po::value(&parallelConnects)->default_value(parallelConnects), "handshakes in flight")(
        "threads", po::value(&threads)->default_value(threads), "client threads")(
        "server-pid", po::value(&serverPid), "read the server's memory from /proc/PID/status")(
        "reviewer-token", po::value(&reviewerToken),
        "an operator's session token: confirm each sighting at once and measure report -> confirmed broadcast");
    po::variables_map vm;
    try {
        po::store(po::parse_command_line(argc, argv, options), vm);
        if (vm.count("help")) {
            std::cout << options;
            return 0;
        }
        po::notify(vm);
    } catch (const std::exception& e) {
        std::cerr << "vigil-loadgen: " << e.what() << "\n" << options;
        return 2;
    }
    raiseFileLimit(connections + 8);

    boost::asio::io_context io;
    auto work = boost::asio::make_work_guard(io);
    auto tls = p::makeClientTlsContext(ca);
    std::vector<std::thread> pool;
    for (unsigned i = 0; i < threads; ++i) pool.emplace_back([&] { io.run(); });

    std::mutex mutex;
    std::condition_variable changed;
    std::size_t ready = 0, failed = 0;
    std::map<std::string, Clock::time_point> sentAt;
    std::map<std::string, std::size_t> receivedFor;
    std::vector<double> latenciesMs;
    std::string firstError;

    std::vector<std::shared_ptr<WireClient>> clients;
    const auto started = Clock::now();
    std::size_t launched = 0;
    auto launch = [&](auto& self) -> void {
        std::size_t index;
        {
            std::lock_guard lock(mutex);
            if (launched >= connections) return;
            index = launched++;
        }
        auto client = clients[index];
        client->setHandler([&, weak = std::weak_ptr<WireClient>(client)](p::Envelope& e) {
            const auto now = Clock::now();
            std::lock_guard lock(mutex);
            if (auto* alert = std::get_if<p::AlertPush>(&e.message)) {
                // Under review, only the confirmed broadcast counts.
                const bool counts = reviewerToken.empty() || alert->sighting.review == p::ReviewState::Confirmed;
                if (auto it = sentAt.find(alert->sighting.report_id); counts && it != sentAt.end()) {
                    latenciesMs.push_back(std::chrono::duration<double, std::milli>(now - it->second).count());
                    ++receivedFor[alert->sighting.report_id];
                }
            } else if (std::holds_alternative<p::Ok>(e.message)) {
                ++ready;
            } else if (auto* err = std::get_if<p::Error>(&e.message)) {
                ++failed;
                if (firstError.empty()) firstError = err->text;
            } else if (auto* ping = std::get_if<p::Ping>(&e.message)) {
                if (auto c = weak.lock()) c->send(p::Pong{ping->nonce});
            }
            changed.notify_all();
        });
        client->asyncConnect(host, port, serverName, [&, client, self](std::string error) {
            if (!error.empty()) {
                std::lock_guard lock(mutex);
                ++failed;
                if (firstError.empty()) firstError = error;
                changed.notify_all();
            } else {
                client->send(p::Hello{p::kProtocolVersion, "vigil-loadgen"});
                client->send(p::ResumeSession{token});
                client->send(p::SubscribeAlerts{});
            }
            self(self);  // keep `parallelConnects` handshakes in flight
        });
    };
    for (std::size_t i = 0; i < connections; ++i) clients.push_back(WireClient::create(io, tls));
    for (std::size_t i = 0; i < std::min(parallelConnects, connections); ++i) launch(launch);
    {
        std::unique_lock lock(mutex);
        changed.wait_for(lock, std::chrono::seconds(120), [&] { return ready + failed >= connections; });
    }
    const double connectSeconds = std::chrono::duration<double>(Clock::now() - started).count();
    std::cout << "connections: " << ready << " subscribed, " << failed << " failed in " << connectSeconds << " s\n";
    if (!firstError.empty()) std::cout << "first error: " << firstError << "\n";
    if (serverPid) std::cout << "server memory after connecting: RSS " << procStatus(serverPid, "VmRSS") << "\n";
    if (ready == 0) return 1;

    // The automated reviewer: an operator's connection that confirms every
    // pending sighting of this run the moment HQ shows it to staff.
    std::shared_ptr<WireClient> reviewer;
    std::size_t confirmed = 0;
    if (!reviewerToken.empty()) {
        reviewer = WireClient::create(io, tls);
        if (auto error = reviewer->connect(host, port, serverName)) {
            std::cerr << "vigil-loadgen: reviewer: " << *error << "\n";
            return 1;
        }
        reviewer->hello();
        const auto login = reviewer->call(p::ResumeSession{reviewerToken});
        const auto subscribed = reviewer->call(p::SubscribeAlerts{});
        if (!login || !std::holds_alternative<p::LoginResponse>(*login) || !subscribed ||
            !std::holds_alternative<p::Ok>(*subscribed)) {
            std::cerr << "vigil-loadgen: the reviewer token does not log in as a subscriber\n";
            return 1;
        }
        reviewer->setHandler([&, weak = std::weak_ptr<WireClient>(reviewer)](p::Envelope& e) {
            auto c = weak.lock();
            if (!c) return;
            if (auto* alert = std::get_if<p::AlertPush>(&e.message)) {
                if (alert->sighting.review != p::ReviewState::Pending) return;
                {
                    std::lock_guard lock(mutex);
                    if (!sentAt.count(alert->sighting.report_id)) return;
                }
                c->send(p::ReviewDecision{alert->sighting.id, true, p::DismissReason::None, {}});
            } else if (auto* decided = std::get_if<p::SightingDecided>(&e.message)) {
                if (e.request_id == 0) return;  // the push copy of our own decision
                std::lock_guard lock(mutex);
                if (decided->decision == p::ReviewState::Confirmed) ++confirmed;
            } else if (auto* err = std::get_if<p::Error>(&e.message)) {
                std::lock_guard lock(mutex);
                if (firstError.empty()) firstError = "reviewer: " + err->text;
            } else if (auto* ping = std::get_if<p::Ping>(&e.message)) {
                c->send(p::Pong{ping->nonce});
            }
        });
    }

    auto reporter = WireClient::create(io, tls);
    if (auto error = reporter->connect(host, port, serverName)) {
        std::cerr << "vigil-loadgen: reporter: " << *error << "\n";
        return 1;
    }
    reporter->hello();
    reporter->call(p::ResumeSession{token});
    std::size_t incomplete = 0;
    for (std::size_t k = 0; k < alerts; ++k) {
        p::SightingReport report;
        report.report_id = "load-" + std::to_string(std::chrono::system_clock::now().time_since_epoch().count()) + "-" +
                           std::to_string(k);
        report.person_id = person;
        report.distance = 0.4f;
        report.location.place = "load test";
        report.snapshot_jpeg.assign(20 * 1024, 0x55);  // about the size of a face snapshot
        {
            std::lock_guard lock(mutex);
            sentAt[report.report_id] = Clock::now();
        }
        auto ack = reporter->call(report);
        if (!ack || !std::holds_alternative<p::SightingAck>(*ack)) {
            std::cerr << "vigil-loadgen: the sighting was not acknowledged\n";
            return 1;
        }
        std::unique_lock lock(mutex);
        if (!changed.wait_for(lock, std::chrono::seconds(30), [&] { return receivedFor[report.report_id] >= ready; }))
            ++incomplete;
    }

    std::sort(latenciesMs.begin(), latenciesMs.end());
    std::cout << "alerts: " << alerts << " x " << ready << " subscribers = " << latenciesMs.size() << " deliveries"
              << (incomplete ? " (" + std::to_string(incomplete) + " alerts did not reach everyone in 30 s)" : "")
              << "\n";
    std::cout.precision(3);
    if (reviewer)
        std::cout << "automated reviewer confirmed " << confirmed << " sightings; report -> confirmed broadcast on "
                  << ready << " stations, ms: p50 " << std::fixed << percentile(latenciesMs, 50) << "  p99 "
                  << percentile(latenciesMs, 99) << "  max " << (latenciesMs.empty() ? 0.0 : latenciesMs.back())
                  << "\n";
    std::cout << std::fixed << (reviewer ? "(same, as fan-out figures) " : "") << "fan-out latency ms: p50 " << percentile(latenciesMs, 50) << "  p95 "
              << percentile(latenciesMs, 95) << "  p99 " << percentile(latenciesMs, 99) << "  max "
              << (latenciesMs.empty() ? 0.0 : latenciesMs.back()) << "\n";
    if (serverPid)
        std::cout << "server memory: RSS " << procStatus(serverPid, "VmRSS") << ", peak " << procStatus(serverPid, "VmHWM")
                  << "\n";

    for (auto& c : clients) c->close();
    reporter->close();
    if (reviewer) reviewer->close();
    work.reset();
    io.stop();
    for (auto& t : pool) t.join();
    return (failed == 0 && incomplete == 0) ? 0 : 1;
}
