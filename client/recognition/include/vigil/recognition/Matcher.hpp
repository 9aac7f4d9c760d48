// Matching probe descriptors against enrolled ones. Descriptors are kept in
// one contiguous float array so a scan streams memory linearly and the
// distance loop vectorises; large galleries are scanned on two threads.
#pragma once

#include "vigil/recognition/Descriptor.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace vigil::recognition {

using PersonId = std::int64_t;

struct Candidate {
    PersonId person = 0;
    float distance = 0.0f;    // Euclidean, to the person's nearest descriptor
    float similarity = 0.0f;  // for display: 1 at distance 0, 0.5 at the threshold, 0 at twice it
};

struct MatchResult {
    std::optional<Candidate> best;      // nearest person, accepted or not
    std::optional<Candidate> runnerUp;  // nearest *other* person
    bool accepted = false;              // best->distance <= threshold and no negative vetoed it
    // Issue 9: the best person's nearest negative ("not this person"
    // example) and whether it vetoed the match.
    std::optional<float> nearestNegative;
    bool vetoedByNegative = false;
};

class Matcher {
public:
    // modelFingerprint: the model the descriptors come from (see
    // ModelFingerprint.hpp). Descriptors of different models are not
    // comparable: check sets from elsewhere with requireSameModel().
    explicit Matcher(std::string modelFingerprint, float threshold = kDefaultMatchThreshold);

    void add(PersonId person, const Descriptor& descriptor);
    // A face HQ dismissed as "not this person" (issue 9). A probe matched to
    // `person` is not accepted when it lies closer to one of the person's
    // negatives than to the person's nearest own descriptor, or within
    // negativeMargin() of a negative.
    void addNegative(PersonId person, const Descriptor& descriptor);
    std::size_t negativeCount() const { return negativeOwners_.size(); }
    float negativeMargin() const { return negativeMargin_; }
    void setNegativeMargin(float margin);
    // Removes every descriptor and negative of the person; returns how many
    // descriptors there were.
    std::size_t remove(PersonId person);
    void clear();
    void reserve(std::size_t descriptors);

    std::size_t size() const { return persons_.size(); }
    const std::string& modelFingerprint() const { return fingerprint_; }
    float threshold() const { return threshold_; }
    void setThreshold(float threshold);
    // Throws std::runtime_error when fingerprint names another model.
    void requireSameModel(std::string_view fingerprint) const;

    MatchResult match(const Descriptor& probe) const;
    // Several probes in one pass over the gallery: each enrolled descriptor
    // is read from memory once for all of them.
    std::vector<MatchResult> match(std::span<const Descriptor> probes) const;

    float similarity(float distance) const;

private:
    std::string fingerprint_;
    float threshold_;
    std::vector<float> values_;      // size() * kDescriptorSize, row per descriptor
    std::vector<PersonId> persons_;  // owner of each row
    std::vector<Descriptor> negatives_;
    std::vector<PersonId> negativeOwners_;
    float negativeMargin_ = kDefaultNegativeMargin;
};

}  // namespace vigil::recognition
