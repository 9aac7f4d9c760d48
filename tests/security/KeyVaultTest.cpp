#include "server/security/KeyVault.hpp"
#include "server/security/RecordSealer.hpp"
#include "support/TestCerts.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <sys/stat.h>

using namespace vigil::server::security;
using vigil::test::TempDir;
using Reason = KeyVaultError::Reason;

namespace {

// Small scrypt cost for tests (the default is OWASP's N=2^17); the code path is the same.
constexpr ScryptParams kFastScrypt{1u << 10, 8, 1};

mode_t modeOf(const std::filesystem::path& p) {
    struct stat st {};
    REQUIRE(::stat(p.c_str(), &st) == 0);
    return st.st_mode & 0777;
}

template <class F>
Reason reasonOf(F&& f) {
    try {
        f();
    } catch (const KeyVaultError& e) {
        return e.reason();
    }
    FAIL("expected a KeyVaultError");
    return Reason::Malformed;
}

std::string readText(const std::filesystem::path& p) {
    std::ifstream in(p);
    return {std::istreambuf_iterator<char>(in), {}};
}

void writeText(const std::filesystem::path& p, const std::string& s) { std::ofstream(p) << s; }

}  // namespace

TEST_CASE("a key file is created with mode 0600 and never overwritten") {
    TempDir dir("kv");
    const auto keyFile = dir.path / "kek.key";
    createKeyFile(keyFile);
    CHECK(modeOf(keyFile) == 0600);
    const std::string first = readText(keyFile);
    CHECK(first.size() == 65);  // 64 hex digits and a newline
    CHECK(reasonOf([&] { createKeyFile(keyFile); }) == Reason::AlreadyExists);
    CHECK(readText(keyFile) == first);
}

TEST_CASE("a key file that group or others can read is refused") {
    TempDir dir("kv");
    const auto keyFile = dir.path / "kek.key";
    createKeyFile(keyFile);
    ::chmod(keyFile.c_str(), 0640);
    CHECK(reasonOf([&] { (void)KeyEncryptionKey::fromKeyFile(keyFile); }) == Reason::InsecurePermissions);
    ::chmod(keyFile.c_str(), 0600);
    CHECK_NOTHROW((void)KeyEncryptionKey::fromKeyFile(keyFile));
}

TEST_CASE("a key file that does not hold a 256-bit key is refused") {
    TempDir dir("kv");
    const auto keyFile = dir.path / "kek.key";
    writeText(keyFile, "abcdef\n");
    ::chmod(keyFile.c_str(), 0600);
    CHECK(reasonOf([&] { (void)KeyEncryptionKey::fromKeyFile(keyFile); }) == Reason::Malformed);
    CHECK(reasonOf([&] { (void)KeyEncryptionKey::fromKeyFile(dir.path / "absent.key"); }) == Reason::Missing);
}

TEST_CASE("a vault reopened with its key file yields the same data key") {
    TempDir dir("kv");
    createKeyFile(dir.path / "kek.key");
    const auto kek = KeyEncryptionKey::fromKeyFile(dir.path / "kek.key");
    const KeyVault created = KeyVault::create(dir.path / "data.vault", kek);
    CHECK(modeOf(dir.path / "data.vault") == 0600);
    const KeyVault reopened = KeyVault::open(dir.path / "data.vault", kek);
    CHECK(created.dataKey() == reopened.dataKey());
    CHECK(created.dataKey() != vigil::crypto::Key256{});
    // The data key itself never appears in the file.
    CHECK(readText(dir.path / "data.vault").find(vigil::crypto::toHex(created.dataKey())) == std::string::npos);
}

TEST_CASE("another key file or a passphrase does not open a key-file vault") {
    TempDir dir("kv");
    createKeyFile(dir.path / "a.key");
    createKeyFile(dir.path / "b.key");
    (void)KeyVault::create(dir.path / "data.vault", KeyEncryptionKey::fromKeyFile(dir.path / "a.key"));
    CHECK(reasonOf([&] {
              (void)KeyVault::open(dir.path / "data.vault", KeyEncryptionKey::fromKeyFile(dir.path / "b.key"));
          }) == Reason::WrongKeyOrTampered);
    CHECK(reasonOf([&] {
              (void)KeyVault::open(dir.path / "data.vault",
                                   KeyEncryptionKey::fromPassphrase("guess", kFastScrypt));
          }) == Reason::WrongKeyOrTampered);
}

TEST_CASE("a passphrase vault opens with its passphrase and with no other") {
    TempDir dir("kv");
    const auto vaultFile = dir.path / "data.vault";
    const KeyVault created =
        KeyVault::create(vaultFile, KeyEncryptionKey::fromPassphrase("correct horse battery", kFastScrypt));
    const std::string text = readText(vaultFile);
    CHECK(text.find("kek scrypt N=1024 r=8 p=1 salt=") != std::string::npos);
    CHECK(text.find("correct horse") == std::string::npos);
    CHECK(KeyVault::open(vaultFile, KeyEncryptionKey::fromPassphrase("correct horse battery", kFastScrypt))
              .dataKey() == created.dataKey());
    CHECK(reasonOf([&] {
              (void)KeyVault::open(vaultFile, KeyEncryptionKey::fromPassphrase("correct horse batterY", kFastScrypt));
          }) == Reason::WrongKeyOrTampered);
    CHECK_THROWS_AS((void)KeyEncryptionKey::fromPassphrase(""), std::invalid_argument);
}

