// vigil-server: the HQ service and its administration commands.
#include "server/cli/Commands.hpp"

#include <iostream>
#include <map>

namespace {

constexpr const char* kUsage =
    "vigil-server - Vigil HQ service\n"
    "\n"
    "  vigil-server init [--data-dir DIR] [--admin NAME] [--cert-name HOST ...]\n"
    "  vigil-server serve [--headless] [--config FILE] [server options]\n"
    "  vigil-server user add|approve|reject|disable|enable|role|list ...\n"
    "  vigil-server person add|list|show|remove ...\n"
    "  vigil-server sightings list [--since TIME]\n"
    "  vigil-server review list | confirm ID | dismiss ID --reason wrong-person|poor-image|duplicate|other\n"
    "  vigil-server audit list|verify\n"
    "  vigil-server session issue USER\n"
    "  vigil-server key rotate|status [--new-kek-passphrase-file FILE]\n"
    "  vigil-server station enroll|revoke NAME | station list\n"
    "  vigil-server totp enroll|remove NAME [--qr-png FILE]\n"
    "  vigil-server help serve      (all server options)\n"
    "\n"
    "Every command takes --data-dir DIR (default var/hq). Exit codes: 0 done, 1 refused by a rule,\n"
    "2 bad command line, 3 environment problem (files, database, certificates, port).\n";

}  // namespace

int main(int argc, char** argv) {
    using namespace vigil::server;
    const std::vector<std::string> all(argv + 1, argv + argc);
    if (all.empty() || all[0] == "help" || all[0] == "--help" || all[0] == "-h") {
        std::cout << kUsage;
        if (all.size() > 1) {
            ServerConfig defaults;
            std::cout << "\n" << serverOptions(defaults);
        }
        return all.empty() ? cli::kUsage : cli::kOk;
    }
    const std::map<std::string, int (*)(const cli::Args&)> commands{
        {"init", cli::init},     {"serve", cli::serve},         {"user", cli::user},       {"person", cli::person},
        {"sightings", cli::sightings}, {"audit", cli::audit}, {"session", cli::session}, {"key", cli::key}, {"station", cli::station}, {"totp", cli::totp},
        {"review", cli::review},
    };
    const auto command = commands.find(all[0]);
    if (command == commands.end()) {
        std::cerr << "vigil-server: unknown command '" << all[0] << "'\n\n" << kUsage;
        return cli::kUsage;
    }
    try {
        return command->second(cli::Args(all.begin() + 1, all.end()));
    } catch (const DatabaseError& e) {
        std::cerr << "vigil-server: database problem: " << e.what()
                  << " (check --data-dir, free disk space and file permissions)\n";
        return cli::kEnvironment;
    } catch (const std::runtime_error& e) {
        std::cerr << "vigil-server: " << e.what() << "\n";
        const std::string what = e.what();
        const bool usage = what.find("option") != std::string::npos || what.find("must be") != std::string::npos;
        return usage ? cli::kUsage : cli::kEnvironment;
    } catch (const std::exception& e) {
        std::cerr << "vigil-server: " << e.what() << "\n";
        return cli::kEnvironment;
    }
}
