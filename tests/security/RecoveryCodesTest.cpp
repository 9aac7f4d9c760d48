#include "server/security/RecoveryCodes.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cctype>
#include <set>
#include <stdexcept>

using namespace vigil::server::security;

TEST_CASE("each recovery code works exactly once") {
    const NewRecoveryCodes fresh = generateRecoveryCodes(10);
    REQUIRE(fresh.shownOnce.size() == 10);
    RecoveryCodeSet set = RecoveryCodeSet::parse(fresh.stored);
    CHECK(set.remaining() == 10);
    for (const auto& code : fresh.shownOnce) {
        CHECK(set.consume(code));
        CHECK_FALSE(set.consume(code));
        // What the server stores after use no longer accepts it either.
        RecoveryCodeSet reloaded = RecoveryCodeSet::parse(set.serialize());
        CHECK_FALSE(reloaded.consume(code));
    }
    CHECK(set.remaining() == 0);
}

TEST_CASE("recovery codes are stored only as hashes") {
    const NewRecoveryCodes fresh = generateRecoveryCodes(5);
    for (const auto& code : fresh.shownOnce) {
        CHECK(fresh.stored.find(code) == std::string::npos);
        std::string bare = code;
        bare.erase(std::remove(bare.begin(), bare.end(), '-'), bare.end());
        CHECK(fresh.stored.find(bare) == std::string::npos);
    }
}

TEST_CASE("recovery codes are unique, 80-bit, and typed loosely") {
    const NewRecoveryCodes fresh = generateRecoveryCodes(20);
    CHECK(std::set<std::string>(fresh.shownOnce.begin(), fresh.shownOnce.end()).size() == 20);
    for (const auto& code : fresh.shownOnce) {
        CHECK(code.size() == 19);  // 16 symbols in groups of four
        CHECK(code.find_first_of("ILOU") == std::string::npos);
    }
    RecoveryCodeSet set = RecoveryCodeSet::parse(fresh.stored);
    std::string typed = fresh.shownOnce[3];
    typed.erase(std::remove(typed.begin(), typed.end(), '-'), typed.end());
    std::transform(typed.begin(), typed.end(), typed.begin(), [](char c) { return static_cast<char>(std::tolower(c)); });
    typed = typed.substr(0, 8) + " " + typed.substr(8);
    CHECK(set.consume(typed));
    CHECK(set.remaining() == 19);
}

TEST_CASE("a wrong recovery code consumes nothing") {
    const NewRecoveryCodes fresh = generateRecoveryCodes(3);
    RecoveryCodeSet set = RecoveryCodeSet::parse(fresh.stored);
    CHECK_FALSE(set.consume("0000-0000-0000-0000"));
    CHECK_FALSE(set.consume(""));
    CHECK(set.remaining() == 3);
    CHECK(set.serialize() == fresh.stored);
}

TEST_CASE("a malformed stored recovery set is refused") {
    CHECK_THROWS_AS(RecoveryCodeSet::parse(""), std::invalid_argument);
    CHECK_THROWS_AS(RecoveryCodeSet::parse("vigil-recovery-v1 nothex"), std::invalid_argument);
    const NewRecoveryCodes fresh = generateRecoveryCodes(2);
    CHECK_THROWS_AS(RecoveryCodeSet::parse(fresh.stored + " abc"), std::invalid_argument);
    CHECK_THROWS_AS((void)generateRecoveryCodes(0), std::invalid_argument);
}
