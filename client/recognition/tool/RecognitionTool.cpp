// vigil-recognition-tool: a stand-in front end for the recognition library's
// commands until vigil-client calls the same functions.
//   evaluate DIR [--roc-png FILE] [--threshold T]
//   faces [--upsample N] [--draw DIR] IMAGE...
//       faces found, with box, confidence and enrolment verdict; --draw
//       writes each image with its boxes as DIR/<name>.png (to check by eye)
#include "vigil/recognition/EnrolmentQuality.hpp"
#include "vigil/recognition/Evaluation.hpp"
#include "vigil/recognition/FaceDetector.hpp"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <filesystem>

#include <iostream>
#include <string>
#include <vector>

namespace {

int facesCommand(const std::vector<std::string>& args) {
    vigil::recognition::DetectorOptions options;
    std::size_t first = 0;
    std::string drawDir;
    while (first + 1 < args.size() && args[first].starts_with("--")) {
        if (args[first] == "--upsample") options.upsample = std::stoi(args[first + 1]);
        else if (args[first] == "--draw") drawDir = args[first + 1];
        else break;
        first += 2;
    }
    vigil::recognition::FaceDetector detector(options);
    vigil::recognition::FaceDetector enrolDetector(vigil::recognition::enrolmentDetectorOptions());
    int status = 0;
    for (std::size_t i = first; i < args.size(); ++i) {
        const cv::Mat image = cv::imread(args[i], cv::IMREAD_COLOR);
        if (image.empty()) {
            std::cout << args[i] << ": cannot be decoded\n";
            status = 1;
            continue;
        }
        const auto faces = detector.detect(image);
        std::cout << args[i] << " (" << image.cols << "x" << image.rows << "): " << faces.size() << " face(s)";
        for (const auto& f : faces)
            std::cout << " [" << f.box.x << "," << f.box.y << " " << f.box.width << "x" << f.box.height << " "
                      << f.confidence << "]";
        if (!drawDir.empty()) {
            cv::Mat drawn = image.clone();
            for (const auto& f : faces) cv::rectangle(drawn, f.box, cv::Scalar(0, 255, 0), 3);
            const double scale = 800.0 / std::max(drawn.cols, drawn.rows);
            if (scale < 1.0) cv::resize(drawn, drawn, cv::Size(), scale, scale, cv::INTER_AREA);
            cv::imwrite(drawDir + "/" + std::filesystem::path(args[i]).stem().string() + ".png", drawn);
        }
        const auto q = vigil::recognition::assessEnrolmentPhoto(image, enrolDetector);
        std::cout << "\n  enrolment: " << vigil::recognition::verdictName(q.verdict) << " (brightness " << q.brightness
                  << ", sharpness " << q.sharpness << ")\n";
    }
    return status;
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    const std::string command = args.empty() ? "" : args.front();
    if (!args.empty()) args.erase(args.begin());
    if (command == "evaluate") return vigil::recognition::runEvaluateCommand(args, std::cout);
    if (command == "faces") return facesCommand(args);
    std::cerr << "usage: vigil-recognition-tool evaluate DIR [--roc-png FILE] [--threshold T]\n"
                 "       vigil-recognition-tool faces [--upsample N] IMAGE...\n";
    return 2;
}
