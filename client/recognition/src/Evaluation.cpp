#include "vigil/recognition/Evaluation.hpp"

#include "vigil/recognition/BlasCheck.hpp"
#include "vigil/recognition/FaceEngine.hpp"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cstdio>
#include <iomanip>
#include <limits>
#include <set>
#include <stdexcept>

namespace vigil::recognition {

namespace fs = std::filesystem;

namespace {

bool isPhoto(const fs::path& p) {
    std::string ext = p.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return ext == ".jpg" || ext == ".jpeg" || ext == ".png" || ext == ".bmp" || ext == ".webp";
}

struct Pair {
    float distance;
    bool same;
};

RocPoint pointAt(const std::vector<Pair>& pairs, std::size_t same, std::size_t different, float threshold) {
    std::size_t trueAccepts = 0, falseAccepts = 0;
    for (const auto& p : pairs) {
        if (p.distance <= threshold) (p.same ? trueAccepts : falseAccepts)++;
    }
    RocPoint r;
    r.threshold = threshold;
    r.trueAcceptRate = same ? static_cast<double>(trueAccepts) / same : 0.0;
    r.falseAcceptRate = different ? static_cast<double>(falseAccepts) / different : 0.0;
    const std::size_t correct = trueAccepts + (different - falseAccepts);
    r.accuracy = pairs.empty() ? 0.0 : static_cast<double>(correct) / pairs.size();
    return r;
}

}  // namespace

std::vector<LabelledDescriptor> describeLabelledFolder(const fs::path& dir, FaceEngine& engine,
                                                       std::vector<std::string>& skipped) {
    if (!fs::is_directory(dir)) throw std::runtime_error(dir.string() + " is not a directory");
    std::vector<fs::path> identities;
    for (const auto& entry : fs::directory_iterator(dir))
        if (entry.is_directory()) identities.push_back(entry.path());
    std::sort(identities.begin(), identities.end());

    std::vector<LabelledDescriptor> samples;
    for (const auto& identityDir : identities) {
        std::vector<fs::path> photos;
        for (const auto& entry : fs::directory_iterator(identityDir))
            if (entry.is_regular_file() && isPhoto(entry.path())) photos.push_back(entry.path());
        std::sort(photos.begin(), photos.end());
        for (const auto& photo : photos) {
            const cv::Mat image = cv::imread(photo.string(), cv::IMREAD_COLOR);
            if (image.empty()) {
                skipped.push_back(photo.string() + ": cannot be decoded");
                continue;
            }
            const auto faces = engine.analyse(image);  // largest first
            if (faces.empty()) {
                skipped.push_back(photo.string() + ": no face found");
                continue;
            }
            samples.push_back({identityDir.filename().string(), photo, faces.front().descriptor});
        }
    }
    return samples;
}

EvaluationReport evaluate(const std::vector<LabelledDescriptor>& samples, float threshold) {
    EvaluationReport report;
    std::set<std::string> identities;
    for (const auto& s : samples) identities.insert(s.identity);
    report.identities = identities.size();
    report.photos = samples.size();

    std::vector<Pair> pairs;
    report.smallestDifferentDistance = std::numeric_limits<float>::infinity();
    for (std::size_t i = 0; i < samples.size(); ++i)
        for (std::size_t j = i + 1; j < samples.size(); ++j) {
            const bool same = samples[i].identity == samples[j].identity;
            const float d = euclideanDistance(samples[i].descriptor, samples[j].descriptor);
            pairs.push_back({d, same});
            if (same) {
                ++report.samePairs;
                report.largestSameDistance = std::max(report.largestSameDistance, d);
            } else {
                ++report.differentPairs;
                report.smallestDifferentDistance = std::min(report.smallestDifferentDistance, d);
            }
        }

    // Coarse table for people; the best threshold is searched on a fine grid.
    for (int t = 30; t <= 90; t += 5)
        report.roc.push_back(pointAt(pairs, report.samePairs, report.differentPairs, t / 100.0f));
    report.atThreshold = pointAt(pairs, report.samePairs, report.differentPairs, threshold);

    // Every threshold of the best accuracy forms a run; its middle has the
    // widest margin on both sides.
    double bestAccuracy = -1.0;
    int runStart = 0, runEnd = 0;
    for (int t = 10; t <= 150; ++t) {
        const double a = pointAt(pairs, report.samePairs, report.differentPairs, t / 100.0f).accuracy;
        if (a > bestAccuracy + 1e-12) {
            bestAccuracy = a;
            runStart = runEnd = t;
        } else if (a > bestAccuracy - 1e-12 && runEnd == t - 1) {
            runEnd = t;
        }
    }
    report.best = pointAt(pairs, report.samePairs, report.differentPairs, (runStart + runEnd) / 200.0f);

    // Rank-1: each photo against all the others; it counts when its identity
    // has at least one other photo to be found.
    for (std::size_t i = 0; i < samples.size(); ++i) {
        float nearest = std::numeric_limits<float>::infinity();
        const LabelledDescriptor* nearestSample = nullptr;
        bool identityHasOther = false;
        for (std::size_t j = 0; j < samples.size(); ++j) {
            if (i == j) continue;
            identityHasOther |= samples[j].identity == samples[i].identity;
            const float d = euclideanDistance(samples[i].descriptor, samples[j].descriptor);
            if (d < nearest) {
                nearest = d;
                nearestSample = &samples[j];
            }
        }
        if (!identityHasOther) continue;
        ++report.rank1Queries;
        if (nearestSample != nullptr && nearestSample->identity == samples[i].identity) ++report.rank1Correct;
    }
    return report;
}

void writeRocPng(const EvaluationReport& report, const fs::path& file) {
    const int size = 480, margin = 60, plot = size - 2 * margin;
    cv::Mat canvas(size, size, CV_8UC3, cv::Scalar(255, 255, 255));
    const auto toPixel = [&](double far, double tar) {
        return cv::Point(margin + static_cast<int>(far * plot), size - margin - static_cast<int>(tar * plot));
    };
    const cv::Scalar black(0, 0, 0), grey(200, 200, 200), blue(200, 80, 0), red(0, 0, 220);
    for (int i = 0; i <= 10; ++i) {
        cv::line(canvas, toPixel(i / 10.0, 0), toPixel(i / 10.0, 1), grey);
        cv::line(canvas, toPixel(0, i / 10.0), toPixel(1, i / 10.0), grey);
    }
    cv::rectangle(canvas, toPixel(0, 1), toPixel(1, 0), black);
    cv::putText(canvas, "false accept rate", cv::Point(size / 2 - 70, size - 20), cv::FONT_HERSHEY_SIMPLEX, 0.5, black);
    cv::putText(canvas, "true accept rate", cv::Point(5, margin - 10), cv::FONT_HERSHEY_SIMPLEX, 0.5, black);
    cv::putText(canvas, "0", toPixel(0, 0) + cv::Point(-5, 18), cv::FONT_HERSHEY_SIMPLEX, 0.4, black);
    cv::putText(canvas, "1", toPixel(1, 0) + cv::Point(-5, 18), cv::FONT_HERSHEY_SIMPLEX, 0.4, black);
    cv::putText(canvas, "1", toPixel(0, 1) + cv::Point(-15, 5), cv::FONT_HERSHEY_SIMPLEX, 0.4, black);

    // The curve through every threshold of the table, from (0,0) to (1,1).
    std::vector<cv::Point> curve{toPixel(0, 0)};
    for (const auto& p : report.roc) curve.push_back(toPixel(p.falseAcceptRate, p.trueAcceptRate));
    curve.push_back(toPixel(1, 1));
    cv::polylines(canvas, curve, false, blue, 2, cv::LINE_AA);
    for (const auto& p : report.roc) cv::circle(canvas, toPixel(p.falseAcceptRate, p.trueAcceptRate), 3, blue, -1);
    const auto& b = report.best;
    cv::circle(canvas, toPixel(b.falseAcceptRate, b.trueAcceptRate), 6, red, 2, cv::LINE_AA);
    char caption[128];
    std::snprintf(caption, sizeof caption, "best threshold %.2f: accuracy %.1f%%", b.threshold, 100.0 * b.accuracy);
    cv::putText(canvas, caption, cv::Point(margin, 30), cv::FONT_HERSHEY_SIMPLEX, 0.5, red, 1, cv::LINE_AA);
    if (!cv::imwrite(file.string(), canvas)) throw std::runtime_error("cannot write " + file.string());
}

int runEvaluateCommand(const std::vector<std::string>& args, std::ostream& out) {
    fs::path dir, rocPng;
    float threshold = kDefaultMatchThreshold;
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--roc-png" && i + 1 < args.size()) {
            rocPng = args[++i];
        } else if (args[i] == "--threshold" && i + 1 < args.size()) {
            try {
                threshold = std::stof(args[++i]);
            } catch (const std::exception&) {
                out << "evaluate: --threshold needs a number\n";
                return 2;
            }
        } else if (dir.empty() && !args[i].starts_with("--")) {
            dir = args[i];
        } else {
            out << "usage: evaluate DIR [--roc-png FILE] [--threshold T]\n"
                   "  DIR holds one folder per identity with that person's photos\n";
            return 2;
        }
    }
    if (dir.empty()) {
        out << "usage: evaluate DIR [--roc-png FILE] [--threshold T]\n";
        return 2;
    }
    try {
        const BlasInfo blas = detectBlas();
        if (auto warning = blasWarning(blas)) out << *warning << "\n";
        FaceEngine engine;
        std::vector<std::string> skipped;
        const auto samples = describeLabelledFolder(dir, engine, skipped);
        for (const auto& s : skipped) out << "skipped " << s << "\n";
        if (samples.size() < 2) {
            out << "evaluate: fewer than two usable photos in " << dir << "\n";
            return 1;
        }
        const EvaluationReport r = evaluate(samples, threshold);
        out << std::fixed << std::setprecision(3);
        out << "model " << engine.modelFingerprint().substr(0, 16) << "...  " << r.identities << " identities, "
            << r.photos << " photos, " << r.samePairs << " same-person pairs, " << r.differentPairs
            << " different-person pairs\n";
        out << "largest same-person distance " << r.largestSameDistance << ", smallest different-person distance "
            << r.smallestDifferentDistance << "\n";
        out << "threshold  true-accept  false-accept  accuracy\n";
        for (const auto& p : r.roc)
            out << "  " << std::setw(5) << p.threshold << "    " << std::setw(7) << p.trueAcceptRate << "      "
                << std::setw(7) << p.falseAcceptRate << "     " << std::setw(7) << p.accuracy << "\n";
        out << "verification accuracy at threshold " << r.atThreshold.threshold << ": "
            << 100.0 * r.atThreshold.accuracy << "%\n";
        out << "best threshold " << std::setprecision(2) << r.best.threshold << std::setprecision(3)
            << ": accuracy " << 100.0 * r.best.accuracy << "%\n";
        out << "rank-1 identification: " << r.rank1Correct << "/" << r.rank1Queries << " = "
            << (r.rank1Queries ? 100.0 * r.rank1Correct / r.rank1Queries : 0.0) << "%\n";
        if (!rocPng.empty()) {
            writeRocPng(r, rocPng);
            out << "ROC written to " << rocPng.string() << "\n";
        }
        return 0;
    } catch (const std::exception& e) {
        out << "evaluate: " << e.what() << "\n";
        return 1;
    }
}

}  // namespace vigil::recognition
