// vigil-server key rotate|status: the key-encryption key of the data key
// (issue 7). Rotation re-wraps the data key only: no record is re-encrypted
// and a running server keeps serving (it holds the data key in memory).
#include "server/cli/Commands.hpp"

#include "server/core/DataKey.hpp"
#include "server/core/Clock.hpp"

#include <boost/program_options.hpp>

#include <iostream>

namespace po = boost::program_options;

namespace vigil::server::cli {

int key(const Args& args) {
    ServerConfig config;
    std::filesystem::path newPassphraseFile;
    po::options_description extra("key");
    extra.add_options()("new-kek-passphrase-file", po::value(&newPassphraseFile),
                        "rotate to the passphrase in this file (default: a fresh key file in place of --kek-file)");
    po::variables_map vm;
    const auto positional = parseServerConfig(args, config, extra, vm);
    if (positional.size() != 1 || (positional[0] != "rotate" && positional[0] != "status")) {
        std::cerr << "usage: vigil-server key rotate|status [--new-kek-passphrase-file FILE] [--kek-file FILE]\n"
                     "       [--kek-passphrase-file FILE] [--data-dir DIR]\n";
        return kUsage;
    }
    const auto files = dataKeyFiles(config);
    // Opening the service proves the current KEK works before anything changes.
    HqService service(config);
    if (positional[0] == "status") {
        std::cout << "vigil-server: data key wrapped in " << files.vault << " under "
                  << (config.kek_passphrase_file.empty() ? "the key file " + files.keyFile.string()
                                                         : std::string("a passphrase (scrypt)"))
                  << "\n";
        return kOk;
    }
    std::optional<std::string> newPassphrase;
    if (!newPassphraseFile.empty()) {
        ServerConfig next = config;
        next.kek_passphrase_file = newPassphraseFile;
        newPassphrase = kekPassphrase(next);
    }
    security::rotateKeyEncryptionKey(files, security::keyEncryptionKeyFor(files, kekPassphrase(config)), newPassphrase);
    const Actor admin = localAdmin();
    service.watchlist().appendAudit({systemNowMs(), admin.username, admin.address, "key.rotate", files.vault.string(),
                                     newPassphrase ? "now under a passphrase" : "now under a new key file"});
    std::cout << "vigil-server: data key re-wrapped under "
              << (newPassphrase ? "the new passphrase" : "a new key file " + files.keyFile.string())
              << "; no record was re-encrypted\n";
    return kOk;
}

}  // namespace vigil::server::cli
