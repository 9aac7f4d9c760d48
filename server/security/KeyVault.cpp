#include "server/security/KeyVault.hpp"

#include "server/security/AtomicFile.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <cerrno>
#include <cstdio>
#include <fcntl.h>
#include <sstream>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>
#include <utility>

namespace vigil::server::security {
namespace {

using Reason = KeyVaultError::Reason;

constexpr std::string_view kMagic = "vigil-key-vault 1";
constexpr std::size_t kSaltBytes = 16;
// Bounds for parameters read back from a vault file, so an altered file
// cannot make open() allocate gigabytes before authentication fails.
constexpr std::uint64_t kMaxScryptN = std::uint64_t{1} << 20;
constexpr std::uint32_t kMaxScryptR = 32;
constexpr std::uint32_t kMaxScryptP = 16;

bool isPowerOfTwo(std::uint64_t v) { return v >= 2 && (v & (v - 1)) == 0; }

void checkParams(const ScryptParams& p, const std::string& where) {
    if (!isPowerOfTwo(p.n) || p.n > kMaxScryptN || p.r == 0 || p.r > kMaxScryptR || p.p == 0 ||
        p.p > kMaxScryptP)
        throw KeyVaultError(Reason::Malformed, where + ": scrypt parameters out of range");
}

crypto::Key256 deriveScrypt(const std::string& passphrase, const crypto::Bytes& salt,
                            const ScryptParams& params) {
    crypto::Key256 key{};
    // scrypt needs 128*r*N bytes for V plus 128*r*p for B; leave headroom.
    const std::uint64_t maxmem = 2 * (128 * params.r * params.n + 128 * params.r * params.p) +
                                 (std::uint64_t{1} << 20);
    if (EVP_PBE_scrypt(passphrase.data(), passphrase.size(), salt.data(), salt.size(), params.n,
                       params.r, params.p, maxmem, key.data(), key.size()) != 1)
        throw std::runtime_error("scrypt key derivation failed");
    return key;
}

struct WrapSpec {
    std::string kekLine;  // "kek keyfile" or "kek scrypt N=.. r=.. p=.. salt=.."
    crypto::Key256 kek{};
    ~WrapSpec() { OPENSSL_cleanse(kek.data(), kek.size()); }
};

std::string associatedData(const std::string& kekLine) {
    return std::string(kMagic) + "\n" + kekLine;
}

// A new wrapping: for a passphrase a fresh salt every time.
void newWrap(bool fromPassphrase, const crypto::Key256& fileKey, const std::string& passphrase,
             const ScryptParams& params, WrapSpec& out) {
    if (!fromPassphrase) {
        out.kekLine = "kek keyfile";
        out.kek = fileKey;
        return;
    }
    checkParams(params, "passphrase");
    const crypto::Bytes salt = crypto::randomBytes(kSaltBytes);
    std::ostringstream line;
    line << "kek scrypt N=" << params.n << " r=" << params.r << " p=" << params.p
         << " salt=" << crypto::toHex(salt);
    out.kekLine = line.str();
    out.kek = deriveScrypt(passphrase, salt, params);
}

struct ParsedVault {
    std::string kekLine;
    crypto::Bytes wrapped;
};

ParsedVault parseVault(const std::filesystem::path& file) {
    std::error_code ec;
    if (!std::filesystem::exists(file, ec))
        throw KeyVaultError(Reason::Missing, "key vault " + file.string() + " does not exist");
    std::istringstream in(readWholeFile(file));
    std::string magic, kekLine, wrappedLine;
    if (!std::getline(in, magic) || magic != kMagic || !std::getline(in, kekLine) ||
        !std::getline(in, wrappedLine) || wrappedLine.rfind("wrapped ", 0) != 0)
        throw KeyVaultError(Reason::Malformed, file.string() + " is not a Vigil key vault");
    auto wrapped = crypto::fromHex(std::string_view(wrappedLine).substr(8));
    if (!wrapped || wrapped->size() != crypto::kSealOverhead + sizeof(crypto::Key256))
        throw KeyVaultError(Reason::Malformed, file.string() + ": wrapped key has the wrong size");
    return {kekLine, std::move(*wrapped)};
}

ScryptParams parseScryptLine(const std::string& kekLine, crypto::Bytes& salt,
                             const std::filesystem::path& file) {
    ScryptParams params;
    char saltHex[129] = {};
    unsigned long long n = 0;
    unsigned r = 0, p = 0;
    if (std::sscanf(kekLine.c_str(), "kek scrypt N=%llu r=%u p=%u salt=%128s", &n, &r, &p, saltHex) != 4)
        throw KeyVaultError(Reason::Malformed, file.string() + ": unreadable scrypt parameters");
    params.n = n;
    params.r = r;
    params.p = p;
    checkParams(params, file.string());
    auto s = crypto::fromHex(saltHex);
    if (!s || s->size() != kSaltBytes)
        throw KeyVaultError(Reason::Malformed, file.string() + ": bad scrypt salt");
    salt = std::move(*s);
    return params;
}

std::string vaultText(const WrapSpec& spec, const crypto::Key256& dataKey) {
    const crypto::Bytes wrapped = crypto::seal(spec.kek, dataKey, associatedData(spec.kekLine));
    return std::string(kMagic) + "\n" + spec.kekLine + "\nwrapped " + crypto::toHex(wrapped) + "\n";
}

void writeVault(const std::filesystem::path& file, const WrapSpec& spec, const crypto::Key256& dataKey) {
    writeFileAtomically(file, vaultText(spec, dataKey), 0600);
}

// For create/adopt: two processes starting at once must not each publish a
// different data key; the loser gets AlreadyExists and opens the winner's.
void publishNewVault(const std::filesystem::path& file, const WrapSpec& spec, const crypto::Key256& dataKey) {
    if (!publishFileExclusively(file, vaultText(spec, dataKey), 0600))
        throw KeyVaultError(Reason::AlreadyExists, "key vault " + file.string() + " already exists; not replaced");
}

}  // namespace

// --- KeyEncryptionKey ------------------------------------------------------

crypto::Key256 readKeyFile(const std::filesystem::path& keyFile) {
    struct stat st {};
    if (::stat(keyFile.c_str(), &st) != 0)
        throw KeyVaultError(Reason::Missing, "key file " + keyFile.string() + " does not exist");
    if ((st.st_mode & 077) != 0) {
        std::ostringstream text;
        text << "key file " << keyFile.string() << " has mode 0" << std::oct << (st.st_mode & 0777)
             << "; it must be readable by its owner only (chmod 600)";
        throw KeyVaultError(Reason::InsecurePermissions, text.str());
    }
    std::string hex = readWholeFile(keyFile);
    while (!hex.empty() && (hex.back() == '\n' || hex.back() == '\r')) hex.pop_back();
    auto bytes = crypto::fromHex(hex);
    OPENSSL_cleanse(hex.data(), hex.size());
    if (!bytes || bytes->size() != sizeof(crypto::Key256))
        throw KeyVaultError(Reason::Malformed,
                            "key file " + keyFile.string() + " does not hold a 256-bit hex key");
    crypto::Key256 key{};
    std::copy(bytes->begin(), bytes->end(), key.begin());
    OPENSSL_cleanse(bytes->data(), bytes->size());
    return key;
}

KeyEncryptionKey KeyEncryptionKey::fromKeyFile(const std::filesystem::path& keyFile) {
    KeyEncryptionKey kek;
    kek.fileKey_ = readKeyFile(keyFile);
    return kek;
}

KeyEncryptionKey KeyEncryptionKey::fromPassphrase(std::string passphrase, ScryptParams params) {
    if (passphrase.empty()) throw std::invalid_argument("an empty passphrase cannot protect a key");
    checkParams(params, "passphrase");
    KeyEncryptionKey kek;
    kek.fromPassphrase_ = true;
    kek.passphrase_ = std::move(passphrase);
    kek.params_ = params;
    return kek;
}

KeyEncryptionKey::KeyEncryptionKey(KeyEncryptionKey&& other) noexcept
    : fromPassphrase_(other.fromPassphrase_),
      fileKey_(other.fileKey_),
      passphrase_(std::move(other.passphrase_)),
      params_(other.params_) {
    OPENSSL_cleanse(other.fileKey_.data(), other.fileKey_.size());
}

KeyEncryptionKey& KeyEncryptionKey::operator=(KeyEncryptionKey&& other) noexcept {
    if (this != &other) {
        OPENSSL_cleanse(passphrase_.data(), passphrase_.size());
        fromPassphrase_ = other.fromPassphrase_;
        fileKey_ = other.fileKey_;
        passphrase_ = std::move(other.passphrase_);
        params_ = other.params_;
        OPENSSL_cleanse(other.fileKey_.data(), other.fileKey_.size());
    }
    return *this;
}

KeyEncryptionKey::~KeyEncryptionKey() {
    OPENSSL_cleanse(fileKey_.data(), fileKey_.size());
    OPENSSL_cleanse(passphrase_.data(), passphrase_.size());
}

void createKeyFile(const std::filesystem::path& keyFile) {
    // O_EXCL: never replace a KEK that may still wrap a vault.
    const int fd = ::open(keyFile.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        if (errno == EEXIST)
            throw KeyVaultError(Reason::AlreadyExists,
                                "key file " + keyFile.string() + " already exists; not replaced");
        throw std::system_error(errno, std::generic_category(), "cannot create " + keyFile.string());
    }
    // The umask may have narrowed 0600 further, never widened it; make it exact.
    ::fchmod(fd, 0600);
    crypto::Key256 key = crypto::randomKey();
    std::string hex = crypto::toHex(key) + "\n";
    OPENSSL_cleanse(key.data(), key.size());
    const bool ok = ::write(fd, hex.data(), hex.size()) == static_cast<ssize_t>(hex.size()) &&
                    ::fsync(fd) == 0;
    OPENSSL_cleanse(hex.data(), hex.size());
    ::close(fd);
    if (!ok) {
        ::unlink(keyFile.c_str());
        throw std::system_error(errno, std::generic_category(), "cannot write " + keyFile.string());
    }
}

// --- KeyVault ----------------------------------------------------------------

KeyVault::KeyVault(std::filesystem::path file, const crypto::Key256& dataKey)
    : file_(std::move(file)), dataKey_(dataKey) {}

KeyVault::KeyVault(KeyVault&& other) noexcept : file_(std::move(other.file_)), dataKey_(other.dataKey_) {
    OPENSSL_cleanse(other.dataKey_.data(), other.dataKey_.size());
}

KeyVault& KeyVault::operator=(KeyVault&& other) noexcept {
    if (this != &other) {
        file_ = std::move(other.file_);
        dataKey_ = other.dataKey_;
        OPENSSL_cleanse(other.dataKey_.data(), other.dataKey_.size());
    }
    return *this;
}

KeyVault::~KeyVault() { OPENSSL_cleanse(dataKey_.data(), dataKey_.size()); }

KeyVault KeyVault::create(const std::filesystem::path& vaultFile, const KeyEncryptionKey& kek) {
    std::error_code ec;
    if (std::filesystem::exists(vaultFile, ec))
        throw KeyVaultError(Reason::AlreadyExists,
                            "key vault " + vaultFile.string() + " already exists; not replaced");
    KeyVault vault(vaultFile, crypto::randomKey());
    vault.publish(kek);
    return vault;
}

KeyVault KeyVault::adopt(const std::filesystem::path& vaultFile, const KeyEncryptionKey& kek,
                         const crypto::Key256& existingDataKey) {
    std::error_code ec;
    if (std::filesystem::exists(vaultFile, ec))
        throw KeyVaultError(Reason::AlreadyExists,
                            "key vault " + vaultFile.string() + " already exists; not replaced");
    KeyVault vault(vaultFile, existingDataKey);
    vault.publish(kek);
    return vault;
}

KeyVault KeyVault::open(const std::filesystem::path& vaultFile, const KeyEncryptionKey& kek) {
    const ParsedVault parsed = parseVault(vaultFile);
    WrapSpec spec;
    spec.kekLine = parsed.kekLine;
    if (parsed.kekLine == "kek keyfile") {
        if (kek.fromPassphrase_)
            throw KeyVaultError(Reason::WrongKeyOrTampered,
                                vaultFile.string() + " is protected by a key file, not a passphrase");
        spec.kek = kek.fileKey_;
    } else if (parsed.kekLine.rfind("kek scrypt ", 0) == 0) {
        if (!kek.fromPassphrase_)
            throw KeyVaultError(Reason::WrongKeyOrTampered,
                                vaultFile.string() + " is protected by a passphrase, not a key file");
        crypto::Bytes salt;
        const ScryptParams params = parseScryptLine(parsed.kekLine, salt, vaultFile);
        spec.kek = deriveScrypt(kek.passphrase_, salt, params);
    } else {
        throw KeyVaultError(Reason::Malformed, vaultFile.string() + ": unknown key-encryption method");
    }
    auto dataKey = crypto::open(spec.kek, parsed.wrapped, associatedData(spec.kekLine));
    if (!dataKey)
        throw KeyVaultError(Reason::WrongKeyOrTampered,
                            "the key does not open " + vaultFile.string() +
                                " (wrong key or passphrase, or the file was altered)");
    crypto::Key256 key{};
    std::copy(dataKey->begin(), dataKey->end(), key.begin());
    OPENSSL_cleanse(dataKey->data(), dataKey->size());
    KeyVault vault(vaultFile, key);
    OPENSSL_cleanse(key.data(), key.size());
    return vault;
}

void KeyVault::publish(const KeyEncryptionKey& kek) {
    WrapSpec spec;
    newWrap(kek.fromPassphrase_, kek.fileKey_, kek.passphrase_, kek.params_, spec);
    publishNewVault(file_, spec, dataKey_);
}

void KeyVault::rotate(const KeyEncryptionKey& newKek) {
    WrapSpec spec;
    newWrap(newKek.fromPassphrase_, newKek.fileKey_, newKek.passphrase_, newKek.params_, spec);
    writeVault(file_, spec, dataKey_);
}

}  // namespace vigil::server::security
