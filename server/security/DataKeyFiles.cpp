#include "server/security/DataKeyFiles.hpp"

#include "server/security/AtomicFile.hpp"

#include <openssl/crypto.h>

#include <fcntl.h>
#include <system_error>
#include <unistd.h>
#include <vector>

namespace vigil::server::security {

DataKeyFiles DataKeyFiles::inDataDir(const std::filesystem::path& dataDir,
                                     const std::optional<std::filesystem::path>& kekFile) {
    return {dataDir / "data.vault", kekFile.value_or(dataDir / "kek.key"), dataDir / "data.key"};
}

KeyEncryptionKey keyEncryptionKeyFor(const DataKeyFiles& files, const std::optional<std::string>& passphrase,
                                     ScryptParams params) {
    if (passphrase) return KeyEncryptionKey::fromPassphrase(*passphrase, params);
    std::error_code ec;
    if (!std::filesystem::exists(files.keyFile, ec)) {
        if (std::filesystem::exists(files.vault, ec))
            throw KeyVaultError(KeyVaultError::Reason::Missing,
                                "the key file " + files.keyFile.string() + " that opens " + files.vault.string() +
                                    " is missing; without it the watchlist's biometric data cannot be read");
        createKeyFile(files.keyFile);
    }
    return KeyEncryptionKey::fromKeyFile(files.keyFile);
}

KeyVault openOrCreateDataKey(const DataKeyFiles& files, const KeyEncryptionKey& kek) {
    std::error_code ec;
    if (std::filesystem::exists(files.vault, ec)) return KeyVault::open(files.vault, kek);
    if (!std::filesystem::exists(files.legacyPlainKey, ec)) return KeyVault::create(files.vault, kek);

    // Migration: the legacy file is the same format as a KEK file (64 hex digits, 0600).
    crypto::Key256 existing = readKeyFile(files.legacyPlainKey);
    KeyVault vault = KeyVault::adopt(files.vault, kek, existing);
    OPENSSL_cleanse(existing.data(), existing.size());
    shredFile(files.legacyPlainKey);
    return vault;
}

void shredFile(const std::filesystem::path& file) {
    const int fd = ::open(file.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) throw std::system_error(errno, std::generic_category(), "cannot open " + file.string());
    const off_t size = ::lseek(fd, 0, SEEK_END);
    const std::vector<char> zeros(static_cast<std::size_t>(size > 0 ? size : 0), '\0');
    const bool ok = ::lseek(fd, 0, SEEK_SET) == 0 &&
                    ::write(fd, zeros.data(), zeros.size()) == static_cast<ssize_t>(zeros.size()) &&
                    ::fsync(fd) == 0;
    ::close(fd);
    if (!ok || ::unlink(file.c_str()) != 0)
        throw std::system_error(errno, std::generic_category(), "cannot shred " + file.string());
}

}  // namespace vigil::server::security
