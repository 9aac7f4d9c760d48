#pragma once
// TLS settings both sides share: TLS 1.3 only, certificate verification
// against a pinned CA, host-name checks. Builds contexts; opens no socket.

#include <boost/asio/ssl/context.hpp>

#include <filesystem>
#include <optional>
#include <string>

using SSL = struct ssl_st;

namespace vigil::protocol {

struct ServerTlsFiles {
    std::filesystem::path certificate_chain;  // PEM: server certificate (+ intermediates)
    std::filesystem::path private_key;        // PEM
    // When set, clients must present a certificate signed by this CA (mutual TLS).
    std::optional<std::filesystem::path> client_ca;
};

// Throws std::runtime_error with a sentence naming the file when a file is
// missing or the key does not match the certificate.
boost::asio::ssl::context makeServerTlsContext(const ServerTlsFiles& files);

// A client context that trusts only `pinnedCa` (not the system store).
boost::asio::ssl::context makeClientTlsContext(const std::filesystem::path& pinnedCa);

// Per connection, before the handshake: sets SNI and makes OpenSSL check that
// the certificate is for `host` (a DNS name or an IP address literal).
void requireServerIdentity(SSL* ssl, const std::string& host);

}  // namespace vigil::protocol
