// WatchlistStore: the audit log, a SHA-256 hash chain made by
// security::AuditChain (hash = SHA-256(previous || canonical entry));
// changing, inserting or deleting an entry breaks every later link. Rows
// from before migration 3 (format 0) carry the older text encoding
// (security::legacyChainHashV0) and are verified with it; the chain runs on
// from the last of them.
#include "server/core/WatchlistStore.hpp"

#include "server/security/AuditChain.hpp"

namespace vigil::server {
namespace {

constexpr int kLegacyFormat = 0;
constexpr int kChainFormat = 1;

security::AuditEntry entryOf(std::int64_t id, const AuditRecord& r) {
    return {static_cast<std::uint64_t>(id), r.at_ms, r.actor, r.address, r.action, r.detail, r.target};
}

std::optional<crypto::Sha256> digestOf(const std::string& hex) {
    const auto bytes = crypto::fromHex(hex);
    crypto::Sha256 out{};
    if (!bytes || bytes->size() != out.size()) return std::nullopt;
    std::copy(bytes->begin(), bytes->end(), out.begin());
    return out;
}

}  // namespace

std::uint64_t WatchlistStore::appendAudit(const AuditRecord& r) {
    std::lock_guard lock(mutex_);
    Database::Transaction tx(db_);
    crypto::Sha256 head = security::kAuditGenesis;
    std::int64_t lastId = 0;
    auto last = db_.prepare("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1");
    if (last.step()) {
        lastId = last.int64(0);
        const auto stored = digestOf(last.text(1));
        // A damaged head is chained on as it is; `audit verify` reports it.
        if (stored) head = *stored;
    }
    security::AuditChain chain(head, static_cast<std::uint64_t>(lastId));
    const auto chained = chain.append(entryOf(0, r));
    db_.prepare("INSERT INTO audit(id, at_ms, actor, address, action, target, detail, prev_hash, hash, format) "
                "VALUES(?,?,?,?,?,?,?,?,?,?)")
        .bindAll(static_cast<std::int64_t>(chained.entry.sequence), r.at_ms, r.actor, r.address, r.action, r.target,
                 r.detail, crypto::toHex(head), crypto::toHex(chained.hash), kChainFormat)
        .run();
    tx.commit();
    return chained.entry.sequence;
}

std::vector<protocol::AuditEntry> WatchlistStore::auditAfter(std::uint64_t afterId, std::size_t limit) {
    std::lock_guard lock(mutex_);
    auto st = db_.prepare(
        "SELECT id, at_ms, actor, address, action, target, detail FROM audit WHERE id > ? ORDER BY id LIMIT ?");
    st.bindAll(afterId, static_cast<std::int64_t>(limit));
    std::vector<protocol::AuditEntry> out;
    while (st.step())
        out.push_back({static_cast<std::uint64_t>(st.int64(0)), st.int64(1) / 1000, st.text(2), st.text(3),
                       st.text(4), st.text(5), st.text(6)});
    return out;
}

std::optional<std::uint64_t> WatchlistStore::firstBrokenAuditLink() {
    std::lock_guard lock(mutex_);
    auto st = db_.prepare(
        "SELECT id, at_ms, actor, address, action, target, detail, prev_hash, hash, format FROM audit ORDER BY id");
    std::string previousHex = crypto::toHex(security::kAuditGenesis);
    std::string legacyPreviousHex(64, '0');  // format-0 chains began at "000...0" as text
    std::int64_t expectedId = 1;
    bool chainStarted = false;  // a format-1 row was seen: no format-0 row may follow
    std::vector<security::ChainedAuditEntry> chained;
    std::optional<crypto::Sha256> anchor;
    std::int64_t firstChainedId = 0;
    while (st.step()) {
        const auto id = st.int64(0);
        const AuditRecord r{st.int64(1), st.text(2), st.text(3), st.text(4), st.text(5), st.text(6)};
        const auto format = st.int64(9);
        if (id != expectedId) return static_cast<std::uint64_t>(id);
        ++expectedId;
        if (format == kLegacyFormat && !chainStarted) {
            if (st.text(7) != legacyPreviousHex || st.text(8) != security::legacyChainHashV0(legacyPreviousHex, entryOf(id, r)))
                return static_cast<std::uint64_t>(id);
            legacyPreviousHex = previousHex = st.text(8);
            continue;
        }
        if (format != kChainFormat) return static_cast<std::uint64_t>(id);
        if (!chainStarted) {
            chainStarted = true;
            anchor = digestOf(previousHex);
            firstChainedId = id;
            if (!anchor) return static_cast<std::uint64_t>(id);
        }
        const auto hash = digestOf(st.text(8));
        if (!hash) return static_cast<std::uint64_t>(id);
        chained.push_back({entryOf(id, r), *hash});
    }
    if (!chainStarted) return std::nullopt;
    const auto verdict = security::verifyChain(chained, *anchor, static_cast<std::uint64_t>(firstChainedId));
    if (verdict.intact()) return std::nullopt;
    return verdict.firstBrokenSequence;
}

}  // namespace vigil::server
