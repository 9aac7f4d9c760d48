#pragma once
// The key that seals the station's data at rest (watchlist cache, offline
// sighting queue). It lives in a file of its own, mode 0600, in the station's
// *configuration* directory, while the sealed data lives in its *data*
// directory: copying or backing up the data directory (or a stolen data
// disk or card) yields nothing readable. A key file readable by others is
// refused rather than used. Deployments that must survive theft of the whole
// machine keep the configuration directory on a removable token or tmpfs that
// is filled at start-up; the path is a setting.

#include "protocol/Crypto.hpp"

#include <filesystem>

namespace vigil::client {

// Reads the key, or creates a fresh random one (0600, directory 0700) when
// the file does not exist. Throws std::runtime_error with a sentence when the
// file has the wrong size or is readable by group/others.
crypto::Key256 loadOrCreateAtRestKey(const std::filesystem::path& keyFile);

// Writes `bytes` to `file` crash-safely: a temporary file, fsync, rename,
// fsync of the directory. A reader sees the old or the new file, never half.
void writeFileAtomically(const std::filesystem::path& file, std::span<const std::uint8_t> bytes,
                         std::filesystem::perms mode = std::filesystem::perms::owner_read |
                                                       std::filesystem::perms::owner_write);

}  // namespace vigil::client
