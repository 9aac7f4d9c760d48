#include "server/security/AuditChain.hpp"

#include <openssl/evp.h>

#include <memory>
#include <stdexcept>

namespace vigil::server::security {
namespace {

void putU64(std::string& out, std::uint64_t v) {
    for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>((v >> shift) & 0xFF));
}

void putString(std::string& out, const std::string& s) {
    putU64(out, s.size());
    out += s;
}

}  // namespace

std::string canonicalEncoding(const AuditEntry& e) {
    std::string out = "vigil-audit-v1";
    out.push_back('\0');
    putU64(out, e.sequence);
    putU64(out, static_cast<std::uint64_t>(e.time));
    putString(out, e.actor);
    putString(out, e.address);
    putString(out, e.action);
    putString(out, e.detail);
    // Appended only when present: entries without a target keep the encoding
    // (and hashes) they had before the field existed; the encoding still
    // decodes one way (after the detail comes either the end or a target).
    if (!e.target.empty()) putString(out, e.target);
    return out;
}

std::string legacyChainHashV0(const std::string& previousHex, const AuditEntry& e) {
    std::string material;
    for (const std::string& field : {previousHex, std::to_string(e.sequence), std::to_string(e.time), e.actor,
                                     e.address, e.action, e.target, e.detail})
        material += std::to_string(field.size()) + ":" + field + ";";
    return crypto::toHex(crypto::sha256(material));
}

crypto::Sha256 chainHash(const crypto::Sha256& previous, const AuditEntry& entry) {
    const std::string body = canonicalEncoding(entry);
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    crypto::Sha256 out{};
    unsigned int length = 0;
    if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1 ||
        EVP_DigestUpdate(ctx.get(), previous.data(), previous.size()) != 1 ||
        EVP_DigestUpdate(ctx.get(), body.data(), body.size()) != 1 ||
        EVP_DigestFinal_ex(ctx.get(), out.data(), &length) != 1 || length != out.size())
        throw std::runtime_error("SHA-256 failed");
    return out;
}

ChainedAuditEntry AuditChain::append(AuditEntry entry) {
    entry.sequence = lastSequence_ + 1;
    ChainedAuditEntry chained{std::move(entry), {}};
    chained.hash = chainHash(head_, chained.entry);
    head_ = chained.hash;
    lastSequence_ = chained.entry.sequence;
    return chained;
}

ChainVerdict verifyChain(std::span<const ChainedAuditEntry> entries, const crypto::Sha256& anchor,
                         std::uint64_t firstSequence, const std::optional<crypto::Sha256>& expectedHead) {
    ChainVerdict verdict;
    crypto::Sha256 previous = anchor;
    std::uint64_t expectedSequence = firstSequence;
    for (const ChainedAuditEntry& e : entries) {
        if (e.entry.sequence != expectedSequence) {
            verdict.problem = ChainVerdict::Problem::SequenceGap;
            verdict.firstBrokenSequence = e.entry.sequence;
            verdict.description = "entry " + std::to_string(e.entry.sequence) + " follows entry " +
                                  std::to_string(expectedSequence - 1) + ": entries were removed or inserted";
            return verdict;
        }
        const crypto::Sha256 computed = chainHash(previous, e.entry);
        if (!crypto::constantTimeEqual(computed, e.hash)) {
            verdict.problem = ChainVerdict::Problem::HashMismatch;
            verdict.firstBrokenSequence = e.entry.sequence;
            verdict.description = "entry " + std::to_string(e.entry.sequence) +
                                  " does not match its hash: it or the entry before it was altered";
            return verdict;
        }
        previous = e.hash;
        ++expectedSequence;
        ++verdict.checked;
    }
    if (expectedHead && !crypto::constantTimeEqual(previous, *expectedHead)) {
        verdict.problem = ChainVerdict::Problem::HeadMismatch;
        verdict.description = "the chain is consistent but does not end at the recorded head: "
                              "entries were cut off the end";
        return verdict;
    }
    verdict.description = "all " + std::to_string(verdict.checked) + " entries verify";
    return verdict;
}

}  // namespace vigil::server::security
