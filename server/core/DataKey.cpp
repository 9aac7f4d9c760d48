#include "server/core/DataKey.hpp"

#include "server/security/AtomicFile.hpp"

#include <openssl/crypto.h>

#include <stdexcept>

namespace vigil::server {

security::DataKeyFiles dataKeyFiles(const ServerConfig& config) {
    return security::DataKeyFiles::inDataDir(
        config.data_dir, config.kek_file.empty() ? std::nullopt : std::optional(config.kek_file));
}

std::optional<std::string> kekPassphrase(const ServerConfig& config) {
    if (config.kek_passphrase_file.empty()) return std::nullopt;
    std::string text = security::readWholeFile(config.kek_passphrase_file);
    const auto end = text.find_first_of("\r\n");
    std::string passphrase = text.substr(0, end);
    OPENSSL_cleanse(text.data(), text.size());
    if (passphrase.empty())
        throw std::runtime_error("the passphrase file " + config.kek_passphrase_file.string() + " is empty");
    return passphrase;
}

crypto::Key256 loadOrCreateDataKey(const ServerConfig& config) {
    const auto files = dataKeyFiles(config);
    const security::KeyVault vault =
        security::openOrCreateDataKey(files, security::keyEncryptionKeyFor(files, kekPassphrase(config)));
    return vault.dataKey();
}

}  // namespace vigil::server
