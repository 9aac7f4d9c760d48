#pragma once
// The data key that seals biometric records at rest (photos, descriptors,
// thumbnails, sighting snapshots and probes) with AES-256-GCM.
//
// It lives only wrapped, in <data-dir>/data.vault, under a key-encryption key
// from --kek-file (default <data-dir>/kek.key, mode 0600) or from the
// passphrase in --kek-passphrase-file (scrypt). A data folder from before
// issue 7 (clear data.key) is migrated on first open. `vigil-server key
// rotate` re-wraps it. See server/security/DataKeyFiles.hpp.

#include "server/core/ServerConfig.hpp"

#include "protocol/Crypto.hpp"
#include "server/security/DataKeyFiles.hpp"

#include <optional>
#include <string>

namespace vigil::server {

// Throws std::runtime_error (KeyVaultError) with a sentence naming the file
// when the vault or the key file is missing, unreadable, malformed, readable
// by others, or the KEK is wrong.
crypto::Key256 loadOrCreateDataKey(const ServerConfig& config);

security::DataKeyFiles dataKeyFiles(const ServerConfig& config);
// The passphrase from --kek-passphrase-file, if that option is set.
std::optional<std::string> kekPassphrase(const ServerConfig& config);

}  // namespace vigil::server
