#include "server/security/StationCertificateAuthority.hpp"

#include "protocol/Crypto.hpp"
#include "server/security/AtomicFile.hpp"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <chrono>
#include <sys/stat.h>
#include <memory>
#include <sstream>
#include <stdexcept>

namespace vigil::server::security {
namespace {

template <class T, void (*Free)(T*)>
struct Deleter {
    void operator()(T* p) const { Free(p); }
};
using BioPtr = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using ExtPtr = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION, X509_EXTENSION_free>>;
using BnPtr = std::unique_ptr<BIGNUM, Deleter<BIGNUM, BN_free>>;

[[noreturn]] void fail(const std::string& what) { throw std::runtime_error(what); }

BioPtr openFile(const std::filesystem::path& file, const char* what) {
    BioPtr bio(BIO_new_file(file.c_str(), "r"));
    if (!bio) fail(std::string("cannot read the ") + what + " " + file.string());
    return bio;
}

std::string toPem(int (*write)(BIO*, void*), void* object) {
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || write(bio.get(), object) != 1) fail("cannot write PEM");
    char* data = nullptr;
    const long length = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(length));
}

std::string serialOf(X509* certificate) {
    const ASN1_INTEGER* serial = X509_get0_serialNumber(certificate);
    BnPtr bn(ASN1_INTEGER_to_BN(serial, nullptr));
    if (!bn) return {};
    char* hex = BN_bn2hex(bn.get());
    std::string out(hex ? hex : "");
    OPENSSL_free(hex);
    return out;
}

std::string commonNameOf(X509* certificate) {
    X509_NAME* subject = X509_get_subject_name(certificate);
    const int index = X509_NAME_get_index_by_NID(subject, NID_commonName, -1);
    if (index < 0) return {};
    // A second CN would make the name ambiguous: treat as no name.
    if (X509_NAME_get_index_by_NID(subject, NID_commonName, index) >= 0) return {};
    const ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, index));
    return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(data)),
                       static_cast<std::size_t>(ASN1_STRING_length(data)));
}

void addExtension(X509* certificate, X509* issuer, int nid, const char* value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, certificate, nullptr, nullptr, 0);
    ExtPtr ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value));
    if (!ext || X509_add_ext(certificate, ext.get(), -1) != 1)
        fail(std::string("cannot add certificate extension ") + OBJ_nid2sn(nid));
}

std::string_view statusWord(StationCertStatus s) {
    switch (s) {
    case StationCertStatus::Active: return "active";
    case StationCertStatus::Revoked: return "revoked";
    case StationCertStatus::Unknown: return "unknown";
    }
    return "unknown";
}

int exDataIndex() {
    static const int index = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
    return index;
}

}  // namespace

bool StationCertificateAuthority::validStationName(std::string_view name) {
    if (name.empty() || name.size() > 64) return false;
    for (char c : name)
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
              c == '_' || c == '-'))
            return false;
    return true;
}

StationCertificateAuthority::StationCertificateAuthority(const std::filesystem::path& caCertificate,
                                                         const std::filesystem::path& caPrivateKey,
                                                         std::filesystem::path registryFile)
    : registryFile_(std::move(registryFile)) {
    {
        BioPtr bio = openFile(caCertificate, "CA certificate");
        caCertificate_ = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr);
        if (!caCertificate_) fail(caCertificate.string() + " is not a PEM certificate");
    }
    {
        BioPtr bio = openFile(caPrivateKey, "CA private key");
        caKey_ = PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr);
        if (!caKey_) {
            X509_free(caCertificate_);
            fail(caPrivateKey.string() + " is not a PEM private key");
        }
    }
    if (X509_check_private_key(caCertificate_, caKey_) != 1) {
        X509_free(caCertificate_);
        EVP_PKEY_free(caKey_);
        fail(caPrivateKey.string() + " does not belong to " + caCertificate.string());
    }
    try {
        std::lock_guard lock(mutex_);
        loadLocked();
    } catch (...) {
        X509_free(caCertificate_);
        EVP_PKEY_free(caKey_);
        throw;
    }
}

namespace {
std::string fileStamp(const std::filesystem::path& file) {
    struct stat st {};
    if (::stat(file.c_str(), &st) != 0) return "absent";
    return std::to_string(st.st_ino) + ":" + std::to_string(st.st_size) + ":" + std::to_string(st.st_mtim.tv_sec) +
           "." + std::to_string(st.st_mtim.tv_nsec);
}
}  // namespace

