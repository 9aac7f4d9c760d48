#pragma once
// Client certificates for field stations, signed by the HQ CA (certs/ca.pem +
// ca-key.pem, made by tools/gen-certs), for optional mutual TLS.
//
// Every issued certificate is recorded in a registry file (serial, station,
// status) written atomically. The verify hook installed on the server's
// SSL_CTX accepts a client certificate only if OpenSSL validated its chain AND
// the registry lists its serial as active for the name in its CN; revoked or
// unknown certificates fail the handshake, before any application byte is
// read. revoke() changes the in-memory registry at once, so the next
// handshake is refused — also when the revocation was made by another process
// (the registry file is re-read when it changes); sessions already open must
// be closed by the server (isActive() tells it which).

#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

using SSL_CTX = struct ssl_ctx_st;
using X509 = struct x509_st;
using EVP_PKEY = struct evp_pkey_st;
using X509_STORE_CTX = struct x509_store_ctx_st;

namespace vigil::server::security {

struct StationCertificate {
    std::string stationName;
    std::string serialHex;
    std::string certificatePem;
    std::string privateKeyPem;  // give to the station once; never stored at HQ
    std::int64_t notAfter = 0;  // unix seconds
};

enum class StationCertStatus { Active, Revoked, Unknown };

// Who a station certificate names: its CN and serial (hex), as the registry keeps them.
struct StationIdentity {
    std::string stationName;
    std::string serialHex;
};

struct StationRegistryEntry {
    std::string serialHex;
    std::string stationName;
    StationCertStatus status = StationCertStatus::Active;
    std::int64_t issuedAt = 0;
};

class StationCertificateAuthority {
public:
    // Loads the CA and the registry (an absent registry file is an empty one).
    // Throws std::runtime_error naming the file that is missing or malformed.
    StationCertificateAuthority(const std::filesystem::path& caCertificate,
                                const std::filesystem::path& caPrivateKey,
                                std::filesystem::path registryFile);
    ~StationCertificateAuthority();
    StationCertificateAuthority(const StationCertificateAuthority&) = delete;
    StationCertificateAuthority& operator=(const StationCertificateAuthority&) = delete;

    // A new ECDSA P-256 key and certificate (CN = station, EKU clientAuth).
    // Certificates issued earlier to the same station are revoked: enrolling
    // again replaces a lost or stolen one. Names: 1-64 of [A-Za-z0-9._-].
    StationCertificate issue(std::string_view stationName, int validityDays = 365);

    // Revokes every certificate of the station; returns how many were active.
    std::size_t revoke(std::string_view stationName);

    StationCertStatus statusOf(X509* certificate) const;
    bool isActive(std::string_view stationName, std::string_view serialHex) const;
    std::vector<StationRegistryEntry> entries() const;

    // Makes `ctx` demand a client certificate and refuse revoked or unknown
    // ones. `ctx` must trust the CA (ServerTlsFiles::client_ca) and must not
    // outlive this object.
    void installVerifyHook(SSL_CTX* ctx);

    static bool validStationName(std::string_view name);
    // The identity in a (peer) certificate; empty without exactly one CN or a serial.
    static std::optional<StationIdentity> identify(X509* certificate);

private:
    void saveLocked();
    // Another process (`vigil-server station revoke`) may have rewritten the
    // registry: reload it when its identity (inode, size, mtime) changed.
    void reloadIfChangedLocked() const;
    void loadLocked() const;
    StationCertStatus statusLocked(std::string_view name, std::string_view serialHex) const;
    static int verifyCallback(int preverifyOk, X509_STORE_CTX* storeContext);

    X509* caCertificate_ = nullptr;
    EVP_PKEY* caKey_ = nullptr;
    std::filesystem::path registryFile_;
    mutable std::mutex mutex_;
    mutable std::vector<StationRegistryEntry> registry_;
    mutable std::string registryStamp_;
};

}  // namespace vigil::server::security
