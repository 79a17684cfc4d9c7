#pragma once
// Why a client refused the TLS handshake on an intercepted tunnel: the reason of a
// `tls_client_rejected` event (SPEC §7, §8). A client that does not trust the uaudit CA, or
// pins the real certificate, ends the handshake with an alert or by closing the connection.

#include "tls/handshake_error.hpp"

#include <string>
#include <string_view>

namespace uaudit::tls {

/// The `tls_client_rejected.reason` words of SPEC §8 (besides `alert_<name>`).
namespace reject_reason {
inline constexpr std::string_view unknown_ca = "unknown_ca";
inline constexpr std::string_view bad_certificate = "bad_certificate";
inline constexpr std::string_view certificate_unknown = "certificate_unknown";
inline constexpr std::string_view closed_in_handshake = "closed_in_handshake";
/// Decided by the server module (its handshake deadline), never by the classifier.
inline constexpr std::string_view handshake_timeout = "handshake_timeout";
/// The first bytes were not a TLS record: usually decided by the server module before the
/// handshake; the classifier also returns it when OpenSSL says so.
inline constexpr std::string_view not_tls = "not_tls";
}  // namespace reject_reason

struct ClientRejection {
    std::string reason;  // a SPEC §8 reason word
    std::string detail;  // OpenSSL's or the transport's own words, for logs
};

/// Classifies a failed server-side handshake (SSL_accept / async_handshake(server)):
/// - a fatal alert from the client: `unknown_ca` (48), `bad_certificate` (42),
///   `certificate_unknown` (46), else `alert_<RFC 8446 name>` such as
///   `alert_certificate_expired` or `alert_handshake_failure` (`alert_<number>` for an
///   alert without a name);
/// - the client closed or reset the connection: `closed_in_handshake`;
/// - OpenSSL found no TLS record (wrong version number, an HTTP request): `not_tls`;
/// - a failure on uaudit's side of the handshake: `alert_<the alert OpenSSL sends>`, i.e.
///   `alert_protocol_version` for a TLS version below `tls.min_version`, otherwise
///   `alert_handshake_failure` (no shared cipher or group, a malformed message, ...);
/// - any other transport error: `alert_handshake_failure`, with the error in `detail`.
ClientRejection classify_client_rejection(const HandshakeError& error);

/// The same, straight from the error_code of Asio's async_handshake.
inline ClientRejection classify_client_rejection(const boost::system::error_code& ec) {
    return classify_client_rejection(handshake_error_from(ec));
}

/// The RFC 8446 / RFC 5246 name of a TLS alert ("unknown_ca"), "" when it has none.
std::string_view tls_alert_name(int description);

}  // namespace uaudit::tls
