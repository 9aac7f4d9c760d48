#include "server/security/RecordSealer.hpp"

#include <doctest/doctest.h>

#include <numeric>

using namespace vigil::server::security;
namespace crypto = vigil::crypto;

namespace {
crypto::Bytes samplePhoto() {
    crypto::Bytes photo(300);
    std::iota(photo.begin(), photo.end(), std::uint8_t{0});
    return photo;
}
}  // namespace

TEST_CASE("a sealed photo opens to the same bytes at the same location") {
    const RecordSealer sealer(crypto::randomKey());
    const auto photo = samplePhoto();
    const auto sealed = sealer.seal({"photos", 42}, photo);
    CHECK(sealed.size() == photo.size() + crypto::kSealOverhead);
    const OpenedRecord opened = sealer.open({"photos", 42}, sealed);
    REQUIRE(opened.authentic());
    CHECK(opened.bytes() == photo);
    CHECK(opened.location() == "photos:42");
}

TEST_CASE("flipping any single byte of a sealed photo makes it tampered and yields no bytes") {
    const RecordSealer sealer(crypto::randomKey());
    const auto sealed = sealer.seal({"photos", 1}, samplePhoto());
    for (std::size_t i = 0; i < sealed.size(); ++i) {
        auto altered = sealed;
        altered[i] ^= 0x01;
        OpenedRecord opened = sealer.open({"photos", 1}, altered);
        CHECK(opened.tampered());
        CHECK_THROWS_AS((void)opened.bytes(), TamperedRecordError);
        CHECK_THROWS_AS((void)opened.takeBytes(), TamperedRecordError);
    }
}

TEST_CASE("a record moved to another row, table or column is reported as tampered") {
    const RecordSealer sealer(crypto::randomKey());
    const auto sealed = sealer.seal({"photos", 5}, samplePhoto());
    CHECK(sealer.open({"photos", 6}, sealed).tampered());
    CHECK(sealer.open({"sightings.snapshot", 5}, sealed).tampered());
    CHECK(sealer.open({"photos.descriptor", 5}, sealed).tampered());
    // "photos:5" must not collide with table "photos:5" id 0 or similar splices.
    CHECK_THROWS_AS((void)sealer.seal({"photos:5", 0}, samplePhoto()), std::invalid_argument);
    CHECK_THROWS_AS((void)sealer.seal({"", 5}, samplePhoto()), std::invalid_argument);
}

TEST_CASE("a truncated, empty or foreign-key record is tampered") {
    const RecordSealer sealer(crypto::randomKey());
    const RecordSealer other(crypto::randomKey());
    const auto sealed = sealer.seal({"photos", 9}, samplePhoto());
    CHECK(sealer.open({"photos", 9}, crypto::Bytes{}).tampered());
    CHECK(sealer.open({"photos", 9}, std::span(sealed).first(crypto::kSealOverhead - 1)).tampered());
    CHECK(sealer.open({"photos", 9}, std::span(sealed).first(sealed.size() - 1)).tampered());
    CHECK(other.open({"photos", 9}, sealed).tampered());
}

TEST_CASE("sealing the same photo twice gives different ciphertexts") {
    const RecordSealer sealer(crypto::randomKey());
    const auto photo = samplePhoto();
    const auto a = sealer.seal({"photos", 3}, photo);
    const auto b = sealer.seal({"photos", 3}, photo);
    CHECK(a != b);
    CHECK(!std::equal(a.begin(), a.begin() + 12, b.begin()));  // fresh nonce
}

TEST_CASE("a descriptor round-trips bit-exactly and a tampered one yields nothing") {
    const RecordSealer sealer(crypto::randomKey());
    std::vector<float> descriptor(128);
    for (std::size_t i = 0; i < descriptor.size(); ++i) descriptor[i] = static_cast<float>(i) * -0.0123f + 0.5f;
    auto sealed = sealer.sealFloats({"photos.descriptor", 11}, descriptor);
    const auto opened = sealer.openFloats({"photos.descriptor", 11}, sealed);
    REQUIRE(opened.has_value());
    CHECK(*opened == descriptor);
    sealed[20] ^= 0x80;
    CHECK_FALSE(sealer.openFloats({"photos.descriptor", 11}, sealed).has_value());
    // Authentic bytes that are not whole floats are refused too.
    const auto odd = sealer.seal({"photos.descriptor", 12}, crypto::Bytes{1, 2, 3});
    CHECK_FALSE(sealer.openFloats({"photos.descriptor", 12}, odd).has_value());
}
