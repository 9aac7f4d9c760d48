// vigil-wire-demo: a protocol-level station for tools/demo, printing each
// step of its conversation with vigil-server. Not the real station (that is
// vigil-client); this shows the wire.
//
//   vigil-wire-demo register --user U --password P   (CAPTCHA: PNG saved, answer typed)
//   vigil-wire-demo login    --user U --password P   (CAPTCHA; prints the session token)
//   vigil-wire-demo station  --token T [--report] [--seconds 30]
//       resumes the session, subscribes to alerts, syncs the watchlist, and on
//       every WatchlistChanged pulls the delta; with --report it reports a
//       sighting of each person that arrives.
#include "WireClient.hpp"

#include "protocol/TlsContext.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/program_options.hpp>

#include <fstream>
#include <iostream>
#include <thread>

namespace po = boost::program_options;
namespace p = vigil::protocol;
using vigil::wire::WireClient;
using namespace std::chrono_literals;

namespace {

std::string name;  // prefix of every printed line

void say(const std::string& text) { std::cout << "[" << name << "] " << text << std::endl; }

std::string refusal(const std::optional<p::Message>& m) {
    if (!m) return "no answer";
    if (auto* e = std::get_if<p::Error>(&*m)) return std::string(p::errorSentence(e->code)) + " (" + e->text + ")";
    return std::string(p::messageName(*m));
}

std::string captchaAnswer(WireClient& c, p::CaptchaPurpose purpose, const std::string& pngPath, std::string& id) {
    auto m = c.call(p::CaptchaRequest{purpose});
    if (!m || !std::holds_alternative<p::CaptchaChallenge>(*m)) {
        say("no CAPTCHA: " + refusal(m));
        std::exit(1);
    }
    const auto& ch = std::get<p::CaptchaChallenge>(*m);
    id = ch.challenge_id;
    std::ofstream(pngPath, std::ios::binary).write(reinterpret_cast<const char*>(ch.png.data()),
                                                   static_cast<std::streamsize>(ch.png.size()));
    say("CAPTCHA image (" + std::to_string(ch.png.size()) + " bytes PNG, valid " +
        std::to_string(ch.expires_in_seconds) + " s) saved to " + pngPath + "; type its text:");
    std::string answer;
    std::getline(std::cin, answer);
    return answer;
}

}  // namespace

