#include "server/cli/Commands.hpp"

#include "server/core/HqServer.hpp"

#include "protocol/Crypto.hpp"

#include <boost/program_options.hpp>

#include <csignal>
#include <cstdlib>
#include <ctime>
#include <iomanip>
#include <iostream>
#include <pthread.h>
#include <sys/resource.h>
#include <sstream>
#include <unistd.h>

#if VIGIL_WITH_RECOGNITION
#include "server/core/RecognitionFaceEnroller.hpp"
#include "vigil/recognition/ModelPaths.hpp"
#endif
#if VIGIL_WITH_CONSOLE
#include "server/console/Console.hpp"
#endif

namespace po = boost::program_options;

namespace vigil::server::cli {

Actor localAdmin() {
    const char* user = std::getenv("USER");
    return Actor{std::string("cli:") + (user ? user : std::to_string(::getuid())), protocol::Role::Admin, "cli"};
}

int refused(const protocol::Error& error) {
    std::cerr << "vigil-server: " << error.text << " (" << protocol::describe(error.code) << ")\n";
    return kRefused;
}

std::string formatTime(std::int64_t unixSeconds) {
    if (unixSeconds == 0) return "never";
    const std::time_t t = unixSeconds;
    std::tm tm{};
    gmtime_r(&t, &tm);
    std::ostringstream out;
    out << std::put_time(&tm, "%Y-%m-%d %H:%M:%SZ");
    return out.str();
}

std::unique_ptr<FaceEnroller> makeEnroller(const ServerConfig& config) {
#if VIGIL_WITH_RECOGNITION
    try {
        return std::make_unique<RecognitionFaceEnroller>(
            config.models_dir.empty() ? std::filesystem::path() : config.models_dir / recognition::kDescriptorModelFileName);
    } catch (const std::exception& e) {
        std::cerr << "vigil-server: enrolment is off: " << e.what() << "\n";
        return std::make_unique<ModelNotInstalledEnroller>(std::string(e.what()) + "; run tools/fetch-models");
    }
#else
    (void)config;
    return std::make_unique<ModelNotInstalledEnroller>(
        "this build has no recognition engine; rebuild with client/recognition and run tools/fetch-models");
#endif
}

namespace {

std::filesystem::path genCertsTool() {
    if (const char* env = std::getenv("VIGIL_GEN_CERTS")) return env;
    return std::filesystem::path(VIGIL_SOURCE_DIR) / "tools" / "gen-certs";
}

}  // namespace

int init(const Args& args) {
    ServerConfig config;
    std::string adminName = "admin";
    bool adminTotp = false;
    std::vector<std::string> certNames;
    po::options_description extra("init");
    extra.add_options()("admin", po::value(&adminName)->default_value(adminName), "name of the first admin account")(
        "cert-name", po::value(&certNames)->composing(), "host name or IP the certificate is for (repeatable)")(
        "admin-totp", po::bool_switch(&adminTotp), "enrol the first admin's second factor (TOTP) right away");
    po::variables_map vm;
    parseServerConfig(args, config, extra, vm);

    HqService service(config);
    std::cout << "vigil-server: databases ready in " << config.data_dir << " (credentials.db, watchlist.db, data.vault)\n";

    const auto cert = config.certificatePath();
    if (!std::filesystem::exists(cert)) {
        std::string cmd = "\"" + genCertsTool().string() + "\" --out \"" + (config.data_dir / "certs").string() + "\"";
        for (const auto& n : certNames) cmd += " --name \"" + n + "\"";
        if (std::system(cmd.c_str()) != 0) {
            std::cerr << "vigil-server: could not create certificates with " << genCertsTool()
                      << "; make them yourself (see certs/README.md) and pass --cert/--key\n";
            return kEnvironment;
        }
        std::cout << "vigil-server: stations must pin " << (config.data_dir / "certs" / "ca.pem") << "\n";
    } else {
        std::cout << "vigil-server: using the existing certificate " << cert << "\n";
    }

    if (!service.hasNoUsers()) {
        std::cout << "vigil-server: accounts exist already; no new admin created\n";
        return kOk;
    }
    const auto password = crypto::randomHex(12);
    if (auto r = service.bootstrapAdmin(adminName, password); !r) return refused(r.error());
    std::cout << "vigil-server: first admin account '" << adminName << "' created.\n"
              << "  password: " << password << "\n"
              << "  (shown once; it is stored only as a scrypt hash)\n";
    if (adminTotp) {
        auto enrolment = service.enrolSecondFactor(localAdmin(), adminName);
        if (!enrolment) return refused(enrolment.error());
        return printSecondFactorEnrolment(*enrolment, adminName, {});
    }
    return kOk;
}

int serve(const Args& args) {
    ServerConfig config;
    bool headless = false;
    po::options_description extra("serve");
    extra.add_options()("headless", po::bool_switch(&headless), "no console window, even when a display is present");
    po::variables_map vm;
    parseServerConfig(args, config, extra, vm);

    // One descriptor per station: lift the soft limit to the hard one.
    rlimit files{};
    if (getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
        files.rlim_cur = files.rlim_max;
        setrlimit(RLIMIT_NOFILE, &files);
    }

    // Signals go to sigwait below, not to whichever thread Asio happens to run.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);

    HqDependencies deps;
    deps.enroller = makeEnroller(config);
    HqService service(config, std::move(deps));
    service.startWatching();
    HqServer server(service, config);
    std::cout << "vigil-server: listening on " << config.listen_address << ":" << server.port() << " (watchlist version "
              << service.watchlistVersion() << ", model "
              << (service.modelFingerprint().empty() ? "not installed" : service.modelFingerprint().substr(0, 12))
              << ")" << std::endl;

#if VIGIL_WITH_CONSOLE
    if (!headless && std::getenv("DISPLAY") != nullptr) {
        pthread_sigmask(SIG_UNBLOCK, &signals, nullptr);
        const int rc = runConsole(service, config);
        server.stop();
        return rc;
    }
#endif
    (void)headless;
    int received = 0;
    sigwait(&signals, &received);
    std::cout << "vigil-server: " << (received == SIGINT ? "SIGINT" : "SIGTERM") << " received; closing connections"
              << std::endl;
    server.stop();
    std::cout << "vigil-server: stopped cleanly" << std::endl;
    return kOk;
}

int sightings(const Args& args) {
    ServerConfig config;
    std::string since;
    std::uint32_t limit = 100;
    po::options_description extra("sightings");
    extra.add_options()("since", po::value(&since), "only after this time: YYYY-MM-DD[THH:MM:SS] (UTC) or unix ms")(
        "limit", po::value(&limit)->default_value(limit), "at most this many");
    po::variables_map vm;
    const auto positional = parseServerConfig(args, config, extra, vm);
    if (positional.size() != 1 || positional[0] != "list") {
        std::cerr << "usage: vigil-server sightings list [--since TIME] [--limit N] [--data-dir DIR]\n";
        return kUsage;
    }
    std::int64_t sinceMs = 0;
    if (!since.empty()) {
        if (since.find('-') == std::string::npos) {
            try {
                sinceMs = std::stoll(since);
            } catch (const std::exception&) {
                std::cerr << "vigil-server: --since must be a date (2026-11-23 or 2026-11-23T10:00:00) or unix ms\n";
                return kUsage;
            }
        } else {
            std::tm tm{};
            std::istringstream in(since);
            in >> std::get_time(&tm, since.size() > 10 ? "%Y-%m-%dT%H:%M:%S" : "%Y-%m-%d");
            if (in.fail()) {
                std::cerr << "vigil-server: --since must be a date (2026-11-23 or 2026-11-23T10:00:00) or unix ms\n";
                return kUsage;
            }
            sinceMs = static_cast<std::int64_t>(timegm(&tm)) * 1000;
        }
    }
    HqService service(config);
    auto list = service.listSightings(localAdmin(), sinceMs, limit);
    if (!list) return refused(list.error());
    std::cout << "id\treceived\tperson\tdanger\tstation\tdistance\tplace\n";
    for (const auto& s : *list)
        std::cout << s.id << "\t" << formatTime(s.received_at_ms / 1000) << "\t" << s.person_name << " (#"
                  << s.person_id << ")\t" << protocol::describe(s.danger) << "\t" << s.station << "\t" << s.distance
                  << "\t" << s.location.place << "\n";
    std::cout << list->size() << " sighting(s)\n";
    return kOk;
}

int audit(const Args& args) {
    ServerConfig config;
    std::uint64_t after = 0;
    std::uint32_t limit = 200;
    po::options_description extra("audit");
    extra.add_options()("after", po::value(&after)->default_value(after), "entries after this id")(
        "limit", po::value(&limit)->default_value(limit), "at most this many");
    po::variables_map vm;
    const auto positional = parseServerConfig(args, config, extra, vm);
    if (positional.size() != 1 || (positional[0] != "list" && positional[0] != "verify")) {
        std::cerr << "usage: vigil-server audit list|verify [--after ID] [--limit N] [--data-dir DIR]\n";
        return kUsage;
    }
    HqService service(config);
    if (positional[0] == "verify") {
        auto broken = service.verifyAudit(localAdmin());
        if (!broken) return refused(broken.error());
        if (*broken) {
            std::cerr << "vigil-server: the audit log was altered: the chain breaks at entry " << **broken << "\n";
            return kRefused;
        }
        std::cout << "vigil-server: audit chain intact\n";
        return kOk;
    }
    auto entries = service.listAudit(localAdmin(), after, limit);
    if (!entries) return refused(entries.error());
    for (const auto& e : *entries)
        std::cout << e.id << "\t" << formatTime(e.at) << "\t" << e.actor << "\t" << e.address << "\t" << e.action
                  << "\t" << e.target << "\t" << e.detail << "\n";
    return kOk;
}

int session(const Args& args) {
    ServerConfig config;
    po::options_description extra("session");
    po::variables_map vm;
    const auto positional = parseServerConfig(args, config, extra, vm);
    if (positional.size() != 2 || positional[0] != "issue") {
        std::cerr << "usage: vigil-server session issue USER [--data-dir DIR]\n"
                     "  prints a session token for an active account (station provisioning)\n";
        return kUsage;
    }
    HqService service(config);
    auto token = service.issueSessionToken(localAdmin(), positional[1]);
    if (!token) return refused(token.error());
    std::cout << token->token << "\n";
    return kOk;
}

}  // namespace vigil::server::cli
