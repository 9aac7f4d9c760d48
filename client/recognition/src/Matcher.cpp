#include "vigil/recognition/Matcher.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <thread>

namespace vigil::recognition {

namespace {

// The reduction is written for `omp simd` (compiled with -fopenmp-simd, no
// OpenMP runtime): without it the compiler may not reorder the float sum and
// the loop stays scalar.
inline float squaredDistance(const float* a, const float* b) {
    float sum = 0.0f;
#pragma omp simd reduction(+ : sum)
    for (std::size_t k = 0; k < kDescriptorSize; ++k) {
        const float d = a[k] - b[k];
        sum += d * d;
    }
    return sum;
}

// The two nearest *different* persons seen so far (squared distances).
struct TopTwo {
    static constexpr float kNone = std::numeric_limits<float>::infinity();
    PersonId bestPerson = 0, secondPerson = 0;
    float best = kNone, second = kNone;

    void offer(PersonId person, float d) {
        if (person == bestPerson && best != kNone) {
            best = std::min(best, d);
        } else if (d < best) {
            secondPerson = bestPerson;
            second = best;
            bestPerson = person;
            best = d;
        } else if (person == secondPerson && second != kNone) {
            second = std::min(second, d);
        } else if (d < second) {
            secondPerson = person;
            second = d;
        }
    }
    // Exact: a person beyond another part's top two is farther than two
    // distinct persons, so it can be neither the best nor the runner-up.
    void merge(const TopTwo& other) {
        if (other.best != kNone) offer(other.bestPerson, other.best);
        if (other.second != kNone) offer(other.secondPerson, other.second);
    }
};

// Below this many descriptors a second thread costs more than it saves.
constexpr std::size_t kParallelFrom = 1 << 15;
// Probes handled per pass: each gallery row is loaded once and compared with
// all of them while it sits in L1.
constexpr std::size_t kProbeBlock = 8;

// Built twice, for AVX2+FMA and for the x86-64 baseline the project compiles
// for; the loader picks the AVX2 copy where the CPU has it. With 8 probes per
// pass the scan is bound by arithmetic, which AVX2 doubles.
#if defined(__x86_64__) && defined(__GNUC__)
__attribute__((target_clones("arch=x86-64-v3", "default")))
#endif
void scan(const float* values, const PersonId* persons, std::size_t begin, std::size_t end, const Descriptor* probes,
          std::size_t probeCount, TopTwo* out) {
    for (std::size_t row = begin; row < end; ++row) {
        const float* r = values + row * kDescriptorSize;
        for (std::size_t p = 0; p < probeCount; ++p) out[p].offer(persons[row], squaredDistance(r, probes[p].data()));
    }
}

}  // namespace

float euclideanDistance(const Descriptor& a, const Descriptor& b) {
    return std::sqrt(squaredDistance(a.data(), b.data()));
}

Matcher::Matcher(std::string modelFingerprint, float threshold) : fingerprint_(std::move(modelFingerprint)) {
    setThreshold(threshold);
}

void Matcher::setThreshold(float threshold) {
    if (!(threshold > 0.0f && threshold < 2.0f)) throw std::invalid_argument("match threshold must be in (0, 2)");
    threshold_ = threshold;
}

void Matcher::requireSameModel(std::string_view fingerprint) const {
    if (fingerprint != fingerprint_)
        throw std::runtime_error("descriptors from model " + std::string(fingerprint) +
                                 " cannot be matched against model " + fingerprint_);
}

void Matcher::add(PersonId person, const Descriptor& descriptor) {
    for (float v : descriptor)
        if (!std::isfinite(v)) throw std::invalid_argument("descriptor holds a non-finite value");
    values_.insert(values_.end(), descriptor.begin(), descriptor.end());
    persons_.push_back(person);
}

void Matcher::addNegative(PersonId person, const Descriptor& descriptor) {
    for (float v : descriptor)
        if (!std::isfinite(v)) throw std::invalid_argument("negative descriptor holds a non-finite value");
    negatives_.push_back(descriptor);
    negativeOwners_.push_back(person);
}

void Matcher::setNegativeMargin(float margin) {
    if (!(margin >= 0.0f && margin < 2.0f)) throw std::invalid_argument("negative margin must be in [0, 2)");
    negativeMargin_ = margin;
}

std::size_t Matcher::remove(PersonId person) {
    std::size_t kept = 0;
    for (std::size_t row = 0; row < persons_.size(); ++row) {
        if (persons_[row] == person) continue;
        if (kept != row) {
            std::copy_n(values_.begin() + static_cast<std::ptrdiff_t>(row * kDescriptorSize), kDescriptorSize,
                        values_.begin() + static_cast<std::ptrdiff_t>(kept * kDescriptorSize));
            persons_[kept] = persons_[row];
        }
        ++kept;
    }
    const std::size_t removed = persons_.size() - kept;
    persons_.resize(kept);
    values_.resize(kept * kDescriptorSize);
    std::size_t keptNegatives = 0;
    for (std::size_t i = 0; i < negativeOwners_.size(); ++i) {
        if (negativeOwners_[i] == person) continue;
        negatives_[keptNegatives] = negatives_[i];
        negativeOwners_[keptNegatives++] = negativeOwners_[i];
    }
    negatives_.resize(keptNegatives);
    negativeOwners_.resize(keptNegatives);
    return removed;
}

void Matcher::clear() {
    values_.clear();
    persons_.clear();
    negatives_.clear();
    negativeOwners_.clear();
}

void Matcher::reserve(std::size_t descriptors) {
    values_.reserve(descriptors * kDescriptorSize);
    persons_.reserve(descriptors);
}

float Matcher::similarity(float distance) const {
    return std::clamp(1.0f - distance / (2.0f * threshold_), 0.0f, 1.0f);
}

MatchResult Matcher::match(const Descriptor& probe) const { return match(std::span<const Descriptor>(&probe, 1)).front(); }

std::vector<MatchResult> Matcher::match(std::span<const Descriptor> probes) const {
    std::vector<TopTwo> top(probes.size());
    const std::size_t rows = persons_.size();
    const unsigned threads = rows >= kParallelFrom ? std::clamp(std::thread::hardware_concurrency(), 1u, 4u) : 1u;

    for (std::size_t first = 0; first < probes.size(); first += kProbeBlock) {
        const std::size_t count = std::min(kProbeBlock, probes.size() - first);
        std::vector<std::vector<TopTwo>> parts(threads, std::vector<TopTwo>(count));
        std::vector<std::jthread> workers;
        const std::size_t chunk = (rows + threads - 1) / threads;
        for (unsigned t = 1; t < threads; ++t)
            workers.emplace_back([&, t] {
                scan(values_.data(), persons_.data(), std::min(rows, t * chunk), std::min(rows, (t + 1) * chunk),
                     probes.data() + first, count, parts[t].data());
            });
        scan(values_.data(), persons_.data(), 0, std::min(rows, chunk), probes.data() + first, count, parts[0].data());
        workers.clear();  // joins
        for (std::size_t p = 0; p < count; ++p)
            for (unsigned t = 0; t < threads; ++t) top[first + p].merge(parts[t][p]);
    }

    std::vector<MatchResult> results(probes.size());
    for (std::size_t p = 0; p < probes.size(); ++p) {
        const TopTwo& t = top[p];
        auto& r = results[p];
        if (t.best != TopTwo::kNone) {
            const float d = std::sqrt(t.best);
            r.best = Candidate{t.bestPerson, d, similarity(d)};
            r.accepted = d <= threshold_;
            // Negatives are few (a handful per person dismissed by HQ): a plain scan.
            for (std::size_t i = 0; i < negativeOwners_.size(); ++i)
                if (negativeOwners_[i] == t.bestPerson) {
                    const float n = euclideanDistance(probes[p], negatives_[i]);
                    if (!r.nearestNegative || n < *r.nearestNegative) r.nearestNegative = n;
                }
            if (r.accepted && r.nearestNegative && (*r.nearestNegative < d || *r.nearestNegative <= negativeMargin_)) {
                r.accepted = false;
                r.vetoedByNegative = true;
            }
        }
        if (t.second != TopTwo::kNone) {
            const float d = std::sqrt(t.second);
            r.runnerUp = Candidate{t.secondPerson, d, similarity(d)};
        }
    }
    return results;
}

}  // namespace vigil::recognition