void StationCertificateAuthority::loadLocked() const {
    registryStamp_ = fileStamp(registryFile_);
    std::vector<StationRegistryEntry> loaded;
    std::error_code ec;
    if (std::filesystem::exists(registryFile_, ec)) {
        std::istringstream in(readWholeFile(registryFile_));
        std::string line;
        while (std::getline(in, line)) {
            if (line.empty() || line[0] == '#') continue;
            std::istringstream fields(line);
            StationRegistryEntry entry;
            std::string status;
            if (!(fields >> entry.serialHex >> entry.stationName >> status >> entry.issuedAt) ||
                !validStationName(entry.stationName) || (status != "active" && status != "revoked"))
                fail(registryFile_.string() + " has a malformed line: " + line);
            entry.status = status == "active" ? StationCertStatus::Active : StationCertStatus::Revoked;
            loaded.push_back(std::move(entry));
        }
    }
    registry_ = std::move(loaded);
}

void StationCertificateAuthority::reloadIfChangedLocked() const {
    if (fileStamp(registryFile_) == registryStamp_) return;
    try {
        loadLocked();
    } catch (const std::exception&) {
        // A registry that cannot be read refuses everyone (fail closed).
        registry_.clear();
    }
}

StationCertificateAuthority::~StationCertificateAuthority() {
    X509_free(caCertificate_);
    EVP_PKEY_free(caKey_);
}

void StationCertificateAuthority::saveLocked() {
    std::ostringstream out;
    out << "# Vigil station certificates: serial station status issued-at (written by vigil-server)\n";
    for (const auto& e : registry_)
        out << e.serialHex << ' ' << e.stationName << ' ' << statusWord(e.status) << ' ' << e.issuedAt
            << '\n';
    writeFileAtomically(registryFile_, out.str(), 0600);
    registryStamp_ = fileStamp(registryFile_);
}

StationCertificate StationCertificateAuthority::issue(std::string_view stationName, int validityDays) {
    if (!validStationName(stationName))
        throw std::invalid_argument("a station name is 1-64 letters, digits, '.', '_' or '-'");
    if (validityDays < 1 || validityDays > 825) throw std::invalid_argument("validity must be 1-825 days");

    PkeyPtr key(EVP_EC_gen("P-256"));
    if (!key) fail("cannot generate a station key");
    X509Ptr cert(X509_new());
    if (!cert || X509_set_version(cert.get(), X509_VERSION_3) != 1) fail("cannot create a certificate");

    // 127 random bits, positive (RFC 5280 section 4.1.2.2: at most 20 octets, unpredictable).
    crypto::Bytes serialBytes = crypto::randomBytes(16);
    serialBytes[0] &= 0x7F;
    serialBytes[0] |= 0x01;  // no leading zero octet, so the hex form is canonical
    BnPtr serialBn(BN_bin2bn(serialBytes.data(), static_cast<int>(serialBytes.size()), nullptr));
    if (!serialBn || !BN_to_ASN1_INTEGER(serialBn.get(), X509_get_serialNumber(cert.get())))
        fail("cannot set the serial number");

    X509_NAME* subject = X509_get_subject_name(cert.get());
    const std::string name(stationName);
    if (X509_NAME_add_entry_by_txt(subject, "O", MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char*>("Vigil stations"), -1, -1, 0) != 1 ||
        X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char*>(name.c_str()), -1, -1, 0) != 1 ||
        X509_set_issuer_name(cert.get(), X509_get_subject_name(caCertificate_)) != 1)
        fail("cannot set the certificate names");

    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    // Five minutes of back-dating tolerate a station clock slightly behind HQ.
    if (!X509_gmtime_adj(X509_getm_notBefore(cert.get()), -300) ||
        !X509_gmtime_adj(X509_getm_notAfter(cert.get()), static_cast<long>(validityDays) * 86400) ||
        X509_set_pubkey(cert.get(), key.get()) != 1)
        fail("cannot set validity or key");
    addExtension(cert.get(), caCertificate_, NID_basic_constraints, "critical,CA:FALSE");
    addExtension(cert.get(), caCertificate_, NID_key_usage, "critical,digitalSignature");
    addExtension(cert.get(), caCertificate_, NID_ext_key_usage, "clientAuth");
    addExtension(cert.get(), caCertificate_, NID_subject_key_identifier, "hash");
    addExtension(cert.get(), caCertificate_, NID_authority_key_identifier, "keyid:always");
    if (X509_sign(cert.get(), caKey_, EVP_sha256()) <= 0) fail("cannot sign the station certificate");

    StationCertificate issued;
    issued.stationName = name;
    issued.serialHex = serialOf(cert.get());
    issued.notAfter = now + static_cast<std::int64_t>(validityDays) * 86400;
    issued.certificatePem = toPem(
        [](BIO* b, void* o) { return PEM_write_bio_X509(b, static_cast<X509*>(o)); }, cert.get());
    issued.privateKeyPem = toPem(
        [](BIO* b, void* o) {
            return PEM_write_bio_PrivateKey(b, static_cast<EVP_PKEY*>(o), nullptr, nullptr, 0, nullptr,
                                            nullptr);
        },
        key.get());

    std::lock_guard lock(mutex_);
    reloadIfChangedLocked();
    for (auto& e : registry_)
        if (e.stationName == name) e.status = StationCertStatus::Revoked;
    registry_.push_back({issued.serialHex, name, StationCertStatus::Active, now});
    saveLocked();
    return issued;
}

