// WatchlistStore: the audit log, a SHA-256 hash chain. Each entry's hash
// covers the previous entry's hash and its own fields (length-prefixed, so no
// two different entries encode alike); changing or deleting an entry breaks
// every later link.
#include "server/core/WatchlistStore.hpp"

namespace vigil::server {
namespace {

std::string chainHash(const std::string& prev, std::int64_t id, const AuditRecord& r) {
    std::string material;
    for (const std::string& field : {prev, std::to_string(id), std::to_string(r.at_ms), r.actor, r.address, r.action,
                                     r.target, r.detail})
        material += std::to_string(field.size()) + ":" + field + ";";
    return crypto::toHex(crypto::sha256(material));
}

}  // namespace

std::uint64_t WatchlistStore::appendAudit(const AuditRecord& r) {
    std::lock_guard lock(mutex_);
    Database::Transaction tx(db_);
    std::string prev(64, '0');
    std::int64_t id = 1;
    auto last = db_.prepare("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1");
    if (last.step()) {
        id = last.int64(0) + 1;
        prev = last.text(1);
    }
    db_.prepare("INSERT INTO audit(id, at_ms, actor, address, action, target, detail, prev_hash, hash) "
                "VALUES(?,?,?,?,?,?,?,?,?)")
        .bindAll(id, r.at_ms, r.actor, r.address, r.action, r.target, r.detail, prev, chainHash(prev, id, r))
        .run();
    tx.commit();
    return static_cast<std::uint64_t>(id);
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
        "SELECT id, at_ms, actor, address, action, target, detail, prev_hash, hash FROM audit ORDER BY id");
    std::string prev(64, '0');
    std::int64_t expectedId = 1;
    while (st.step()) {
        const auto id = st.int64(0);
        const AuditRecord r{st.int64(1), st.text(2), st.text(3), st.text(4), st.text(5), st.text(6)};
        if (id != expectedId || st.text(7) != prev || st.text(8) != chainHash(prev, id, r))
            return static_cast<std::uint64_t>(id);
        prev = st.text(8);
        ++expectedId;
    }
    return std::nullopt;
}

}  // namespace vigil::server
