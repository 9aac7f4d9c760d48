#include "vigil/recognition/Matcher.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <random>
#include <stdexcept>

using namespace vigil::recognition;

namespace {

Descriptor constant(float value) {
    Descriptor d;
    d.fill(value);
    return d;
}

// A descriptor at distance `distance` from `from` along the first axis.
Descriptor shifted(Descriptor from, float distance) {
    from[0] += distance;
    return from;
}

Descriptor randomDescriptor(std::mt19937& rng) {
    std::normal_distribution<float> n(0.0f, 0.09f);  // real descriptors have norm ~1
    Descriptor d;
    for (auto& v : d) v = n(rng);
    return d;
}

}  // namespace

TEST_CASE("the Euclidean distance of two descriptors is the square root of the summed squared differences") {
    CHECK(euclideanDistance(constant(0.0f), constant(0.0f)) == 0.0f);
    // 128 components differing by 0.5: sqrt(128 * 0.25)
    CHECK(euclideanDistance(constant(0.0f), constant(0.5f)) == doctest::Approx(std::sqrt(32.0f)));
    CHECK(euclideanDistance(shifted(constant(0.1f), 0.3f), constant(0.1f)) == doctest::Approx(0.3f));
}

TEST_CASE("an empty watchlist matches nobody") {
    const Matcher matcher("model");
    const MatchResult r = matcher.match(constant(0.0f));
    CHECK_FALSE(r.best.has_value());
    CHECK_FALSE(r.runnerUp.has_value());
    CHECK_FALSE(r.accepted);
}

TEST_CASE("the nearest enrolled person is the match and the nearest other person is the runner-up") {
    Matcher matcher("model");
    const Descriptor probe = constant(0.0f);
    matcher.add(1, shifted(probe, 0.45f));
    matcher.add(2, shifted(probe, 0.20f));
    matcher.add(2, shifted(probe, 0.90f));  // a worse photo of the same person must not become the runner-up
    matcher.add(3, shifted(probe, 0.70f));
    const MatchResult r = matcher.match(probe);
    REQUIRE(r.best);
    REQUIRE(r.runnerUp);
    CHECK(r.best->person == 2);
    CHECK(r.best->distance == doctest::Approx(0.20f));
    CHECK(r.runnerUp->person == 1);
    CHECK(r.runnerUp->distance == doctest::Approx(0.45f));
    CHECK(r.accepted);
}

TEST_CASE("a person's nearest photo counts, not the first one enrolled") {
    Matcher matcher("model");
    const Descriptor probe = constant(0.0f);
    matcher.add(7, shifted(probe, 0.8f));
    matcher.add(8, shifted(probe, 0.5f));
    matcher.add(7, shifted(probe, 0.1f));
    const MatchResult r = matcher.match(probe);
    CHECK(r.best->person == 7);
    CHECK(r.best->distance == doctest::Approx(0.1f));
    CHECK(r.runnerUp->person == 8);
}

TEST_CASE("a match farther than the threshold is reported but not accepted") {
    Matcher matcher("model", 0.6f);
    matcher.add(1, shifted(constant(0.0f), 0.61f));
    MatchResult r = matcher.match(constant(0.0f));
    REQUIRE(r.best);
    CHECK_FALSE(r.accepted);
    matcher.setThreshold(0.62f);
    r = matcher.match(constant(0.0f));
    CHECK(r.accepted);
    CHECK_THROWS(matcher.setThreshold(0.0f));
}

TEST_CASE("the similarity score is 1 at distance 0, one half at the threshold and 0 at twice the threshold") {
    const Matcher matcher("model", 0.6f);
    CHECK(matcher.similarity(0.0f) == doctest::Approx(1.0f));
    CHECK(matcher.similarity(0.6f) == doctest::Approx(0.5f));
    CHECK(matcher.similarity(1.2f) == doctest::Approx(0.0f));
    CHECK(matcher.similarity(3.0f) == doctest::Approx(0.0f));
}

TEST_CASE("removing a person removes all of their descriptors and nobody else's") {
    Matcher matcher("model");
    matcher.add(1, constant(0.0f));
    matcher.add(2, constant(0.2f));
    matcher.add(1, constant(0.1f));
    CHECK(matcher.remove(1) == 2);
    CHECK(matcher.size() == 1);
    const MatchResult r = matcher.match(constant(0.0f));
    CHECK(r.best->person == 2);
    CHECK_FALSE(r.runnerUp);
}

TEST_CASE("descriptors of another model are refused") {
    const Matcher matcher("aaaa");
    CHECK_NOTHROW(matcher.requireSameModel("aaaa"));
    CHECK_THROWS_AS(matcher.requireSameModel("bbbb"), std::runtime_error);
}

TEST_CASE("a descriptor with a non-finite value is refused") {
    Matcher matcher("model");
    Descriptor d = constant(0.0f);
    d[5] = std::numeric_limits<float>::quiet_NaN();
    CHECK_THROWS_AS(matcher.add(1, d), std::invalid_argument);
    CHECK(matcher.size() == 0);
}

