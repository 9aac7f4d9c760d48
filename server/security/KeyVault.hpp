#pragma once
// The data key that encrypts biometric records at rest, kept on disk only in
// wrapped form: sealed (AES-256-GCM) under a key-encryption key (KEK). The KEK
// comes from a key file (32 random bytes, mode 0600) or from a passphrase via
// scrypt. Rotation re-wraps the same data key under a new KEK, so no record
// has to be re-encrypted and the server keeps serving while it happens.
//
// Vault file (text, written atomically):
//   vigil-key-vault 1
//   kek keyfile                                  | kek scrypt N=.. r=.. p=.. salt=<hex>
//   wrapped <hex of nonce|ciphertext|tag>
// The first two lines are bound as associated data, so a swapped KDF line or
// version fails to unwrap just like a wrong key.

#include "protocol/Crypto.hpp"

#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>

namespace vigil::server::security {

class KeyVaultError : public std::runtime_error {
public:
    enum class Reason {
        Missing,               // vault or key file does not exist
        AlreadyExists,         // create() would overwrite a vault or key file
        Malformed,             // not a vault / key file this version reads
        InsecurePermissions,   // key file readable or writable by group or others
        WrongKeyOrTampered,    // authentication of the wrapped key failed
    };
    KeyVaultError(Reason reason, const std::string& text) : std::runtime_error(text), reason_(reason) {}
    Reason reason() const noexcept { return reason_; }

private:
    Reason reason_;
};

// OWASP Password Storage Cheat Sheet (2023): scrypt N=2^17, r=8, p=1 (128 MiB,
// about 0.3 s here). Tests pass smaller parameters to stay fast.
struct ScryptParams {
    std::uint64_t n = std::uint64_t{1} << 17;
    std::uint32_t r = 8;
    std::uint32_t p = 1;
};

class KeyEncryptionKey {
public:
    // Reads a key file made by createKeyFile(); refuses one that group or
    // others may read or write.
    static KeyEncryptionKey fromKeyFile(const std::filesystem::path& keyFile);
    // The passphrase is stretched with scrypt and a per-wrap random salt.
    static KeyEncryptionKey fromPassphrase(std::string passphrase, ScryptParams params = {});

    KeyEncryptionKey(KeyEncryptionKey&&) noexcept;
    KeyEncryptionKey& operator=(KeyEncryptionKey&&) noexcept;
    KeyEncryptionKey(const KeyEncryptionKey&) = delete;
    KeyEncryptionKey& operator=(const KeyEncryptionKey&) = delete;
    ~KeyEncryptionKey();

private:
    friend class KeyVault;
    KeyEncryptionKey() = default;
    bool fromPassphrase_ = false;
    crypto::Key256 fileKey_{};
    std::string passphrase_;
    ScryptParams params_;
};

// The 256-bit key in a key file (64 hex digits); refuses a file that group or
// others may read or write. Used for KEK files and for migrating the clear
// data key of data folders from before issue 7.
crypto::Key256 readKeyFile(const std::filesystem::path& keyFile);

// Creates a new key file of 32 random bytes (hex) with mode 0600. Refuses to
// overwrite an existing file: losing the KEK loses the watchlist.
void createKeyFile(const std::filesystem::path& keyFile);

class KeyVault {
public:
    // A fresh random data key wrapped under `kek`. Refuses an existing file.
    static KeyVault create(const std::filesystem::path& vaultFile, const KeyEncryptionKey& kek);
    // Wraps an existing data key (migration from an unwrapped key file, so
    // records sealed under it keep opening). Refuses an existing vault file.
    static KeyVault adopt(const std::filesystem::path& vaultFile, const KeyEncryptionKey& kek,
                          const crypto::Key256& existingDataKey);
    // Unwraps the data key; KeyVaultError::WrongKeyOrTampered when `kek` is
    // not the one it was wrapped under or the file was altered.
    static KeyVault open(const std::filesystem::path& vaultFile, const KeyEncryptionKey& kek);

    // Re-wraps the unchanged data key under `newKek` and replaces the vault
    // file atomically; afterwards only `newKek` opens it.
    void rotate(const KeyEncryptionKey& newKek);

    const crypto::Key256& dataKey() const noexcept { return dataKey_; }
    const std::filesystem::path& file() const noexcept { return file_; }

    KeyVault(KeyVault&&) noexcept;
    KeyVault& operator=(KeyVault&&) noexcept;
    KeyVault(const KeyVault&) = delete;
    KeyVault& operator=(const KeyVault&) = delete;
    ~KeyVault();

private:
    KeyVault(std::filesystem::path file, const crypto::Key256& dataKey);
    void publish(const KeyEncryptionKey& kek);
    std::filesystem::path file_;
    crypto::Key256 dataKey_{};
};

}  // namespace vigil::server::security
