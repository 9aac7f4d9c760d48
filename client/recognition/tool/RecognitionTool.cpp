// vigil-recognition-tool evaluate DIR [--roc-png FILE] [--threshold T]
// A stand-in front end for the recognition library's commands until
// `vigil-client evaluate` calls the same function.
#include "vigil/recognition/Evaluation.hpp"

#include <iostream>
#include <string>
#include <vector>

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty() || args.front() != "evaluate") {
        std::cerr << "usage: vigil-recognition-tool evaluate DIR [--roc-png FILE] [--threshold T]\n";
        return 2;
    }
    args.erase(args.begin());
    return vigil::recognition::runEvaluateCommand(args, std::cout);
}