std::size_t StationCertificateAuthority::revoke(std::string_view stationName) {
    std::lock_guard lock(mutex_);
    reloadIfChangedLocked();
    std::size_t revoked = 0;
    for (auto& e : registry_)
        if (e.stationName == stationName && e.status == StationCertStatus::Active) {
            e.status = StationCertStatus::Revoked;
            ++revoked;
        }
    if (revoked > 0) saveLocked();
    return revoked;
}

StationCertStatus StationCertificateAuthority::statusLocked(std::string_view name,
                                                            std::string_view serialHex) const {
    for (const auto& e : registry_)
        if (e.serialHex == serialHex) return e.stationName == name ? e.status : StationCertStatus::Unknown;
    return StationCertStatus::Unknown;
}

StationCertStatus StationCertificateAuthority::statusOf(X509* certificate) const {
    if (!certificate) return StationCertStatus::Unknown;
    const std::string name = commonNameOf(certificate);
    const std::string serial = serialOf(certificate);
    if (name.empty() || serial.empty()) return StationCertStatus::Unknown;
    std::lock_guard lock(mutex_);
    reloadIfChangedLocked();
    return statusLocked(name, serial);
}

std::optional<StationIdentity> StationCertificateAuthority::identify(X509* certificate) {
    if (!certificate) return std::nullopt;
    StationIdentity id{commonNameOf(certificate), serialOf(certificate)};
    if (id.stationName.empty() || id.serialHex.empty()) return std::nullopt;
    return id;
}

bool StationCertificateAuthority::isActive(std::string_view stationName, std::string_view serialHex) const {
    std::lock_guard lock(mutex_);
    reloadIfChangedLocked();
    return statusLocked(stationName, serialHex) == StationCertStatus::Active;
}

std::vector<StationRegistryEntry> StationCertificateAuthority::entries() const {
    std::lock_guard lock(mutex_);
    reloadIfChangedLocked();
    return registry_;
}

int StationCertificateAuthority::verifyCallback(int preverifyOk, X509_STORE_CTX* storeContext) {
    if (preverifyOk != 1) return 0;  // chain, signature or validity already failed
    if (X509_STORE_CTX_get_error_depth(storeContext) != 0) return 1;  // the CA itself
    auto* ssl = static_cast<SSL*>(
        X509_STORE_CTX_get_ex_data(storeContext, SSL_get_ex_data_X509_STORE_CTX_idx()));
    const auto* authority = ssl ? static_cast<const StationCertificateAuthority*>(
                                      SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), exDataIndex()))
                                : nullptr;
    if (!authority) {
        X509_STORE_CTX_set_error(storeContext, X509_V_ERR_APPLICATION_VERIFICATION);
        return 0;
    }
    switch (authority->statusOf(X509_STORE_CTX_get_current_cert(storeContext))) {
    case StationCertStatus::Active: return 1;
    case StationCertStatus::Revoked: X509_STORE_CTX_set_error(storeContext, X509_V_ERR_CERT_REVOKED); return 0;
    case StationCertStatus::Unknown: break;
    }
    X509_STORE_CTX_set_error(storeContext, X509_V_ERR_APPLICATION_VERIFICATION);
    return 0;
}

void StationCertificateAuthority::installVerifyHook(SSL_CTX* ctx) {
    if (exDataIndex() < 0 || SSL_CTX_set_ex_data(ctx, exDataIndex(), this) != 1)
        fail("cannot attach the station registry to the TLS context");
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, &verifyCallback);
}

}  // namespace vigil::server::security
