#pragma once
// Why uaudit's TLS handshake with an upstream failed (SPEC §7: "502 ... TLS failure (the body
// says which)"; §8 `error`). Pure: reads the SSL's verify result and the error, nothing else.

#include "tls/handshake_error.hpp"

#include <openssl/ssl.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace uaudit::tls {

/// SPEC §8 `error` words for upstream TLS failures.
inline constexpr std::string_view tls_verify_failed = "tls_verify_failed";
inline constexpr std::string_view tls_handshake_failed = "tls_handshake_failed";

/// A classified upstream TLS failure.
struct UpstreamTlsFailure {
    /// tls_verify_failed (the certificate or its name was refused) or tls_handshake_failed
    /// (anything else: protocol version, ciphers, alerts, the connection closing).
    std::string_view error;
    /// Short and stable, for the 502 body and logs: "unknown_ca", "name_mismatch",
    /// "expired", "not_yet_valid", "revoked", "verify: <OpenSSL's verify error>" for other
    /// certificate problems, "handshake: <OpenSSL's reason>" (e.g. "handshake: tlsv1 alert
    /// protocol version") or "handshake: connection closed".
    std::string cause;
    /// One sentence naming the upstream, e.g. "upstream api.example.com:443 certificate is
    /// not trusted (unknown CA: self-signed certificate)".
    std::string message;
    /// SSL_get_verify_result (X509_V_OK when the chain was not the problem).
    long verify_result = X509_V_OK;

    bool is_verify_failure() const { return error == tls_verify_failed; }
};

/// Classifies a failed client handshake on `ssl` (may be null: then only `error` counts) to
/// `host`:`port` (named in the message). A certificate problem is recognized by OpenSSL's
/// "certificate verify failed", or by a verify result other than X509_V_OK while the peer is
/// verified (with upstream_verify off the verify result is never the cause).
UpstreamTlsFailure classify_upstream_failure(const SSL* ssl, const HandshakeError& error,
                                             std::string_view host, std::uint16_t port);

/// The same, straight from the error_code of Asio's async_handshake.
inline UpstreamTlsFailure classify_upstream_failure(const SSL* ssl,
                                                    const boost::system::error_code& ec,
                                                    std::string_view host, std::uint16_t port) {
    return classify_upstream_failure(ssl, handshake_error_from(ec), host, port);
}

/// OpenSSL's text for a packed error code: its reason ("unsupported protocol"), the errno
/// text of a system error ("No such file or directory"), or the whole "error:0A000FFF:..."
/// form when OpenSSL has no reason string for it.
std::string openssl_reason(unsigned long code);

}  // namespace uaudit::tls