int main(int argc, char** argv) {
    std::string command, host = "127.0.0.1", ca, user, password, token, png = "captcha.png";
    std::uint16_t port = 7443;
    bool report = false;
    int seconds = 30;
    po::options_description options("vigil-wire-demo");
    options.add_options()("command", po::value(&command), "register | login | station")(
        "host", po::value(&host)->default_value(host), "")("port", po::value(&port)->default_value(port), "")(
        "ca", po::value(&ca)->required(), "CA to pin")("name", po::value(&name)->default_value("station"), "label")(
        "user", po::value(&user), "")("password", po::value(&password), "")("token", po::value(&token), "")(
        "captcha-png", po::value(&png)->default_value(png), "where to save the CAPTCHA image")(
        "report", po::bool_switch(&report), "report a sighting of each new person")(
        "seconds", po::value(&seconds)->default_value(seconds), "how long the station runs");
    po::positional_options_description positional;
    positional.add("command", 1);
    po::variables_map vm;
    try {
        po::store(po::command_line_parser(argc, argv).options(options).positional(positional).run(), vm);
        po::notify(vm);
    } catch (const std::exception& e) {
        std::cerr << e.what() << "\n" << options;
        return 2;
    }

    boost::asio::io_context io;
    auto work = boost::asio::make_work_guard(io);
    auto tls = p::makeClientTlsContext(ca);
    std::thread ioThread([&] { io.run(); });
    auto finish = [&](int code) {
        work.reset();
        io.stop();
        ioThread.join();
        return code;
    };
    auto c = WireClient::create(io, tls);
    if (auto error = c->connect(host, port, "localhost")) {
        say("cannot connect: " + *error);
        return finish(1);
    }
    say("TLS 1.3 connection to " + host + ":" + std::to_string(port) + " (server certificate checked against " + ca + ")");
    auto ack = c->call(p::Hello{p::kProtocolVersion, "vigil-wire-demo"});
    if (!ack || !std::holds_alternative<p::HelloAck>(*ack)) {
        say("Hello refused: " + refusal(ack));
        return finish(1);
    }
    say("server: " + std::get<p::HelloAck>(*ack).server_name);

    if (command == "register" || command == "login") {
        std::string id;
        const auto answer = captchaAnswer(*c, command == "register" ? p::CaptchaPurpose::Register : p::CaptchaPurpose::Login, png, id);
        if (command == "register") {
            auto r = c->call(p::RegisterRequest{user, password, user, id, answer});
            if (!r || !std::holds_alternative<p::RegisterResponse>(*r)) {
                say("registration refused: " + refusal(r));
                return finish(1);
            }
            say("registered '" + user + "': " + std::get<p::RegisterResponse>(*r).message);
            return finish(0);
        }
        auto r = c->call(p::LoginRequest{user, password, id, answer, ""});
        if (!r || !std::holds_alternative<p::LoginResponse>(*r)) {
            say("login refused: " + refusal(r));
            return finish(1);
        }
        say("logged in as " + user + "; session token follows");
        std::cout << std::get<p::LoginResponse>(*r).session_token << std::endl;
        return finish(0);
    }

    if (command != "station") {
        std::cerr << options;
        return finish(2);
    }
    auto login = c->call(p::ResumeSession{token});
    if (!login || !std::holds_alternative<p::LoginResponse>(*login)) {
        say("session refused: " + refusal(login));
        return finish(1);
    }
    say("session resumed as " + std::get<p::LoginResponse>(*login).username);
    say("subscribe to alerts: " + refusal(c->call(p::SubscribeAlerts{})));
    std::uint64_t have = 0;
    bool firstSync = true;  // persons already listed at start are not "new"
    int reports = 0;
    auto sync = [&] {
        auto id = c->send(p::WatchlistSyncRequest{have});
        for (;;) {
            auto m = c->reply(id, 10s);
            if (!m || !std::holds_alternative<p::WatchlistDelta>(*m)) {
                say("sync refused: " + refusal(m));
                return;
            }
            const auto& d = std::get<p::WatchlistDelta>(*m);
            say("watchlist " + std::string(d.full ? "full copy" : "delta") + " " + std::to_string(d.from_version) +
                " -> " + std::to_string(d.to_version) + ": " + std::to_string(d.upserts.size()) + " person(s), " +
                std::to_string(d.removed_ids.size()) + " removed");
            for (const auto& person : d.upserts) {
                say("  #" + std::to_string(person.id) + " " + person.details.name + " (" +
                    std::string(p::describe(person.details.danger)) + ", " + std::to_string(person.faces.size()) +
                    " face descriptor(s))");
                if (report && !firstSync) {
                    p::SightingReport r;
                    r.report_id = name + "-" + std::to_string(++reports);
                    r.person_id = person.id;
                    r.distance = 0.38f;
                    r.observed_at_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                           std::chrono::system_clock::now().time_since_epoch())
                                           .count();
                    r.location.place = "Demo station " + name;
                    auto a = c->call(r);
                    if (a && std::holds_alternative<p::SightingAck>(*a))
                        say("  reported a sighting of #" + std::to_string(person.id) + ": stored as sighting " +
                            std::to_string(std::get<p::SightingAck>(*a).sighting_id));
                    else
                        say("  sighting refused: " + refusal(a));
                }
            }
            have = d.to_version;
            if (!d.more) {
                firstSync = false;
                return;
            }
        }
    };
    sync();
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (std::chrono::steady_clock::now() < until) {
        auto e = c->next(500ms);
        if (!e) {
            if (c->closed()) {
                say("the server closed the connection");
                break;
            }
            continue;
        }
        if (auto* changed = std::get_if<p::WatchlistChanged>(&e->message)) {
            say("push: watchlist changed to version " + std::to_string(changed->version) + "; pulling the delta");
            sync();
        } else if (auto* alert = std::get_if<p::AlertPush>(&e->message)) {
            const auto& s = alert->sighting;
            say("ALERT: " + s.person_name + " (" + std::string(p::describe(s.danger)) + ") seen by " + s.station +
                " at " + s.location.place + ", distance " + std::to_string(s.distance));
        } else if (auto* ping = std::get_if<p::Ping>(&e->message)) {
            c->send(p::Pong{ping->nonce});
        }
    }
    c->close();
    return finish(0);
}
