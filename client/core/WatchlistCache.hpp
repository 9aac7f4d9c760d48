#pragma once
// The station's copy of the watchlist. Kept up to date by version deltas
// from the server and kept on disk (sealed with AES-256-GCM under the
// station's at-rest key, see AtRestKey.hpp) so that a restarted station
// matches before the server answers. Descriptors computed with another
// recognition model are not comparable with the station's: such a watchlist
// is refused, never silently matched.

#include "protocol/Crypto.hpp"
#include "protocol/Messages.hpp"

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace vigil::client {

enum class DeltaOutcome {
    Applied,        // the cache moved to the delta's version (or is waiting for `more` pages)
    ModelMismatch,  // computed with another model: refused, cache unchanged
    VersionGap,     // the delta does not start where the cache is: ask for everything
};

struct DeltaResult {
    DeltaOutcome outcome = DeltaOutcome::Applied;
    std::string message;  // a sentence for the operator
};

class WatchlistCache {
public:
    // localModelFingerprint: SHA-256 of this station's descriptor model.
    WatchlistCache(std::filesystem::path file, const crypto::Key256& key,
                   std::string localModelFingerprint);

    // Loads the sealed file. Returns an empty string on success (or when
    // there is no file yet), else why the file was not used: it is then
    // ignored and replaced at the next sync.
    std::string load();

    DeltaResult apply(const protocol::WatchlistDelta& delta);

    std::uint64_t version() const;
    std::size_t size() const;
    // A consistent copy for the matcher; cheap to share between threads.
    std::shared_ptr<const std::map<std::uint64_t, protocol::WantedPerson>> persons() const;
    const std::string& modelFingerprint() const { return fingerprint_; }

private:
    void save();

    std::filesystem::path file_;
    crypto::Key256 key_;
    std::string fingerprint_;
    mutable std::mutex mutex_;
    std::uint64_t version_ = 0;
    std::shared_ptr<const std::map<std::uint64_t, protocol::WantedPerson>> persons_;
    // Pages of a multi-page delta are collected here until the last one.
    std::map<std::uint64_t, protocol::WantedPerson> staged_;
    bool inPagedDelta_ = false;
};

}  // namespace vigil::client
