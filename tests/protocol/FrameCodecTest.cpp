// Round trips and framing of every message type.
#include "FillArchive.hpp"
#include "protocol/FrameCodec.hpp"

#include <doctest/doctest.h>

#include <sstream>
#include <utility>

using namespace vigil::protocol;

namespace {

template <std::size_t I>
Envelope filledEnvelope(std::uint32_t seed) {
    vigil::test::FillArchive fill(seed);
    Envelope env;
    env.request_id = seed * 7919u + 1;
    fill(env.message.emplace<I>());
    return env;
}

template <std::size_t... I>
void roundTripEveryType(std::index_sequence<I...>) {
    (
        [] {
            for (std::uint32_t seed = 1; seed <= 20; ++seed) {
                const Envelope sent = filledEnvelope<I>(seed);
                const auto frame = encodeFrame(sent);
                const DecodeResult got = decodeFrame(frame, kSessionLimits);
                INFO("message ", messageName(I), " seed ", seed);
                REQUIRE_MESSAGE(got.ok(), (got.failure ? got.failure->detail : ""));
                CHECK(got.envelope->request_id == sent.request_id);
                CHECK(got.envelope->message.index() == I);
                // Byte-identical re-encoding proves every field survived.
                CHECK(encodeFrame(*got.envelope) == frame);
            }
        }(),
        ...);
}

std::vector<std::uint8_t> frameOf(const std::vector<std::uint8_t>& payload) {
    const auto n = static_cast<std::uint32_t>(payload.size());
    std::vector<std::uint8_t> f(kFrameHeaderBytes + payload.size());
    f[0] = static_cast<std::uint8_t>(n >> 24);
    f[1] = static_cast<std::uint8_t>(n >> 16);
    f[2] = static_cast<std::uint8_t>(n >> 8);
    f[3] = static_cast<std::uint8_t>(n);
    std::copy(payload.begin(), payload.end(), f.begin() + kFrameHeaderBytes);
    return f;
}

}  // namespace

TEST_CASE("every message type round-trips with all its fields") {
    roundTripEveryType(std::make_index_sequence<std::variant_size_v<Message>>{});
}

TEST_CASE("wire types are pinned: existing message numbers never move") {
    CHECK(Message(Hello{}).index() == 0);
    CHECK(Message(Error{}).index() == 4);
    CHECK(Message(LoginRequest{}).index() == 10);
    CHECK(Message(WatchlistDelta{}).index() == 15);
    CHECK(Message(SightingReport{}).index() == 17);
    CHECK(Message(AlertPush{}).index() == 20);
    CHECK(messageName(Message(AuditList{})) == "AuditList");
}

TEST_CASE("a frame starts with its payload length in big-endian order") {
    const auto frame = encodeFrame(Envelope{5, Ping{42}});
    const std::uint32_t announced = (std::uint32_t{frame[0]} << 24) | (std::uint32_t{frame[1]} << 16) |
                                    (std::uint32_t{frame[2]} << 8) | frame[3];
    CHECK(announced == frame.size() - kFrameHeaderBytes);
}

TEST_CASE("a truncated frame is rejected with the reason") {
    const auto frame = encodeFrame(Envelope{1, LoginRequest{"officer", "pw", "c", "a", ""}});
    SUBCASE("header cut") {
        const auto r = decodeFrame(std::span(frame).first(3), kSessionLimits);
        REQUIRE(r.failure);
        CHECK(r.failure->error == DecodeError::TruncatedHeader);
    }
    SUBCASE("payload cut") {
        const auto r = decodeFrame(std::span(frame).first(frame.size() - 1), kSessionLimits);
        REQUIRE(r.failure);
        CHECK(r.failure->error == DecodeError::TruncatedPayload);
    }
    SUBCASE("payload that ends inside a field") {
        std::vector<std::uint8_t> payload(frame.begin() + 4, frame.end() - 3);
        const auto r = decodePayload(payload, kSessionLimits);
        REQUIRE(r.failure);
        CHECK(r.failure->error == DecodeError::TruncatedPayload);
    }
}

