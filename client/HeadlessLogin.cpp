#include "HeadlessLogin.hpp"

#include "client/core/AtRestKey.hpp"
#include "client/core/StationCore.hpp"

#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <fstream>
#include <iostream>

namespace vigil::client {
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

std::string ask(const std::string& prompt, std::istream& in, std::ostream& out) {
    out << prompt << std::flush;
    std::string line;
    std::getline(in, line);
    return line;
}

std::string askHidden(const std::string& prompt, std::istream& in, std::ostream& out) {
    termios old{};
    const bool tty = &in == &std::cin && ::isatty(STDIN_FILENO) && ::tcgetattr(STDIN_FILENO, &old) == 0;
    if (tty) {
        termios quiet = old;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    }
    std::string line = ask(prompt, in, out);
    if (tty) {
        ::tcsetattr(STDIN_FILENO, TCSANOW, &old);
        out << "\n";
    }
    return line;
}

std::string readPassword(const StationConfig& config, std::istream& in, std::ostream& out) {
    if (config.passwordFile.empty()) return askHidden("Password: ", in, out);
    struct stat st {};
    if (::stat(config.passwordFile.c_str(), &st) != 0)
        throw std::runtime_error("cannot read the password file " + config.passwordFile.string());
    if ((st.st_mode & 077) != 0)
        throw std::runtime_error("the password file " + config.passwordFile.string() +
                                 " is readable by other users; chmod 600 it");
    std::ifstream file(config.passwordFile);
    std::string password;
    std::getline(file, password);
    return password;
}

// Fetches a CAPTCHA, saves its image, asks for the answer.
bool solveCaptcha(std::future<protocol::Message> challengeFuture, const StationConfig& config, std::istream& in,
                  std::ostream& out, std::string& id, std::string& answer) {
    const auto reply = challengeFuture.get();
    const auto* challenge = std::get_if<protocol::CaptchaChallenge>(&reply);
    if (!challenge) {
        out << "HQ gave no CAPTCHA: " << replySummary(reply) << "\n";
        return false;
    }
    fs::create_directories(config.dataDir);
    const fs::path png = config.dataDir / "captcha.png";
    writeFileAtomically(png, challenge->png);
    out << "CAPTCHA image saved to " << png.string() << " (valid " << challenge->expires_in_seconds
        << " s). Open it and type what it shows.\n";
    id = challenge->challenge_id;
    answer = ask("CAPTCHA: ", in, out);
    return true;
}

}  // namespace

int headlessLogin(StationCore& core, const StationConfig& config, std::istream& in, std::ostream& out) {
    const bool up = core.waitLink(
        [](const LinkStatus& s) { return s.state == LinkState::Connected || s.state == LinkState::LoggedIn; }, 15s);
    if (!up) {
        out << "HQ not reachable: " << core.snapshot().link.detail << " (the station keeps working offline)\n";
        return 1;
    }
    if (core.snapshot().link.state == LinkState::LoggedIn) {
        out << "session resumed as " << core.snapshot().link.username << "\n";
        return 0;
    }
    if (config.username.empty()) {
        out << "no --user given: not logging in (the station keeps working offline)\n";
        return 1;
    }
    for (int attempt = 0; attempt < 3; ++attempt) {
        std::string id, answer;
        if (!solveCaptcha(core.requestCaptcha(protocol::CaptchaPurpose::Login), config, in, out, id, answer)) return 1;
        const std::string password = readPassword(config, in, out);
        const auto reply = core.login(config.username, password, id, answer).get();
        if (std::holds_alternative<protocol::LoginResponse>(reply)) {
            out << "logged in as " << config.username << "\n";
            return 0;
        }
        out << "login refused: " << replySummary(reply) << "\n";
        const auto* error = std::get_if<protocol::Error>(&reply);
        if (!error || (error->code != protocol::ErrorCode::CaptchaInvalid &&
                       error->code != protocol::ErrorCode::InvalidCredentials))
            return 1;
        if (!config.passwordFile.empty() && error->code == protocol::ErrorCode::InvalidCredentials) return 1;
    }
    return 1;
}

int runRegister(const StationConfig& config, std::istream& in, std::ostream& out) {
    if (config.caFile.empty()) {
        out << "register needs --ca (the HQ certificate authority) and --server\n";
        return 2;
    }
    ServerLinkOptions options;
    options.host = config.serverHost;
    options.port = config.serverPort;
    options.caFile = config.caFile;
    ServerLink link(options);
    link.start();
    if (!link.waitUntil([](const LinkStatus& s) { return s.state == LinkState::Connected; }, 15s)) {
        out << "HQ not reachable: " << link.status().detail << "\n";
        return 1;
    }
    protocol::RegisterRequest request;
    request.username = config.username.empty() ? ask("Account name: ", in, out) : config.username;
    request.display_name = ask("Your name (shown to HQ): ", in, out);
    if (!solveCaptcha(link.request(protocol::CaptchaRequest{protocol::CaptchaPurpose::Register}), config, in, out,
                      request.captcha_id, request.captcha_answer))
        return 1;
    request.password = readPassword(config, in, out);
    const auto reply = link.request(request).get();
    if (const auto* done = std::get_if<protocol::RegisterResponse>(&reply)) {
        out << "registered " << request.username << ": " << protocol::describe(done->status)
            << (done->message.empty() ? "" : " - " + done->message) << "\n"
            << "An HQ administrator must approve the account before it can log in.\n";
        return 0;
    }
    out << "registration refused: " << replySummary(reply) << "\n";
    return 1;
}

}  // namespace vigil::client
