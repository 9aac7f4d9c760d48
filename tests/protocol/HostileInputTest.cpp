// Hostile sizes: counts that promise far more than the frame holds must be
// rejected without allocating anything near the claim.
#include "CountingAllocator.hpp"
#include "protocol/FrameCodec.hpp"

#include <doctest/doctest.h>

#include <cstring>
#include <optional>
#include <random>

using namespace vigil::protocol;

namespace {

// A 64-byte payload: endian byte, request id, wire type, then a u64 count and
// zero padding, as a hostile peer would send it.
std::vector<std::uint8_t> hostilePayload(std::uint16_t wireType, std::uint64_t count,
                                         std::size_t countOffsetExtra = 0) {
    std::vector<std::uint8_t> p(64, 0);
    p[0] = 1;  // little endian
    p[1] = 1;  // request id 1
    std::memcpy(&p[5], &wireType, 2);
    std::memcpy(&p[7 + countOffsetExtra], &count, 8);
    return p;
}

constexpr std::uint16_t indexOf(const Message& m) { return static_cast<std::uint16_t>(m.index()); }

// Decodes under an allocation probe; the verdict and the largest single
// allocation made while decoding.
struct ProbedDecode {
    std::optional<DecodeFailure> failure;
    std::size_t largestAllocation = 0;
};

ProbedDecode decodeProbed(const std::vector<std::uint8_t>& payload, const FrameLimits& limits) {
    vigil::test::AllocationProbe probe;
    auto r = decodePayload(payload, limits);
    const auto largest = probe.largest();
    return {std::move(r.failure), largest};
}

void checkRejectedSmall(const ProbedDecode& d, DecodeError expected, std::size_t maxAllocation = 4096) {
    REQUIRE(d.failure);
    CHECK(d.failure->error == expected);
    CHECK(d.largestAllocation < maxAllocation);
}

}  // namespace

TEST_CASE("a vector count of 2^32 inside a 64-byte frame is rejected without allocating") {
    checkRejectedSmall(decodeProbed(hostilePayload(indexOf(UserList{}), 1ULL << 32), kSessionLimits),
                       DecodeError::CountExceedsLimit);
}

TEST_CASE("a count within the protocol limit but beyond the frame is rejected without allocating") {
    // Generous limits so only the remaining-bytes check stands in the way.
    const FrameLimits generous{1u << 30, 1u << 30, 0xFFFFFFFFu};
    // 2^32 - 1 elements: within the 32-bit protocol limit, far beyond the frame.
    SUBCASE("vector of structs") {
        checkRejectedSmall(decodeProbed(hostilePayload(indexOf(UserList{}), 0xFFFFFFFFULL), generous),
                           DecodeError::CountExceedsRemainingBytes);
    }
    SUBCASE("byte blob") {
        // CaptchaChallenge: challenge_id (empty string: 8 zero bytes), then png count.
        checkRejectedSmall(decodeProbed(hostilePayload(indexOf(CaptchaChallenge{}), 0xFFFFFFFFULL, 8), generous),
                           DecodeError::CountExceedsRemainingBytes);
    }
    SUBCASE("a plausible count of structs that each need many bytes") {
        // 40 elements in 49 bytes passes the 1-byte-per-element bound, but
        // decoding them must fail on truncation while memory stays small.
        checkRejectedSmall(decodeProbed(hostilePayload(indexOf(UserList{}), 40), generous),
                           DecodeError::TruncatedPayload, 64 * 1024);
    }
}

TEST_CASE("a string length of 2^32 inside a 64-byte frame is rejected without allocating") {
    checkRejectedSmall(decodeProbed(hostilePayload(indexOf(LoginRequest{}), 1ULL << 32), kPreLoginLimits),
                       DecodeError::StringTooLong);

    const FrameLimits generous{1u << 30, 0xFFFFFFFFu, 0xFFFFFFFFu};
    // 2^32 - 1: within a 32-bit limit, so only the remaining-bytes check stops it.
    checkRejectedSmall(decodeProbed(hostilePayload(indexOf(LoginRequest{}), 0xFFFFFFFFULL), generous),
                       DecodeError::CountExceedsRemainingBytes);
}

TEST_CASE("strings over the pre-login limit are refused before login but fine after") {
    LoginRequest login;
    login.username = std::string(kPreLoginLimits.max_string_bytes + 1, 'x');
    const auto frame = encodeFrame(Envelope{1, login});
    CHECK(decodeFrame(frame, kPreLoginLimits).failure->error == DecodeError::StringTooLong);
    CHECK(decodeFrame(frame, kSessionLimits).ok());
}

TEST_CASE("random garbage never crashes the decoder and is always rejected or decoded") {
    std::mt19937 rng(1234);
    int rejected = 0;
    for (int i = 0; i < 20000; ++i) {
        std::vector<std::uint8_t> bytes(rng() % 96);
        for (auto& b : bytes) b = static_cast<std::uint8_t>(rng());
        if (!bytes.empty()) bytes[0] = 1;
        const auto r = decodePayload(bytes, kPreLoginLimits);
        CHECK(r.ok() != r.failure.has_value());
        rejected += r.failure ? 1 : 0;
    }
    CHECK(rejected > 0);
}