TEST_CASE("a length prefix above the limit is rejected before any payload is read") {
    std::array<std::uint8_t, 4> header{0x7F, 0xFF, 0xFF, 0xFF};
    const auto r = readFrameHeader(header, kSessionLimits);
    REQUIRE(r.failure);
    CHECK(r.failure->error == DecodeError::FrameTooLarge);

    // The pre-login limit is far smaller: a 20 KiB frame is fine after login only.
    const std::uint32_t n = 20 * 1024;
    std::array<std::uint8_t, 4> medium{0, static_cast<std::uint8_t>(n >> 16), static_cast<std::uint8_t>(n >> 8),
                                       static_cast<std::uint8_t>(n)};
    CHECK(readFrameHeader(medium, kSessionLimits).ok());
    CHECK(readFrameHeader(medium, kPreLoginLimits).failure->error == DecodeError::FrameTooLarge);
}

TEST_CASE("a zero-length frame is rejected") {
    std::array<std::uint8_t, 4> header{0, 0, 0, 0};
    CHECK(readFrameHeader(header, kSessionLimits).failure->error == DecodeError::EmptyFrame);
}

TEST_CASE("an unknown message type is rejected") {
    // endian byte, request id 9, wire type 999
    const auto r = decodeFrame(frameOf({1, 9, 0, 0, 0, 0xE7, 0x03}), kSessionLimits);
    REQUIRE(r.failure);
    CHECK(r.failure->error == DecodeError::UnknownMessageType);
}

TEST_CASE("trailing bytes after a message are rejected") {
    auto payload = encodePayload(Envelope{1, Ping{7}});
    payload.push_back(0);
    const auto r = decodeFrame(frameOf(payload), kSessionLimits);
    REQUIRE(r.failure);
    CHECK(r.failure->error == DecodeError::TrailingBytes);

    // and bytes after the announced payload inside one buffer
    auto frame = encodeFrame(Envelope{1, Ping{7}});
    frame.push_back(0);
    CHECK(decodeFrame(frame, kSessionLimits).failure->error == DecodeError::TrailingBytes);
}

TEST_CASE("an enum value outside its range is rejected") {
    auto payload = encodePayload(Envelope{3, CaptchaRequest{CaptchaPurpose::Register}});
    payload.back() = 200;  // the purpose byte
    const auto r = decodePayload(payload, kSessionLimits);
    REQUIRE(r.failure);
    CHECK(r.failure->error == DecodeError::InvalidValue);
}

TEST_CASE("a bad endianness marker is rejected") {
    auto payload = encodePayload(Envelope{3, Ping{1}});
    payload[0] = 7;
    CHECK(decodePayload(payload, kSessionLimits).failure->error == DecodeError::BadArchiveHeader);
}

TEST_CASE("a big-endian sender is understood") {
    std::ostringstream out(std::ios::binary);
    {
        cereal::PortableBinaryOutputArchive ar(out, cereal::PortableBinaryOutputArchive::Options::BigEndian());
        Ping ping{0x0102030405060708ULL};
        ar(std::uint32_t{77}, std::uint16_t{2}, ping);
    }
    const std::string s = out.str();
    const auto r = decodePayload(std::vector<std::uint8_t>(s.begin(), s.end()), kSessionLimits);
    REQUIRE(r.ok());
    CHECK(r.envelope->request_id == 77);
    CHECK(std::get<Ping>(r.envelope->message).nonce == 0x0102030405060708ULL);
}

TEST_CASE("a sender refuses to build a frame its peer must reject") {
    CaptchaChallenge big;
    big.png.assign(kPreLoginLimits.max_frame_bytes + 1, 0);
    CHECK_THROWS_AS(encodeFrame(Envelope{1, big}, kPreLoginLimits), std::length_error);
    CHECK_NOTHROW(encodeFrame(Envelope{1, big}, kSessionLimits));
}

TEST_CASE("error codes have a sentence for the user") {
    for (int c = 0; c <= static_cast<int>(kLastErrorCode); ++c) {
        const auto code = static_cast<ErrorCode>(c);
        CHECK(errorSentence(code) != "Unknown error.");
        CHECK(describe(code) != "unknown");
    }
}

TEST_CASE("a boolean byte other than 0 or 1 is rejected") {
    WatchlistDelta delta;
    auto payload = encodePayload(Envelope{1, delta});
    // endian(1) request_id(4) type(2) from(8) to(8) -> `full` at offset 23
    payload[23] = 2;
    const auto r = decodePayload(payload, kSessionLimits);
    REQUIRE(r.failure);
    CHECK(r.failure->error == DecodeError::InvalidValue);
}
