#include "protocol/TlsContext.hpp"

#include <boost/asio/ip/address.hpp>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <stdexcept>

namespace vigil::protocol {
namespace ssl = boost::asio::ssl;
namespace {

void requireFile(const std::filesystem::path& path, const char* what) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
        throw std::runtime_error(std::string(what) + " not found: " + path.string() +
                                 " (run tools/gen-certs or point the configuration at your own)");
}

// TLS 1.3 only: every TLS 1.3 suite is an AEAD with forward secrecy, so no
// cipher list needs curating (RFC 8446 section 9.1). Compression and
// renegotiation do not exist in 1.3.
void restrictToTls13(ssl::context& ctx) {
    SSL_CTX* native = ctx.native_handle();
    if (SSL_CTX_set_min_proto_version(native, TLS1_3_VERSION) != 1 ||
        SSL_CTX_set_max_proto_version(native, TLS1_3_VERSION) != 1)
        throw std::runtime_error("OpenSSL refused to restrict the protocol to TLS 1.3");
    SSL_CTX_set_options(native, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
}

}  // namespace

ssl::context makeServerTlsContext(const ServerTlsFiles& files) {
    requireFile(files.certificate_chain, "server certificate");
    requireFile(files.private_key, "server private key");
    ssl::context ctx(ssl::context::tls_server);
    restrictToTls13(ctx);
    ctx.use_certificate_chain_file(files.certificate_chain.string());
    ctx.use_private_key_file(files.private_key.string(), ssl::context::pem);
    if (SSL_CTX_check_private_key(ctx.native_handle()) != 1)
        throw std::runtime_error("the server private key does not match its certificate");
    if (files.client_ca) {
        requireFile(*files.client_ca, "client CA");
        ctx.load_verify_file(files.client_ca->string());
        ctx.set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert);
    } else {
        ctx.set_verify_mode(ssl::verify_none);
    }
    return ctx;
}

ssl::context makeClientTlsContext(const std::filesystem::path& pinnedCa) {
    requireFile(pinnedCa, "CA certificate");
    ssl::context ctx(ssl::context::tls_client);
    restrictToTls13(ctx);
    ctx.load_verify_file(pinnedCa.string());
    ctx.set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert);
    return ctx;
}

void requireServerIdentity(SSL* ssl, const std::string& host) {
    boost::system::error_code ec;
    const auto ip = boost::asio::ip::make_address(host, ec);
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
    if (!ec) {
        // IP literals are matched against iPAddress SANs; SNI must not carry them (RFC 6066 s3).
        if (X509_VERIFY_PARAM_set1_ip_asc(param, ip.to_string().c_str()) != 1)
            throw std::runtime_error("cannot set the expected server address " + host);
        return;
    }
    X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    if (SSL_set1_host(ssl, host.c_str()) != 1)
        throw std::runtime_error("cannot set the expected server name " + host);
    if (SSL_set_tlsext_host_name(ssl, host.c_str()) != 1)
        throw std::runtime_error("cannot set SNI for " + host);
}

}  // namespace vigil::protocol
