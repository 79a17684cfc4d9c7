#include "tls/client_rejection.hpp"

#include "tls/upstream_failure.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <array>
#include <utility>

namespace uaudit::tls {
namespace {

constexpr std::array<std::pair<int, std::string_view>, 34> alert_names{{
    {0, "close_notify"},
    {10, "unexpected_message"},
    {20, "bad_record_mac"},
    {21, "decryption_failed"},
    {22, "record_overflow"},
    {30, "decompression_failure"},
    {40, "handshake_failure"},
    {41, "no_certificate"},
    {42, "bad_certificate"},
    {43, "unsupported_certificate"},
    {44, "certificate_revoked"},
    {45, "certificate_expired"},
    {46, "certificate_unknown"},
    {47, "illegal_parameter"},
    {48, "unknown_ca"},
    {49, "access_denied"},
    {50, "decode_error"},
    {51, "decrypt_error"},
    {60, "export_restriction"},
    {70, "protocol_version"},
    {71, "insufficient_security"},
    {80, "internal_error"},
    {86, "inappropriate_fallback"},
    {90, "user_canceled"},
    {100, "no_renegotiation"},
    {109, "missing_extension"},
    {110, "unsupported_extension"},
    {111, "certificate_unobtainable"},
    {112, "unrecognized_name"},
    {113, "bad_certificate_status_response"},
    {114, "bad_certificate_hash_value"},
    {115, "unknown_psk_identity"},
    {116, "certificate_required"},
    {120, "no_application_protocol"},
}};

std::string alert_reason(int description) {
    switch (description) {
        case SSL_AD_UNKNOWN_CA:
            return std::string(reject_reason::unknown_ca);
        case SSL_AD_BAD_CERTIFICATE:
            return std::string(reject_reason::bad_certificate);
        case SSL_AD_CERTIFICATE_UNKNOWN:
            return std::string(reject_reason::certificate_unknown);
        default:
            break;
    }
    const std::string_view name = tls_alert_name(description);
    return "alert_" + (name.empty() ? std::to_string(description) : std::string(name));
}

// The reason for an OpenSSL error of uaudit's own side of the handshake.
std::string local_reason(int reason) {
    switch (reason) {
        case SSL_R_UNEXPECTED_EOF_WHILE_READING:
            return std::string(reject_reason::closed_in_handshake);
        case SSL_R_WRONG_VERSION_NUMBER:
        case SSL_R_HTTP_REQUEST:
        case SSL_R_HTTPS_PROXY_REQUEST:
        case SSL_R_UNKNOWN_PROTOCOL:
            return std::string(reject_reason::not_tls);
        case SSL_R_UNSUPPORTED_PROTOCOL:
        case SSL_R_VERSION_TOO_LOW:
            return "alert_protocol_version";
        case SSL_R_INAPPROPRIATE_FALLBACK:
            return "alert_inappropriate_fallback";
        default:
            return "alert_handshake_failure";
    }
}

}  // namespace

std::string_view tls_alert_name(int description) {
    for (const auto& [code, name] : alert_names) {
        if (code == description) {
            return name;
        }
    }
    return {};
}

ClientRejection classify_client_rejection(const HandshakeError& error) {
    switch (error.kind) {
        case HandshakeError::Kind::closed:
            return {std::string(reject_reason::closed_in_handshake), error.message};
        case HandshakeError::Kind::other:
            // Not an alert and not a close: the nearest word is the generic failure.
            return {"alert_handshake_failure", error.message};
        case HandshakeError::Kind::openssl:
            break;
    }
    const std::string detail = openssl_reason(error.code);
    if (ERR_GET_LIB(error.code) != ERR_LIB_SSL) {
        return {"alert_handshake_failure", detail};
    }
    const int reason = ERR_GET_REASON(error.code);
    // A fatal alert received from the peer is reported as reason SSL_AD_REASON_OFFSET + its
    // description ("tlsv1 alert unknown ca" = 1048).
    if (reason >= SSL_AD_REASON_OFFSET && reason < SSL_AD_REASON_OFFSET + 256) {
        return {alert_reason(reason - SSL_AD_REASON_OFFSET), detail};
    }
    return {local_reason(reason), detail};
}

}  // namespace uaudit::tls
