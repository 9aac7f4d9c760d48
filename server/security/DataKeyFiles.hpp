#pragma once
// Where the HQ server keeps its data key, and the one call `init`/`serve`
// make to get it: <data-dir>/data.vault holds the data key wrapped by a
// key-encryption key (KEK) from a key file (default <data-dir>/kek.key; put it
// on another volume with --kek-file so that a copy of the data folder alone
// opens nothing) or from a passphrase.
//
// A data folder from before issue 7 has the data key in clear in
// <data-dir>/data.key: the first open wraps that same key (every sealed
// record keeps opening), then overwrites and deletes the clear copy.

#include "server/security/KeyVault.hpp"

#include <filesystem>
#include <optional>
#include <string>

namespace vigil::server::security {

struct DataKeyFiles {
    std::filesystem::path vault;           // <data-dir>/data.vault
    std::filesystem::path keyFile;         // the KEK file (when no passphrase is used)
    std::filesystem::path legacyPlainKey;  // <data-dir>/data.key, migrated away

    static DataKeyFiles inDataDir(const std::filesystem::path& dataDir,
                                  const std::optional<std::filesystem::path>& kekFile = std::nullopt);
};

// The KEK for `files`: the passphrase when given, else the key file
// (created, 0600, when neither it nor a vault exists yet).
KeyEncryptionKey keyEncryptionKeyFor(const DataKeyFiles& files, const std::optional<std::string>& passphrase,
                                     ScryptParams params = {});

// Opens the vault; on first use creates it (migrating a legacy clear key).
// Throws KeyVaultError with a sentence for the operator on any refusal.
KeyVault openOrCreateDataKey(const DataKeyFiles& files, const KeyEncryptionKey& kek);

// `key rotate`: re-wraps the data key (which does not change, so neither do
// the records nor a running server) under a new KEK: a fresh key file in
// place of the old one, or a passphrase. Safe against a crash at any point.
void rotateKeyEncryptionKey(const DataKeyFiles& files, const KeyEncryptionKey& current,
                            const std::optional<std::string>& newPassphrase, ScryptParams params = {});

std::filesystem::path nextKeyFile(const DataKeyFiles& files);

// Overwrites a file with zeros, fsyncs, and unlinks it. Best effort against
// recovery from the file system; says nothing about SSD remapping or backups.
void shredFile(const std::filesystem::path& file);

}  // namespace vigil::server::security