TEST_CASE("a large watchlist scanned on several threads finds the same match as a brute-force search") {
    std::mt19937 rng(42);
    Matcher matcher("model");
    const std::size_t count = 100'000;  // above the parallel cut-off
    std::vector<Descriptor> gallery;
    gallery.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
        gallery.push_back(randomDescriptor(rng));
        matcher.add(static_cast<PersonId>(i / 3), gallery.back());  // three descriptors per person
    }
    std::vector<Descriptor> probes;
    for (int i = 0; i < 11; ++i) probes.push_back(randomDescriptor(rng));
    probes.push_back(shifted(gallery[77'777], 0.05f));  // one probe close to a known person

    const auto results = matcher.match(probes);  // batched: more probes than one block
    REQUIRE(results.size() == probes.size());
    for (std::size_t p = 0; p < probes.size(); ++p) {
        float best = 1e9f, second = 1e9f;
        PersonId bestPerson = -1;
        std::vector<float> perPerson(count / 3 + 1, 1e9f);
        for (std::size_t i = 0; i < count; ++i)
            perPerson[i / 3] = std::min(perPerson[i / 3], euclideanDistance(probes[p], gallery[i]));
        for (std::size_t person = 0; person < perPerson.size(); ++person) {
            if (perPerson[person] < best) {
                second = best;
                best = perPerson[person];
                bestPerson = static_cast<PersonId>(person);
            } else if (perPerson[person] < second) {
                second = perPerson[person];
            }
        }
        CHECK(results[p].best->person == bestPerson);
        CHECK(results[p].best->distance == doctest::Approx(best).epsilon(1e-5));
        CHECK(results[p].runnerUp->distance == doctest::Approx(second).epsilon(1e-5));
        CHECK(results[p].best->distance == doctest::Approx(matcher.match(probes[p]).best->distance));
    }
    CHECK(results.back().best->person == 77'777 / 3);
    CHECK(results.back().accepted);
}

// Issue 9: HQ's "not this person" examples.
TEST_CASE("a probe closer to one of the matched person's negatives than to the person is not accepted") {
    Matcher m("model-a", 0.6f);
    m.setNegativeMargin(0.0f);
    const Descriptor wanted = constant(0.1f);
    m.add(1, wanted);
    const Descriptor lookAlike = shifted(wanted, 0.5f);  // matched person 1 at 0.5, under the threshold
    REQUIRE(m.match(lookAlike).accepted);

    m.addNegative(1, shifted(wanted, 0.55f));  // HQ dismissed a photo of the look-alike
    const auto vetoed = m.match(shifted(wanted, 0.52f));  // 0.52 from the person, 0.03 from the negative
    CHECK(!vetoed.accepted);
    CHECK(vetoed.vetoedByNegative);
    REQUIRE(vetoed.nearestNegative);
    CHECK(*vetoed.nearestNegative == doctest::Approx(0.03f));
    REQUIRE(vetoed.best);
    CHECK(vetoed.best->person == 1);  // still reported, for the record

    // The wanted person's own face lies nearer to the photos than to the negative.
    const auto genuine = m.match(shifted(wanted, 0.2f));
    CHECK(genuine.accepted);
    CHECK(!genuine.vetoedByNegative);
}

TEST_CASE("within the negative margin a probe is vetoed even when it is nearer to the person, and only for that person") {
    Matcher m("model-a", 0.6f);
    m.add(1, constant(0.1f));
    m.add(2, constant(-0.1f));
    m.addNegative(1, shifted(constant(0.1f), 0.4f));
    m.setNegativeMargin(0.3f);
    // 0.15 from person 1, 0.25 from the negative: not closer, but within the margin.
    const auto near = m.match(shifted(constant(0.1f), 0.15f));
    CHECK(!near.accepted);
    CHECK(near.vetoedByNegative);
    m.setNegativeMargin(0.1f);
    CHECK(m.match(shifted(constant(0.1f), 0.15f)).accepted);
    // Person 2 has no negatives: a probe matched to it is never vetoed by person 1's.
    CHECK(m.match(shifted(constant(-0.1f), 0.05f)).accepted);
    CHECK_THROWS_AS(m.setNegativeMargin(-0.1f), std::invalid_argument);
    CHECK_THROWS_AS(m.addNegative(1, shifted(constant(0.0f), std::numeric_limits<float>::quiet_NaN())),
                    std::invalid_argument);
}

TEST_CASE("removing a person removes its negatives too") {
    Matcher m("model-a", 0.6f);
    m.add(1, constant(0.1f));
    m.add(2, constant(-0.1f));
    m.addNegative(1, constant(0.12f));
    m.addNegative(2, constant(-0.12f));
    CHECK(m.negativeCount() == 2);
    m.remove(1);
    CHECK(m.negativeCount() == 1);
    m.clear();
    CHECK(m.negativeCount() == 0);
}
