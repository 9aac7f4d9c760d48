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
        try {
            createKeyFile(files.keyFile);
        } catch (const KeyVaultError& e) {
            // Another process created it a moment ago: use that one.
            if (e.reason() != KeyVaultError::Reason::AlreadyExists) throw;
        }
    }
    return KeyEncryptionKey::fromKeyFile(files.keyFile);
}

std::filesystem::path nextKeyFile(const DataKeyFiles& files) {
    auto next = files.keyFile;
    next += ".next";
    return next;
}

namespace {

// A key-file rotation interrupted after the vault was re-wrapped but before
// the new key file took the old one's name: finish it.
std::optional<KeyVault> finishInterruptedRotation(const DataKeyFiles& files) {
    std::error_code ec;
    const auto next = nextKeyFile(files);
    if (!std::filesystem::exists(next, ec)) return std::nullopt;
    try {
        KeyVault vault = KeyVault::open(files.vault, KeyEncryptionKey::fromKeyFile(next));
        std::filesystem::rename(next, files.keyFile);
        return vault;
    } catch (const KeyVaultError&) {
        return std::nullopt;  // the rotation never reached the vault; the old key file is right
    }
}

KeyVault openExisting(const DataKeyFiles& files, const KeyEncryptionKey& kek) {
    try {
        return KeyVault::open(files.vault, kek);
    } catch (const KeyVaultError& e) {
        if (e.reason() == KeyVaultError::Reason::WrongKeyOrTampered)
            if (auto finished = finishInterruptedRotation(files)) return std::move(*finished);
        throw;
    }
}

}  // namespace

KeyVault openOrCreateDataKey(const DataKeyFiles& files, const KeyEncryptionKey& kek) {
    std::error_code ec;
    if (std::filesystem::exists(files.vault, ec)) return openExisting(files, kek);
    if (!std::filesystem::exists(files.legacyPlainKey, ec)) {
        try {
            return KeyVault::create(files.vault, kek);
        } catch (const KeyVaultError& e) {
            if (e.reason() != KeyVaultError::Reason::AlreadyExists) throw;
            return openExisting(files, kek);  // another process created it first
        }
    }

    // Migration: the legacy file is the same format as a KEK file (64 hex digits, 0600).
    crypto::Key256 existing = readKeyFile(files.legacyPlainKey);
    KeyVault vault = KeyVault::adopt(files.vault, kek, existing);
    OPENSSL_cleanse(existing.data(), existing.size());
    shredFile(files.legacyPlainKey);
    return vault;
}

void rotateKeyEncryptionKey(const DataKeyFiles& files, const KeyEncryptionKey& current,
                            const std::optional<std::string>& newPassphrase, ScryptParams params) {
    KeyVault vault = openExisting(files, current);
    if (newPassphrase) {
        vault.rotate(KeyEncryptionKey::fromPassphrase(*newPassphrase, params));
        return;  // the old key file, if any, no longer opens anything; the operator deletes it
    }
    // New key file under a temporary name, vault re-wrapped (atomic), then the
    // new key file takes the old one's name (atomic). A crash in between is
    // finished by the next open (finishInterruptedRotation).
    const auto next = nextKeyFile(files);
    std::error_code ec;
    std::filesystem::remove(next, ec);
    createKeyFile(next);
    vault.rotate(KeyEncryptionKey::fromKeyFile(next));
    std::filesystem::rename(next, files.keyFile);
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
