#include "client/core/WatchlistCache.hpp"

#include "client/core/AtRestKey.hpp"
#include "protocol/FrameCodec.hpp"

#include <fstream>
#include <iterator>

namespace vigil::client {
namespace {

constexpr std::string_view kAssociatedData = "vigil-watchlist-cache-v1";
// The cache file is written by this station and authenticated by its key;
// the limits only bound what a damaged file can make the decoder allocate.
constexpr protocol::FrameLimits kCacheLimits{1u << 30, 12 * 1024 * 1024, 4 * 1024 * 1024};

using PersonMap = std::map<std::uint64_t, protocol::WantedPerson>;

}  // namespace

WatchlistCache::WatchlistCache(std::filesystem::path file, const crypto::Key256& key,
                               std::string localModelFingerprint)
    : file_(std::move(file)), key_(key), fingerprint_(std::move(localModelFingerprint)),
      persons_(std::make_shared<PersonMap>()) {}

std::string WatchlistCache::load() {
    std::ifstream in(file_, std::ios::binary);
    if (!in) return {};
    const std::vector<std::uint8_t> sealed((std::istreambuf_iterator<char>(in)),
                                           std::istreambuf_iterator<char>());
    const auto plain = crypto::open(key_, sealed, kAssociatedData);
    if (!plain)
        return "the cached watchlist cannot be opened (damaged, or sealed under another station "
               "key); waiting for the server";
    auto decoded = protocol::decodePayload(*plain, kCacheLimits);
    const auto* stored =
        decoded.ok() ? std::get_if<protocol::WatchlistDelta>(&decoded.envelope->message) : nullptr;
    if (!stored) return "the cached watchlist is unreadable; waiting for the server";
    if (stored->model_fingerprint != fingerprint_)
        return "the cached watchlist was computed with another recognition model; waiting for the "
               "server";
    auto persons = std::make_shared<PersonMap>();
    for (const auto& person : stored->upserts) (*persons)[person.id] = person;
    std::lock_guard lock(mutex_);
    version_ = stored->to_version;
    persons_ = std::move(persons);
    return {};
}

DeltaResult WatchlistCache::apply(const protocol::WatchlistDelta& delta) {
    // A list without persons carries no descriptors to compare (an HQ with an
    // empty watchlist may not even know its model yet): nothing to refuse.
    const bool hasDescriptors = !delta.upserts.empty();
    if (hasDescriptors && delta.model_fingerprint != fingerprint_) {
        return {DeltaOutcome::ModelMismatch,
                "watchlist refused: HQ computed it with recognition model " +
                    delta.model_fingerprint.substr(0, 12) + "..., this station runs " +
                    fingerprint_.substr(0, 12) +
                    "...; descriptors of different models cannot be compared. Install the "
                    "same model on both sides."};
    }
    {
        std::lock_guard lock(mutex_);
        if (!inPagedDelta_) {
            if (!delta.full && delta.from_version != version_)
                return {DeltaOutcome::VersionGap,
                        "the watchlist delta starts at version " +
                            std::to_string(delta.from_version) + " but the station has " +
                            std::to_string(version_) + "; asking for the full list"};
            staged_ = delta.full ? PersonMap{} : *persons_;
            inPagedDelta_ = true;
        }
        for (const auto& person : delta.upserts) staged_[person.id] = person;
        for (auto id : delta.removed_ids) staged_.erase(id);
        if (delta.more) return {DeltaOutcome::Applied, {}};
        persons_ = std::make_shared<PersonMap>(std::move(staged_));
        staged_.clear();
        inPagedDelta_ = false;
        version_ = delta.to_version;
    }
    save();
    return {DeltaOutcome::Applied, {}};
}

std::uint64_t WatchlistCache::version() const {
    std::lock_guard lock(mutex_);
    return version_;
}

std::size_t WatchlistCache::size() const {
    std::lock_guard lock(mutex_);
    return persons_->size();
}

std::shared_ptr<const PersonMap> WatchlistCache::persons() const {
    std::lock_guard lock(mutex_);
    return persons_;
}

void WatchlistCache::save() {
    protocol::WatchlistDelta stored;
    {
        std::lock_guard lock(mutex_);
        stored.to_version = version_;
        stored.full = true;
        stored.model_fingerprint = fingerprint_;
        for (const auto& [id, person] : *persons_) stored.upserts.push_back(person);
    }
    const auto plain = protocol::encodePayload(protocol::Envelope{0, stored});
    if (file_.has_parent_path()) std::filesystem::create_directories(file_.parent_path());
    writeFileAtomically(file_, crypto::seal(key_, plain, kAssociatedData));
}

}  // namespace vigil::client
