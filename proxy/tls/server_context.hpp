#pragma once
// Server-side TLS contexts for intercepted tunnels: the client speaks TLS to uaudit, which
// presents a leaf minted for the name it asked for (SPEC §7). Raw OpenSSL: an Asio
// `ssl::context` adopts the SSL_CTX (its native_handle constructor takes ownership).

#include "tls/cert_cache.hpp"
#include "tls/detail/openssl_ptr.hpp"

#include <string>
#include <string_view>

namespace uaudit::tls {

/// `tls.min_version` ("1.2", "1.3") as an OpenSSL protocol version; 0 when unknown.
int parse_tls_version(std::string_view text);

/// The context shared by every intercepted connection: TLS >= `min_version`, ALPN selecting
/// `http/1.1` (a client offering only other protocols gets no ALPN answer rather than a
/// failed handshake), and no certificate of its own. With a `cache` (which must outlive the
/// context), a servername callback presents a leaf for the client's SNI when the leaf set with
/// use_leaf() does not already cover it, minting in the handshake if needed; a client without
/// SNI (or with an invalid one) gets the use_leaf() leaf. Null on error, `error` set.
detail::SslCtxPtr make_intercept_context(CertCache* cache, std::string_view min_version,
                                         std::string& error);

/// A context presenting `leaf` to every client (same ALPN and version rules, no SNI
/// callback): tests, and servers that make one context per name.
detail::SslCtxPtr make_server_ctx(const LeafCertificate& leaf, std::string_view min_version,
                                  std::string& error);

/// Presents `leaf` on one connection (call before the handshake, typically with the leaf of
/// the CONNECT host). The SSL object takes its own references.
bool use_leaf(SSL* ssl, const LeafCertificate& leaf);

/// The SNI host name the client sent ("" when none); valid during and after the handshake.
std::string_view requested_server_name(const SSL* ssl);

}  // namespace uaudit::tls
