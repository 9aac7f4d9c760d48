// vigil-server review list|confirm ID|dismiss ID --reason R (issue 9): the
// match review queue on the command line, as the local administrator. A
// running server pushes the decision to its stations and consoles (it
// notices the write, as it does for `person add`).
#include "server/cli/Commands.hpp"

#include <boost/program_options.hpp>

#include <iomanip>
#include <iostream>

namespace po = boost::program_options;

namespace vigil::server::cli {
namespace {

constexpr const char* kUsageText =
    "usage: vigil-server review list [--limit N] [--data-dir DIR]\n"
    "       vigil-server review confirm ID [--data-dir DIR]\n"
    "       vigil-server review dismiss ID --reason wrong-person|poor-image|duplicate|other [--note TEXT] "
    "[--data-dir DIR]\n";

void printDecision(const protocol::SightingDecided& d) {
    std::cout << "vigil-server: sighting " << d.sighting_id << " " << protocol::describe(d.decision) << " by "
              << d.decided_by << " at " << formatTime(d.decided_at_ms / 1000);
    if (d.decision == protocol::ReviewState::Dismissed) std::cout << " (" << protocol::describe(d.reason) << ")";
    std::cout << "\n";
}

}  // namespace

int review(const Args& args) {
    ServerConfig config;
    std::uint32_t limit = 200;
    std::string reason;
    std::string note;
    po::options_description extra("review");
    extra.add_options()("limit", po::value(&limit)->default_value(limit), "list at most this many")(
        "reason", po::value(&reason), "why a sighting is dismissed: wrong-person, poor-image, duplicate, other")(
        "note", po::value(&note), "free text kept with the decision (at most 500 characters)");
    po::variables_map vm;
    const auto positional = parseServerConfig(args, config, extra, vm);
    const bool list = positional.size() == 1 && positional[0] == "list";
    const bool decide = positional.size() == 2 && (positional[0] == "confirm" || positional[0] == "dismiss");
    if (!list && !decide) {
        std::cerr << kUsageText;
        return kUsage;
    }
    if (list) {
        HqService service(config);
        auto pending = service.listPendingSightings(localAdmin(), limit);
        if (!pending) return refused(pending.error());
        std::cout << "id\treceived\tperson\tdanger\tstation\tdistance\trunner-up\tplace\n";
        for (const auto& s : *pending) {
            std::cout << s.id << "\t" << formatTime(s.received_at_ms / 1000) << "\t" << s.person_name << " (#"
                      << s.person_id << ")\t" << protocol::describe(s.danger) << "\t" << s.station << "\t"
                      << std::fixed << std::setprecision(3) << s.distance << "\t";
            if (s.runner_up_id != 0)
                std::cout << (s.runner_up_name.empty() ? "#" + std::to_string(s.runner_up_id) : s.runner_up_name)
                          << " " << s.runner_up_distance;
            else
                std::cout << "-";
            std::cout << "\t" << s.location.place << "\n";
        }
        std::cout << pending->size() << " sighting(s) waiting for review\n";
        return kOk;
    }
    std::uint64_t id = 0;
    try {
        std::size_t used = 0;
        id = std::stoull(positional[1], &used);
        if (used != positional[1].size() || id == 0) throw std::invalid_argument("id");
    } catch (const std::exception&) {
        std::cerr << "vigil-server: the sighting id must be a positive number (see `vigil-server review list`)\n";
        return kUsage;
    }
    if (positional[0] == "confirm") {
        if (vm.count("reason")) {
            std::cerr << "vigil-server: --reason belongs to `review dismiss`\n";
            return kUsage;
        }
        HqService service(config);
        auto decided = service.confirmSighting(localAdmin(), id);
        if (!decided) return refused(decided.error());
        printDecision(*decided);
        return kOk;
    }
    protocol::DismissReason why{};
    if (!protocol::parseDismissReason(reason, why)) {
        std::cerr << "vigil-server: `review dismiss` needs --reason wrong-person, poor-image, duplicate or other\n";
        return kUsage;
    }
    HqService service(config);
    auto decided = service.dismissSighting(localAdmin(), id, why, note);
    if (!decided) return refused(decided.error());
    printDecision(*decided);
    return kOk;
}

}  // namespace vigil::server::cli