TEST_CASE("rotation re-wraps the data key: old records still open and only the new key opens the vault") {
    TempDir dir("kv");
    createKeyFile(dir.path / "old.key");
    createKeyFile(dir.path / "new.key");
    const auto vaultFile = dir.path / "data.vault";
    KeyVault vault = KeyVault::create(vaultFile, KeyEncryptionKey::fromKeyFile(dir.path / "old.key"));
    const RecordSealer before(vault.dataKey());
    const std::vector<std::uint8_t> photo{0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3};
    const auto sealed = before.seal({"photos", 7}, photo);
    const std::string wrappedBefore = readText(vaultFile);

    vault.rotate(KeyEncryptionKey::fromKeyFile(dir.path / "new.key"));
    CHECK(readText(vaultFile) != wrappedBefore);
    const KeyVault reopened = KeyVault::open(vaultFile, KeyEncryptionKey::fromKeyFile(dir.path / "new.key"));
    CHECK(RecordSealer(reopened.dataKey()).open({"photos", 7}, sealed).bytes() == photo);
    CHECK(reasonOf([&] {
              (void)KeyVault::open(vaultFile, KeyEncryptionKey::fromKeyFile(dir.path / "old.key"));
          }) == Reason::WrongKeyOrTampered);

    // From a key file to a passphrase and back keeps the same data key too.
    vault.rotate(KeyEncryptionKey::fromPassphrase("rotate me", kFastScrypt));
    CHECK(KeyVault::open(vaultFile, KeyEncryptionKey::fromPassphrase("rotate me", kFastScrypt)).dataKey() ==
          reopened.dataKey());
    // Rotation leaves no temporary file behind and keeps the mode.
    std::size_t files = 0;
    for (const auto& entry : std::filesystem::directory_iterator(dir.path)) {
        CHECK(entry.path().filename().string().find(".tmp-") == std::string::npos);
        ++files;
    }
    CHECK(files == 3);
    CHECK(modeOf(vaultFile) == 0600);
}

TEST_CASE("an altered vault file is refused, and hostile scrypt parameters are refused before deriving") {
    TempDir dir("kv");
    const auto vaultFile = dir.path / "data.vault";
    (void)KeyVault::create(vaultFile, KeyEncryptionKey::fromPassphrase("pw", kFastScrypt));
    const std::string original = readText(vaultFile);
    const auto pass = [] { return KeyEncryptionKey::fromPassphrase("pw", kFastScrypt); };

    SUBCASE("one flipped hex digit in the wrapped key") {
        std::string altered = original;
        const auto pos = altered.find("wrapped ") + 20;
        altered[pos] = altered[pos] == '0' ? '1' : '0';
        writeText(vaultFile, altered);
        CHECK(reasonOf([&] { (void)KeyVault::open(vaultFile, pass()); }) == Reason::WrongKeyOrTampered);
    }
    SUBCASE("a changed scrypt cost") {
        std::string altered = original;
        altered.replace(altered.find("N=1024"), 6, "N=2048");
        writeText(vaultFile, altered);
        CHECK(reasonOf([&] { (void)KeyVault::open(vaultFile, pass()); }) == Reason::WrongKeyOrTampered);
    }
    SUBCASE("a cost that would need terabytes") {
        std::string altered = original;
        altered.replace(altered.find("N=1024"), 6, "N=1099511627776");
        writeText(vaultFile, altered);
        CHECK(reasonOf([&] { (void)KeyVault::open(vaultFile, pass()); }) == Reason::Malformed);
    }
    SUBCASE("not a vault at all") {
        writeText(vaultFile, "hello\n");
        CHECK(reasonOf([&] { (void)KeyVault::open(vaultFile, pass()); }) == Reason::Malformed);
    }
    SUBCASE("a missing vault") {
        std::filesystem::remove(vaultFile);
        CHECK(reasonOf([&] { (void)KeyVault::open(vaultFile, pass()); }) == Reason::Missing);
    }
}

TEST_CASE("creating a vault never replaces an existing one") {
    TempDir dir("kv");
    createKeyFile(dir.path / "kek.key");
    const auto kek = KeyEncryptionKey::fromKeyFile(dir.path / "kek.key");
    const KeyVault first = KeyVault::create(dir.path / "data.vault", kek);
    CHECK(reasonOf([&] { (void)KeyVault::create(dir.path / "data.vault", kek); }) == Reason::AlreadyExists);
    CHECK(KeyVault::open(dir.path / "data.vault", kek).dataKey() == first.dataKey());
}
