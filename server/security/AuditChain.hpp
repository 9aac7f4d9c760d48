#pragma once
// A tamper-evident audit log: every entry carries
//   hash = SHA-256(previous hash || canonical encoding of the entry)
// starting from 32 zero bytes. Altering, removing, inserting or reordering an
// entry breaks the link at that point; verifyChain() names the first broken
// one. Cutting entries off the END is only visible against a head hash kept
// elsewhere (the expectedHead argument), which is why the server should
// record the head in its backups or print it with `audit verify`.

#include "protocol/Crypto.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace vigil::server::security {

struct AuditEntry {
    std::uint64_t sequence = 0;  // 1, 2, 3, ... without gaps
    std::int64_t time = 0;       // unix time in the caller's unit (watchlist.db: milliseconds)
    std::string actor;           // user name or "station:NAME" or "system"
    std::string address;         // peer address, empty for local actions
    std::string action;          // "login.success", "person.remove", "key.rotate", ...
    std::string detail;          // free text; never secrets
    std::string target;          // what the action was on ("person 12", "user bob"); may be empty
    bool operator==(const AuditEntry&) const = default;
};

struct ChainedAuditEntry {
    AuditEntry entry;
    crypto::Sha256 hash{};
};

inline constexpr crypto::Sha256 kAuditGenesis{};

// Unambiguous bytes for an entry: a domain tag, integers as 8-byte big-endian,
// strings as 8-byte big-endian length + bytes. ("ab","c") and ("a","bc")
// encode differently.
std::string canonicalEncoding(const AuditEntry& entry);

crypto::Sha256 chainHash(const crypto::Sha256& previous, const AuditEntry& entry);

// The link of audit rows written by vigil-server before it used this module
// (watchlist.db rows with format 0): SHA-256 over decimal-length-prefixed
// text fields, as lowercase hex. Only for verifying those rows; new rows use
// chainHash().
std::string legacyChainHashV0(const std::string& previousHex, const AuditEntry& entry);

// Appends entries in order; the server keeps one per audit table, seeded from
// the last stored row at open.
class AuditChain {
public:
    explicit AuditChain(crypto::Sha256 head = kAuditGenesis, std::uint64_t lastSequence = 0)
        : head_(head), lastSequence_(lastSequence) {}

    // Assigns the next sequence number and returns the entry with its hash.
    ChainedAuditEntry append(AuditEntry entry);
    const crypto::Sha256& head() const noexcept { return head_; }
    std::uint64_t lastSequence() const noexcept { return lastSequence_; }

private:
    crypto::Sha256 head_;
    std::uint64_t lastSequence_;
};

struct ChainVerdict {
    enum class Problem {
        None,
        HashMismatch,      // an entry's content or stored hash was changed, or a link is missing
        SequenceGap,       // a sequence number skipped or repeated (entry removed / inserted)
        HeadMismatch,      // the chain is intact but ends somewhere other than the expected head
    };
    Problem problem = Problem::None;
    std::size_t checked = 0;                     // entries that verified before the break
    std::optional<std::uint64_t> firstBrokenSequence;
    std::string description;                     // one sentence for `audit verify`
    bool intact() const noexcept { return problem == Problem::None; }
};

ChainVerdict verifyChain(std::span<const ChainedAuditEntry> entries,
                         const crypto::Sha256& anchor = kAuditGenesis,
                         std::uint64_t firstSequence = 1,
                         const std::optional<crypto::Sha256>& expectedHead = std::nullopt);

}  // namespace vigil::server::security
