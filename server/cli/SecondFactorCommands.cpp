// vigil-server totp enroll|remove NAME: the second factor of admins and
// operators (issue 7). Enrolment prints the otpauth:// URI as a QR code in the
// terminal (and optionally as a PNG for the console or a printer) plus ten
// one-time recovery codes; all are shown once and never again.
#include "server/cli/Commands.hpp"

#include "server/security/AtomicFile.hpp"
#include "server/security/QrCode.hpp"

#include <boost/program_options.hpp>

#include <iostream>

namespace po = boost::program_options;

namespace vigil::server::cli {

int printSecondFactorEnrolment(const security::SecondFactorEnrolment& enrolment, const std::string& username,
                               const std::filesystem::path& qrPng) {
    std::cout << "vigil-server: second factor for '" << username
              << "'. Scan this with an authenticator app (TOTP, SHA-1, 6 digits, 30 s):\n\n"
              << security::renderQrForTerminal(security::encodeQr(enrolment.otpauthUri)) << "\n"
              << "  or enter: " << enrolment.otpauthUri << "\n\n"
              << "  One-time recovery codes (each works once; keep them offline):\n";
    for (const auto& code : enrolment.recoveryCodes) std::cout << "    " << code << "\n";
    if (!qrPng.empty()) {
        const auto png = security::renderQrPng(enrolment.otpauthUri);
        security::writeFileAtomically(qrPng, std::string(png.begin(), png.end()), 0600);
        std::cout << "  QR code also written to " << qrPng << " (mode 0600; delete it after scanning)\n";
    }
    return kOk;
}

int totp(const Args& args) {
    ServerConfig config;
    std::filesystem::path qrPng;
    po::options_description extra("totp");
    extra.add_options()("qr-png", po::value(&qrPng), "also write the enrolment QR code to this PNG file");
    po::variables_map vm;
    const auto positional = parseServerConfig(args, config, extra, vm);
    if (positional.size() != 2 || (positional[0] != "enroll" && positional[0] != "remove")) {
        std::cerr << "usage: vigil-server totp enroll NAME [--qr-png FILE] | totp remove NAME [--data-dir DIR]\n";
        return kUsage;
    }
    HqService service(config);
    if (positional[0] == "remove") {
        auto done = service.removeSecondFactor(localAdmin(), positional[1]);
        if (!done) return refused(done.error());
        std::cout << "vigil-server: second factor of '" << positional[1] << "' removed\n";
        return kOk;
    }
    auto enrolment = service.enrolSecondFactor(localAdmin(), positional[1]);
    if (!enrolment) return refused(enrolment.error());
    return printSecondFactorEnrolment(*enrolment, positional[1], qrPng);
}

}  // namespace vigil::server::cli
