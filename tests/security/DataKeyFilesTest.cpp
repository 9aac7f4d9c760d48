#include "server/security/DataKeyFiles.hpp"
#include "server/security/RecordSealer.hpp"
#include "support/TestCerts.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <sys/stat.h>

using namespace vigil::server::security;
using vigil::test::TempDir;

namespace {
constexpr ScryptParams kFastScrypt{1u << 10, 8, 1};
}

TEST_CASE("the first start creates a key file and a vault, later starts open the same data key") {
    TempDir dir("dkf");
    const auto files = DataKeyFiles::inDataDir(dir.path);
    const KeyVault first = openOrCreateDataKey(files, keyEncryptionKeyFor(files, std::nullopt));
    CHECK(std::filesystem::exists(dir.path / "kek.key"));
    CHECK(std::filesystem::exists(dir.path / "data.vault"));
    CHECK_FALSE(std::filesystem::exists(dir.path / "data.key"));
    const KeyVault again = openOrCreateDataKey(files, keyEncryptionKeyFor(files, std::nullopt));
    CHECK(first.dataKey() == again.dataKey());
}

TEST_CASE("a lost key file is reported instead of silently making a new data key") {
    TempDir dir("dkf");
    const auto files = DataKeyFiles::inDataDir(dir.path);
    (void)openOrCreateDataKey(files, keyEncryptionKeyFor(files, std::nullopt));
    std::filesystem::remove(dir.path / "kek.key");
    try {
        (void)keyEncryptionKeyFor(files, std::nullopt);
        FAIL("a missing key file must be refused");
    } catch (const KeyVaultError& e) {
        CHECK(e.reason() == KeyVaultError::Reason::Missing);
        CHECK(std::string(e.what()).find("kek.key") != std::string::npos);
    }
    CHECK_FALSE(std::filesystem::exists(dir.path / "kek.key"));
}

TEST_CASE("a clear data key from before issue 7 is wrapped, keeps opening old records, and is shredded") {
    TempDir dir("dkf");
    const auto legacyKey = vigil::crypto::randomKey();
    {
        std::ofstream(dir.path / "data.key") << vigil::crypto::toHex(legacyKey) << "\n";
        ::chmod((dir.path / "data.key").c_str(), 0600);
    }
    const auto oldRecord = RecordSealer(legacyKey).seal({"photo.image", 3}, std::vector<std::uint8_t>{1, 2, 3});

    const auto files = DataKeyFiles::inDataDir(dir.path);
    const KeyVault vault = openOrCreateDataKey(files, keyEncryptionKeyFor(files, std::nullopt));
    CHECK(vault.dataKey() == legacyKey);
    CHECK(RecordSealer(vault.dataKey()).open({"photo.image", 3}, oldRecord).authentic());
    CHECK_FALSE(std::filesystem::exists(dir.path / "data.key"));
    std::ifstream vaultText(dir.path / "data.vault");
    const std::string text{std::istreambuf_iterator<char>(vaultText), {}};
    CHECK(text.find(vigil::crypto::toHex(legacyKey)) == std::string::npos);
}

TEST_CASE("a passphrase-protected data folder needs no key file, and a key file may live elsewhere") {
    TempDir dir("dkf");
    TempDir elsewhere("dkf-kek");
    SUBCASE("passphrase") {
        const auto files = DataKeyFiles::inDataDir(dir.path);
        const KeyVault vault = openOrCreateDataKey(files, keyEncryptionKeyFor(files, "s3cret phrase", kFastScrypt));
        CHECK_FALSE(std::filesystem::exists(dir.path / "kek.key"));
        CHECK(openOrCreateDataKey(files, keyEncryptionKeyFor(files, "s3cret phrase", kFastScrypt)).dataKey() ==
              vault.dataKey());
    }
    SUBCASE("key file on another volume") {
        const auto files = DataKeyFiles::inDataDir(dir.path, elsewhere.path / "hq.kek");
        (void)openOrCreateDataKey(files, keyEncryptionKeyFor(files, std::nullopt));
        CHECK(std::filesystem::exists(elsewhere.path / "hq.kek"));
        CHECK_FALSE(std::filesystem::exists(dir.path / "kek.key"));
        // The data folder alone (without the key file) opens nothing.
        const auto withoutKek = DataKeyFiles::inDataDir(dir.path);
        CHECK_THROWS_AS((void)keyEncryptionKeyFor(withoutKek, std::nullopt), KeyVaultError);
    }
}

TEST_CASE("rotating the key file keeps the data key and retires the old key file") {
    TempDir dir("dkf");
    const auto files = DataKeyFiles::inDataDir(dir.path);
    const KeyVault before = openOrCreateDataKey(files, keyEncryptionKeyFor(files, std::nullopt));
    const auto oldKek = readKeyFile(files.keyFile);
    rotateKeyEncryptionKey(files, keyEncryptionKeyFor(files, std::nullopt), std::nullopt);
    CHECK(readKeyFile(files.keyFile) != oldKek);
    CHECK_FALSE(std::filesystem::exists(nextKeyFile(files)));
    CHECK(openOrCreateDataKey(files, keyEncryptionKeyFor(files, std::nullopt)).dataKey() == before.dataKey());
}

TEST_CASE("a key-file rotation interrupted before the rename is finished by the next start") {
    TempDir dir("dkf");
    const auto files = DataKeyFiles::inDataDir(dir.path);
    KeyVault vault = openOrCreateDataKey(files, keyEncryptionKeyFor(files, std::nullopt));
    const auto dataKey = vault.dataKey();
    // What rotateKeyEncryptionKey does, stopped just before its final rename.
    createKeyFile(nextKeyFile(files));
    vault.rotate(KeyEncryptionKey::fromKeyFile(nextKeyFile(files)));
    const auto nextKek = readKeyFile(nextKeyFile(files));

    CHECK(openOrCreateDataKey(files, keyEncryptionKeyFor(files, std::nullopt)).dataKey() == dataKey);
    CHECK(readKeyFile(files.keyFile) == nextKek);
    CHECK_FALSE(std::filesystem::exists(nextKeyFile(files)));
}

TEST_CASE("two processes creating the data key at once agree on one key") {
    TempDir dir("dkf");
    const auto files = DataKeyFiles::inDataDir(dir.path);
    // The second creation finds the first one's vault and opens it.
    const KeyVault first = openOrCreateDataKey(files, keyEncryptionKeyFor(files, std::nullopt));
    CHECK_THROWS_AS((void)KeyVault::create(files.vault, keyEncryptionKeyFor(files, std::nullopt)), KeyVaultError);
    CHECK(openOrCreateDataKey(files, keyEncryptionKeyFor(files, std::nullopt)).dataKey() == first.dataKey());
}

TEST_CASE("rotating to a passphrase keeps the data key") {
    TempDir dir("dkf");
    const auto files = DataKeyFiles::inDataDir(dir.path);
    const KeyVault before = openOrCreateDataKey(files, keyEncryptionKeyFor(files, std::nullopt));
    rotateKeyEncryptionKey(files, keyEncryptionKeyFor(files, std::nullopt), std::string("new passphrase"), kFastScrypt);
    CHECK(openOrCreateDataKey(files, keyEncryptionKeyFor(files, "new passphrase", kFastScrypt)).dataKey() ==
          before.dataKey());
    CHECK_THROWS_AS((void)openOrCreateDataKey(files, keyEncryptionKeyFor(files, std::nullopt)), KeyVaultError);
}
