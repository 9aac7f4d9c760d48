// vigil-server user add|approve|reject|disable|enable|role|password|list
#include "server/cli/Commands.hpp"

#include "protocol/Crypto.hpp"

#include <boost/program_options.hpp>

#include <iostream>

namespace po = boost::program_options;

namespace vigil::server::cli {
namespace {

constexpr const char* kUsageText =
    "usage: vigil-server user add NAME [--role admin|operator|station|viewer] [--password-stdin]\n"
    "       vigil-server user approve NAME [--role ROLE]\n"
    "       vigil-server user reject|disable|enable NAME\n"
    "       vigil-server user role NAME ROLE\n"
    "       vigil-server user password NAME [--password-stdin]   (reset; ends the account's sessions)\n"
    "       vigil-server user list\n"
    "  (each with --data-dir DIR)\n";

}  // namespace

int user(const Args& args) {
    ServerConfig config;
    std::string roleText = "station";
    bool passwordStdin = false;
    po::options_description extra("user");
    extra.add_options()("role", po::value(&roleText)->default_value(roleText), "role for add / approve")(
        "password-stdin", po::bool_switch(&passwordStdin), "read the password from standard input (add, password)");
    po::variables_map vm;
    const auto pos = parseServerConfig(args, config, extra, vm);
    if (pos.empty()) {
        std::cerr << kUsageText;
        return kUsage;
    }
    const auto& verb = pos[0];
    protocol::Role role{};
    if (verb == "role" && pos.size() == 3) roleText = pos[2];
    if (!protocol::parseRole(roleText, role)) {
        std::cerr << "vigil-server: unknown role '" << roleText << "' (admin, operator, station or viewer)\n";
        return kUsage;
    }
    const bool needsName = verb != "list";
    if ((needsName && pos.size() != (verb == "role" ? 3u : 2u)) || (!needsName && pos.size() != 1)) {
        std::cerr << kUsageText;
        return kUsage;
    }

    HqService service(config);
    const auto actor = localAdmin();
    if (verb == "list") {
        auto users = service.listUsers(actor);
        if (!users) return refused(users.error());
        std::cout << "user\trole\tstatus\tcreated\tlast login\n";
        for (const auto& u : *users)
            std::cout << u.username << "\t" << protocol::describe(u.role) << "\t" << protocol::describe(u.status)
                      << "\t" << formatTime(u.created_at) << "\t" << formatTime(u.last_login_at) << "\n";
        return kOk;
    }
    const auto& name = pos[1];
    if (verb == "add") {
        std::string password;
        const bool generated = !passwordStdin;
        if (passwordStdin) std::getline(std::cin, password);
        else password = crypto::randomHex(12);
        if (auto r = service.addUser(actor, name, password, role); !r) return refused(r.error());
        std::cout << "vigil-server: account '" << name << "' (" << protocol::describe(role) << ") created\n";
        if (generated) std::cout << "  password: " << password << "\n  (shown once)\n";
        return kOk;
    }
    if (verb == "password") {
        std::string password;
        const bool generated = !passwordStdin;
        if (passwordStdin) std::getline(std::cin, password);
        else password = crypto::randomHex(12);
        if (auto r = service.resetPassword(actor, name, password); !r) return refused(r.error());
        std::cout << "vigil-server: the password of '" << name << "' was reset; its sessions are ended\n";
        if (generated) std::cout << "  password: " << password << "\n  (shown once)\n";
        return kOk;
    }
    protocol::UserDecision d{name, protocol::UserAction::Approve, role};
    if (verb == "approve") d.action = protocol::UserAction::Approve;
    else if (verb == "reject") d.action = protocol::UserAction::Reject;
    else if (verb == "disable") d.action = protocol::UserAction::Disable;
    else if (verb == "enable") d.action = protocol::UserAction::Enable;
    else if (verb == "role") d.action = protocol::UserAction::SetRole;
    else {
        std::cerr << kUsageText;
        return kUsage;
    }
    if (auto r = service.decideUser(actor, d); !r) return refused(r.error());
    std::cout << "vigil-server: " << verb << " " << name << ": done\n";
    return kOk;
}

}  // namespace vigil::server::cli
