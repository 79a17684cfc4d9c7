#include "tls/upstream_failure.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <system_error>

namespace uaudit::tls {
namespace {

struct VerifyCause {
    std::string cause;
    std::string what;  // "certificate <what> (<OpenSSL's text>)"
};

VerifyCause verify_cause(long result) {
    const std::string text = X509_verify_cert_error_string(result);
    switch (result) {
        case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
        case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
        case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
        case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
        case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
        case X509_V_ERR_CERT_UNTRUSTED:
            return {"unknown_ca", "is not trusted (unknown CA: " + text + ")"};
        case X509_V_ERR_HOSTNAME_MISMATCH:
            return {"name_mismatch", "does not match the host name (" + text + ")"};
        case X509_V_ERR_IP_ADDRESS_MISMATCH:
            return {"name_mismatch", "does not match the address (" + text + ")"};
        case X509_V_ERR_CERT_HAS_EXPIRED:
            return {"expired", "has expired (" + text + ")"};
        case X509_V_ERR_CERT_NOT_YET_VALID:
            return {"not_yet_valid", "is not yet valid (" + text + ")"};
        case X509_V_ERR_CERT_REVOKED:
            return {"revoked", "is revoked (" + text + ")"};
        default:
            return {"verify: " + text, "was refused (" + text + ")"};
    }
}

bool is_ssl_reason(const HandshakeError& error, int reason) {
    return error.kind == HandshakeError::Kind::openssl && ERR_GET_LIB(error.code) == ERR_LIB_SSL &&
           ERR_GET_REASON(error.code) == reason;
}

std::string display(std::string_view host, std::uint16_t port) {
    const bool bare_ipv6 = host.find(':') != std::string_view::npos && !host.starts_with('[');
    std::string text = bare_ipv6 ? "[" + std::string(host) + "]" : std::string(host);
    return text + ":" + std::to_string(port);
}

}  // namespace

std::string openssl_reason(unsigned long code) {
    // = ERR_SYSTEM_ERROR / ERR_SYSTEM_MASK (macros with C casts): an errno value, which
    // OpenSSL 3 has no reason string for.
    constexpr unsigned long system_flag = 0x80000000UL;
    if ((code & system_flag) != 0) {
        return std::error_code(static_cast<int>(code & ~system_flag), std::generic_category())
            .message();
    }
    // The strings are loaded by OpenSSL's own initialisation, which may not have run yet in a
    // process that has not made an SSL object (a test, a tool).
    OPENSSL_init_ssl(OPENSSL_INIT_LOAD_SSL_STRINGS | OPENSSL_INIT_LOAD_CRYPTO_STRINGS, nullptr);
    if (const char* reason = ERR_reason_error_string(code)) {
        return reason;
    }
    char buffer[256];
    ERR_error_string_n(code, buffer, sizeof buffer);
    return buffer;
}

UpstreamTlsFailure classify_upstream_failure(const SSL* ssl, const HandshakeError& error,
                                             std::string_view host, std::uint16_t port) {
    UpstreamTlsFailure failure;
    const std::string upstream = "upstream " + display(host, port);
    const long result = ssl == nullptr ? X509_V_OK : SSL_get_verify_result(ssl);
    const bool verifying = ssl != nullptr && (SSL_get_verify_mode(ssl) & SSL_VERIFY_PEER) != 0;
    if ((verifying && result != X509_V_OK) ||
        is_ssl_reason(error, SSL_R_CERTIFICATE_VERIFY_FAILED)) {
        failure.error = tls_verify_failed;
        failure.verify_result = result;
        if (result == X509_V_OK) {  // OpenSSL refused the chain without saying why
            failure.cause = "verify: certificate verify failed";
            failure.message = upstream + " certificate was refused (certificate verify failed)";
        } else {
            VerifyCause cause = verify_cause(result);
            failure.cause = std::move(cause.cause);
            failure.message = upstream + " certificate " + cause.what;
        }
        return failure;
    }
    failure.error = tls_handshake_failed;
    std::string reason;
    switch (error.kind) {
        case HandshakeError::Kind::openssl:
            if (is_ssl_reason(error, SSL_R_UNEXPECTED_EOF_WHILE_READING)) {
                reason = "connection closed";  // a raw BIO saw EOF (Asio reports it as closed)
            } else {
                reason = error.code == 0 ? "unknown error" : openssl_reason(error.code);
            }
            break;
        case HandshakeError::Kind::closed:
            reason = "connection closed";
            break;
        case HandshakeError::Kind::other:
            reason = error.message.empty() ? "unknown error" : error.message;
            break;
    }
    failure.cause = "handshake: " + reason;
    failure.message = upstream + " TLS handshake failed (" + reason + ")";
    return failure;
}

}  // namespace uaudit::tls
