// Accuracy of the recognition chain on a labelled folder (one sub-folder per
// identity holding photos): verification over all same/different pairs, the
// ROC, the best threshold, and rank-1 identification.
#pragma once

#include "vigil/recognition/Descriptor.hpp"

#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

namespace vigil::recognition {

class FaceEngine;

struct LabelledDescriptor {
    std::string identity;
    std::filesystem::path photo;
    Descriptor descriptor;
};

struct RocPoint {
    float threshold = 0.0f;
    double trueAcceptRate = 0.0;   // same-person pairs with distance <= threshold
    double falseAcceptRate = 0.0;  // different-person pairs with distance <= threshold
    double accuracy = 0.0;         // correctly decided pairs / all pairs
};

struct EvaluationReport {
    std::size_t identities = 0;
    std::size_t photos = 0;
    std::size_t samePairs = 0;
    std::size_t differentPairs = 0;
    float largestSameDistance = 0.0f;
    float smallestDifferentDistance = 0.0f;
    std::vector<RocPoint> roc;  // ascending thresholds
    RocPoint atThreshold;       // at the threshold asked for
    RocPoint best;              // highest accuracy (middle of the best run of thresholds)
    std::size_t rank1Queries = 0;  // photos whose identity has another photo
    std::size_t rank1Correct = 0;
};

// Descriptors of the largest face of every photo under dir/<identity>/.
// Photos with no face, or that cannot be read, are listed in skipped.
std::vector<LabelledDescriptor> describeLabelledFolder(const std::filesystem::path& dir, FaceEngine& engine,
                                                       std::vector<std::string>& skipped);

EvaluationReport evaluate(const std::vector<LabelledDescriptor>& samples,
                          float threshold = kDefaultMatchThreshold);

// The ROC (true accept rate against false accept rate) as a PNG plot.
void writeRocPng(const EvaluationReport& report, const std::filesystem::path& file);

// `evaluate DIR [--roc-png FILE] [--threshold T]`: prints the report to out.
// Returns a process exit code (0 ok, 1 failure, 2 usage).
int runEvaluateCommand(const std::vector<std::string>& args, std::ostream& out);

}  // namespace vigil::recognition
