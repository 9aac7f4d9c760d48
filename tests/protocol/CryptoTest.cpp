#include "protocol/Crypto.hpp"

#include <doctest/doctest.h>

using namespace vigil::crypto;

TEST_CASE("SHA-256 matches the FIPS 180-2 test vector") {
    CHECK(toHex(sha256("abc")) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE("hex round-trips and rejects non-hex") {
    const Bytes b{0x00, 0x7f, 0xff};
    CHECK(toHex(b) == "007fff");
    CHECK(*fromHex("007FFF") == b);
    CHECK_FALSE(fromHex("0g"));
    CHECK_FALSE(fromHex("abc"));
}

TEST_CASE("random tokens differ and have the asked length") {
    const auto a = randomHex(32), b = randomHex(32);
    CHECK(a.size() == 64);
    CHECK(a != b);
}

TEST_CASE("constant-time comparison tells equal from different") {
    CHECK(constantTimeEqual(std::string_view("secret"), std::string_view("secret")));
    CHECK_FALSE(constantTimeEqual(std::string_view("secret"), std::string_view("secreT")));
    CHECK_FALSE(constantTimeEqual(std::string_view("secret"), std::string_view("secrets")));
}

TEST_CASE("a sealed record opens with the same key and associated data only") {
    const Key256 key = randomKey();
    const Bytes photo{1, 2, 3, 4, 5, 6, 7, 8, 9};
    const Bytes record = seal(key, photo, "photo:17");
    CHECK(record.size() == photo.size() + kSealOverhead);
    REQUIRE(open(key, record, "photo:17"));
    CHECK(*open(key, record, "photo:17") == photo);

    CHECK_FALSE(open(key, record, "photo:18"));      // swapped into another row
    CHECK_FALSE(open(randomKey(), record, "photo:17"));  // another key
    for (std::size_t i = 0; i < record.size(); ++i) {   // any flipped byte
        Bytes tampered = record;
        tampered[i] ^= 0x01;
        CHECK_FALSE(open(key, tampered, "photo:17"));
    }
    CHECK_FALSE(open(key, std::span(record).first(10), "photo:17"));
}

TEST_CASE("sealing the same data twice gives different records (fresh nonce)") {
    const Key256 key = randomKey();
    const Bytes data{42};
    CHECK(seal(key, data, "x") != seal(key, data, "x"));
}
