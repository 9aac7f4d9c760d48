#pragma once
// The data key that seals biometric records at rest (photos, descriptors,
// thumbnails, sighting snapshots and probes) with AES-256-GCM.
//
// Today the key lives in <data-dir>/data.key (hex, mode 0600), created on
// first use. Issue 7 wraps it with a key-encryption key and adds rotation;
// callers only see loadOrCreate(), so that change stays inside this file.

#include "protocol/Crypto.hpp"

#include <filesystem>

namespace vigil::server {

// Throws std::runtime_error with a sentence naming the file when the key file
// is unreadable, malformed or readable by others.
crypto::Key256 loadOrCreateDataKey(const std::filesystem::path& file);

}  // namespace vigil::server
