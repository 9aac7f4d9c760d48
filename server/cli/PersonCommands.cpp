// vigil-server person add|list|show|remove
#include "server/cli/Commands.hpp"

#include <boost/program_options.hpp>

#include <fstream>
#include <iostream>
#include <iterator>

namespace po = boost::program_options;

namespace vigil::server::cli {
namespace {

constexpr const char* kUsageText =
    "usage: vigil-server person add --name NAME --photo A.jpg [--photo B.jpg ...] [--danger low|medium|high|extreme]\n"
    "                               [--reason TEXT] [--alias NAME ...] [--notes TEXT]\n"
    "       vigil-server person list\n"
    "       vigil-server person show ID\n"
    "       vigil-server person remove ID\n"
    "  (each with --data-dir DIR)\n";

bool parseId(const std::string& text, std::uint64_t& id) {
    try {
        std::size_t used = 0;
        id = std::stoull(text, &used);
        return used == text.size();
    } catch (const std::exception&) {
        return false;
    }
}

}  // namespace

int person(const Args& args) {
    ServerConfig config;
    protocol::PersonDetails details;
    std::vector<std::string> photos;
    std::string danger = "medium";
    po::options_description extra("person");
    extra.add_options()("name", po::value(&details.name), "full name")(
        "photo", po::value(&photos)->composing(), "JPEG or PNG of the face (repeatable, 1-8)")(
        "danger", po::value(&danger)->default_value(danger), "low, medium, high or extreme")(
        "reason", po::value(&details.reason), "why the person is wanted")(
        "alias", po::value(&details.aliases)->composing(), "another name (repeatable)")(
        "notes", po::value(&details.notes), "notes for HQ and stations");
    po::variables_map vm;
    const auto pos = parseServerConfig(args, config, extra, vm);
    if (pos.empty()) {
        std::cerr << kUsageText;
        return kUsage;
    }
    const auto& verb = pos[0];
    const auto actor = localAdmin();

    if (verb == "add" && pos.size() == 1) {
        if (details.name.empty() || photos.empty()) {
            std::cerr << "vigil-server: person add needs --name and at least one --photo\n" << kUsageText;
            return kUsage;
        }
        if (!protocol::parseDangerLevel(danger, details.danger)) {
            std::cerr << "vigil-server: unknown danger level '" << danger << "' (low, medium, high, extreme)\n";
            return kUsage;
        }
        std::vector<protocol::Bytes> images;
        for (const auto& file : photos) {
            std::ifstream in(file, std::ios::binary);
            if (!in) {
                std::cerr << "vigil-server: cannot read the photo " << file << "\n";
                return kEnvironment;
            }
            images.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
        }
        HqDependencies deps;
        deps.enroller = makeEnroller(config);
        HqService service(config, std::move(deps));
        auto added = service.addPerson(actor, details, images);
        if (!added) return refused(added.error());
        std::cout << "vigil-server: person #" << added->person_id << " added (watchlist version "
                  << added->watchlist_version << "); running servers push it to stations\n";
        return kOk;
    }
    HqService service(config);
    if (verb == "list" && pos.size() == 1) {
        auto list = service.listPersons(actor);
        if (!list) return refused(list.error());
        std::cout << "id\tname\tdanger\tphotos\tupdated\treason\n";
        for (const auto& p : *list)
            std::cout << p.id << "\t" << p.details.name << "\t" << protocol::describe(p.details.danger) << "\t"
                      << p.photo_count << "\t" << formatTime(p.updated_at) << "\t" << p.details.reason << "\n";
        std::cout << list->size() << " person(s), watchlist version " << service.watchlistVersion() << "\n";
        return kOk;
    }
    std::uint64_t id = 0;
    if ((verb == "show" || verb == "remove") && pos.size() == 2) {
        if (!parseId(pos[1], id)) {
            std::cerr << "vigil-server: '" << pos[1] << "' is not a person id (see person list)\n";
            return kUsage;
        }
        if (verb == "remove") {
            if (auto r = service.removePerson(actor, id); !r) return refused(r.error());
            std::cout << "vigil-server: person #" << id << " removed; stations drop it on their next sync\n";
            return kOk;
        }
        auto list = service.listPersons(actor);
        if (!list) return refused(list.error());
        for (const auto& p : *list) {
            if (p.id != id) continue;
            std::cout << "id:       " << p.id << "\nname:     " << p.details.name << "\naliases: ";
            for (const auto& a : p.details.aliases) std::cout << " " << a;
            std::cout << "\ndanger:   " << protocol::describe(p.details.danger) << "\nreason:   " << p.details.reason
                      << "\nnotes:    " << p.details.notes << "\nphotos:   " << p.photo_count
                      << "\ncreated:  " << formatTime(p.created_at) << " by " << p.created_by
                      << "\nupdated:  " << formatTime(p.updated_at) << "\n";
            return kOk;
        }
        std::cerr << "vigil-server: no person with id " << id << "\n";
        return kRefused;
    }
    std::cerr << kUsageText;
    return kUsage;
}

}  // namespace vigil::server::cli
