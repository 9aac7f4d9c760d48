// Builds a 640x480 MJPEG video from photos, each shown for a number of
// seconds on a plain background (the demo's "camera"; "-" is an empty scene).
//
//   vigil-make-video OUT.avi [--fps N] PHOTO:SECONDS ...

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include <iostream>
#include <string>

int main(int argc, char** argv) {
    if (argc < 3) {
        std::cerr << "usage: vigil-make-video OUT.avi [--fps N] PHOTO:SECONDS ...\n";
        return 2;
    }
    double fps = 15;
    int first = 2;
    if (std::string(argv[2]) == "--fps" && argc > 4) {
        fps = std::stod(argv[3]);
        first = 4;
    }
    cv::VideoWriter writer(argv[1], cv::VideoWriter::fourcc('M', 'J', 'P', 'G'), fps, cv::Size(640, 480));
    if (!writer.isOpened()) {
        std::cerr << "vigil-make-video: cannot write " << argv[1] << "\n";
        return 1;
    }
    for (int i = first; i < argc; ++i) {
        const std::string scene = argv[i];
        const auto colon = scene.rfind(':');
        if (colon == std::string::npos) {
            std::cerr << "vigil-make-video: expected PHOTO:SECONDS, got " << scene << "\n";
            return 2;
        }
        const std::string photo = scene.substr(0, colon);
        const double seconds = std::stod(scene.substr(colon + 1));
        cv::Mat canvas(480, 640, CV_8UC3, cv::Scalar(90, 90, 90));
        if (photo != "-") {
            const cv::Mat image = cv::imread(photo);
            if (image.empty()) {
                std::cerr << "vigil-make-video: cannot read " << photo << "\n";
                return 1;
            }
            const double scale = std::min(440.0 / image.rows, 600.0 / image.cols);
            cv::Mat scaled;
            cv::resize(image, scaled, cv::Size(), scale, scale, cv::INTER_AREA);
            scaled.copyTo(canvas(cv::Rect((640 - scaled.cols) / 2, (480 - scaled.rows) / 2, scaled.cols, scaled.rows)));
        }
        for (int f = 0; f < static_cast<int>(seconds * fps); ++f) writer.write(canvas);
    }
    return 0;
}
