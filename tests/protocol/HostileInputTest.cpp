// Hostile sizes: counts that promise far more than the frame holds must be
// rejected without allocating anything near the claim.
#include "CountingAllocator.hpp"
#include "protocol/FrameCodec.hpp"

#include <doctest/doctest.h>

#include <cstring>
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

}  // namespace

TEST_CASE("a vector count of 2^32 inside a 64-byte frame is rejected without allocating") {
    const auto payload = hostilePayload(indexOf(UserList{}), 1ULL << 32);
    vigil::test::AllocationProbe probe;
    const auto r = decodePayload(payload, kSessionLimits);
    const auto largest = probe.largest();
    REQUIRE(r.failure);
    CHECK(r.failure->error == DecodeError::CountExceedsLimit);
    CHECK(largest < 4096);
}

TEST_CASE("a count within the protocol limit but beyond the frame is rejected without allocating") {
    // Generous limits so only the remaining-bytes check stands in the way.
    const FrameLimits generous{1u << 30, 1u << 30, 0xFFFFFFFFu};
    // 2^32 - 1 elements: within the 32-bit protocol limit, far beyond the frame.
    SUBCASE("vector of structs") {
        const auto payload = hostilePayload(indexOf(UserList{}), 0xFFFFFFFFULL);
        vigil::test::AllocationProbe probe;
        const auto r = decodePayload(payload, generous);
        const auto largest = probe.largest();
        REQUIRE(r.failure);
        CHECK(r.failure->error == DecodeError::CountExceedsRemainingBytes);
        CHECK(largest < 4096);
    }
    SUBCASE("byte blob") {
        // CaptchaChallenge: challenge_id (empty string: 8 zero bytes), then png count.
        const auto payload = hostilePayload(indexOf(CaptchaChallenge{}), 0xFFFFFFFFULL, 8);
        vigil::test::AllocationProbe probe;
        const auto r = decodePayload(payload, generous);
        const auto largest = probe.largest();
        REQUIRE(r.failure);
        CHECK(r.failure->error == DecodeError::CountExceedsRemainingBytes);
        CHECK(largest < 4096);
    }
    SUBCASE("a plausible count of structs that each need many bytes") {
        // 40 elements in 49 bytes passes the 1-byte-per-element bound, but
        // decoding them must fail on truncation while memory stays small.
        const auto payload = hostilePayload(indexOf(UserList{}), 40);
        vigil::test::AllocationProbe probe;
        const auto r = decodePayload(payload, generous);
        const auto largest = probe.largest();
        REQUIRE(r.failure);
        CHECK(r.failure->error == DecodeError::TruncatedPayload);
        CHECK(largest < 64 * 1024);
    }
}

TEST_CASE("a string length of 2^32 inside a 64-byte frame is rejected without allocating") {
    const auto payload = hostilePayload(indexOf(LoginRequest{}), 1ULL << 32);
    vigil::test::AllocationProbe probe;
    const auto r = decodePayload(payload, kPreLoginLimits);
    const auto largest = probe.largest();
    REQUIRE(r.failure);
    CHECK(r.failure->error == DecodeError::StringTooLong);
    CHECK(largest < 4096);

    const FrameLimits generous{1u << 30, 0xFFFFFFFFu, 0xFFFFFFFFu};
    // 2^32 - 1: within a 32-bit limit, so only the remaining-bytes check stops it.
    const auto payload2 = hostilePayload(indexOf(LoginRequest{}), 0xFFFFFFFFULL);
    vigil::test::AllocationProbe probe2;
    const auto r2 = decodePayload(payload2, generous);
    const auto largest2 = probe2.largest();
    REQUIRE(r2.failure);
    CHECK(r2.failure->error == DecodeError::CountExceedsRemainingBytes);
    CHECK(largest2 < 4096);
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
