#include "tls/upstream_failure.hpp"

#include <catch2/catch.hpp>
#include <openssl/err.h>
#include <openssl/x509_vfy.h>

using namespace uaudit::tls;

namespace {

// ERR_PACK(ERR_LIB_SSL, 0, reason), whose macro trips -Wold-style-cast.
unsigned long ssl_error(int reason) {
    return (static_cast<unsigned long>(ERR_LIB_SSL) << ERR_LIB_OFFSET) |
           static_cast<unsigned long>(reason);
}

}  // namespace

TEST_CASE("upstream failure: without an SSL the error alone decides", "[tls][upstream]") {
    struct Case {
        HandshakeError error;
        std::string_view word;
        const char* cause;
        const char* message;
    };
    const Case cases[] = {
        {HandshakeError::closed(), tls_handshake_failed, "handshake: connection closed",
         "upstream api.example.com:443 TLS handshake failed (connection closed)"},
        {HandshakeError::closed("Connection reset by peer"), tls_handshake_failed,
         "handshake: connection closed",
         "upstream api.example.com:443 TLS handshake failed (connection closed)"},
        {HandshakeError::other("Operation canceled"), tls_handshake_failed,
         "handshake: Operation canceled",
         "upstream api.example.com:443 TLS handshake failed (Operation canceled)"},
        {HandshakeError::openssl(ssl_error(SSL_R_NO_SHARED_CIPHER)), tls_handshake_failed,
         "handshake: no shared cipher",
         "upstream api.example.com:443 TLS handshake failed (no shared cipher)"},
        {HandshakeError::openssl(ssl_error(SSL_R_UNEXPECTED_EOF_WHILE_READING)),
         tls_handshake_failed, "handshake: connection closed",
         "upstream api.example.com:443 TLS handshake failed (connection closed)"},
        {HandshakeError::openssl(ssl_error(SSL_AD_REASON_OFFSET + SSL_AD_HANDSHAKE_FAILURE)),
         tls_handshake_failed, "handshake: sslv3 alert handshake failure",
         "upstream api.example.com:443 TLS handshake failed (sslv3 alert handshake failure)"},
        {HandshakeError::openssl(0), tls_handshake_failed, "handshake: unknown error",
         "upstream api.example.com:443 TLS handshake failed (unknown error)"},
        {HandshakeError::openssl(ssl_error(SSL_R_CERTIFICATE_VERIFY_FAILED)), tls_verify_failed,
         "verify: certificate verify failed",
         "upstream api.example.com:443 certificate was refused (certificate verify failed)"},
    };
    for (const Case& c : cases) {
        INFO(c.cause);
        const auto failure = classify_upstream_failure(nullptr, c.error, "api.example.com", 443);
        CHECK(failure.error == c.word);
        CHECK(failure.cause == c.cause);
        CHECK(failure.message == c.message);
        CHECK(failure.verify_result == X509_V_OK);
    }
}

TEST_CASE("upstream failure: verify results map to causes", "[tls][upstream]") {
    // A verifying SSL whose verify result is set by hand: the classifier only reads it.
    SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
    SSL* ssl = SSL_new(ctx);
    SSL_set_verify(ssl, SSL_VERIFY_PEER, nullptr);
    struct Case {
        long result;
        const char* cause;
        const char* message;
    };
    const Case cases[] = {
        {X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN, "unknown_ca",
         "upstream h.example:8443 certificate is not trusted (unknown CA: self-signed "
         "certificate in certificate chain)"},
        {X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE, "unknown_ca",
         "upstream h.example:8443 certificate is not trusted (unknown CA: unable to verify the "
         "first certificate)"},
        {X509_V_ERR_CERT_REVOKED, "revoked",
         "upstream h.example:8443 certificate is revoked (certificate revoked)"},
        {X509_V_ERR_INVALID_PURPOSE, "verify: unsuitable certificate purpose",
         "upstream h.example:8443 certificate was refused (unsuitable certificate purpose)"},
    };
    for (const Case& c : cases) {
        INFO(c.cause);
        SSL_set_verify_result(ssl, c.result);
        const auto failure =
            classify_upstream_failure(ssl, HandshakeError::openssl(0), "h.example", 8443);
        CHECK(failure.error == tls_verify_failed);
        CHECK(failure.verify_result == c.result);
        CHECK(failure.cause == c.cause);
        CHECK(failure.message == c.message);
    }
    // With upstream_verify off a bad verify result is never the cause.
    SSL_set_verify(ssl, SSL_VERIFY_NONE, nullptr);
    const auto unverified =
        classify_upstream_failure(ssl, HandshakeError::closed(), "h.example", 8443);
    CHECK(unverified.error == tls_handshake_failed);
    CHECK(unverified.cause == "handshake: connection closed");
    SSL_free(ssl);
    SSL_CTX_free(ctx);
}

TEST_CASE("upstream failure: IPv6 upstreams are bracketed in messages", "[tls][upstream]") {
    CHECK(
        classify_upstream_failure(nullptr, HandshakeError::closed(), "2001:db8::1", 443).message ==
        "upstream [2001:db8::1]:443 TLS handshake failed (connection closed)");
    CHECK(classify_upstream_failure(nullptr, HandshakeError::closed(), "[::1]", 443).message ==
          "upstream [::1]:443 TLS handshake failed (connection closed)");
}

TEST_CASE("upstream failure: openssl_reason", "[tls][upstream]") {
    CHECK(openssl_reason(ssl_error(SSL_R_WRONG_VERSION_NUMBER)) == "wrong version number");
    CHECK(openssl_reason(0x80000002UL) == "No such file or directory");  // ERR_SYSTEM_FLAG | ENOENT
    CHECK(openssl_reason(ssl_error(4095)) == "error:0A000FFF:SSL routines::reason(4095)");
}
