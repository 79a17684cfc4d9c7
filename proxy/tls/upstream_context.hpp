#pragma once
// The client side of interception: uaudit's own TLS connections to the real hosts (SPEC §4
// `tls.upstream_verify`, `tls.upstream_ca_file`, `tls.min_version`; §7). Raw OpenSSL; the
// server module wraps the context in an Asio `ssl::context` and each connection's SSL in an
// `ssl::stream`.
//
// Ownership: UpstreamTls holds one reference to its SSL_CTX; new_native_reference() hands out
// another for `boost::asio::ssl::context(SSL_CTX*)`, which adopts (and frees) it. The session
// store lives in the SSL_CTX's ex_data and is freed with the last reference, so SSL objects
// may outlive both the UpstreamTls and the Asio context. Asio keeps its own callbacks in the
// app data slot (ex_data index 0), so uaudit uses indexes of its own.

#include "config/config.hpp"
#include "tls/detail/openssl_ptr.hpp"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace uaudit::tls {

namespace detail {
class SessionStore;
}

/// How upstream connections are made; upstream_tls_options() fills it from the configuration.
struct UpstreamTlsOptions {
    /// `tls.upstream_verify`: check the chain and the host name (SSL_VERIFY_PEER). When false,
    /// any certificate is accepted (the verify result is still computed, but not enforced).
    bool verify = true;
    /// `tls.upstream_ca_file`, already resolved; extra trust anchors added to the system
    /// store. Empty = none.
    std::filesystem::path ca_file;
    /// `tls.min_version`: "1.2" or "1.3".
    std::string min_version = "1.2";
    /// Upstream "host:port" entries kept for session resumption; 0 disables resumption.
    std::size_t session_cache = 256;
};

/// The options of `config.tls`, with `upstream_ca_file` resolved against `data_dir` like every
/// other configured path (config::resolve_path).
UpstreamTlsOptions upstream_tls_options(const config::Config& config);

/// The one client context for every upstream TLS connection: the system trust store plus
/// `ca_file`, TLS >= `min_version`, ALPN offering `http/1.1`, peer verification unless turned
/// off, and client-side session resumption keyed by upstream "host:port". Thread-safe: made
/// once at start, then only read (the session store has its own mutex).
class UpstreamTls {
public:
    /// Builds the context. Throws std::runtime_error (start-up only) naming what failed: an
    /// unsupported `min_version`, or a `ca_file` OpenSSL cannot load (the message names the
    /// file and OpenSSL's reason).
    explicit UpstreamTls(const UpstreamTlsOptions& options);
    UpstreamTls(const UpstreamTls&) = delete;
    UpstreamTls& operator=(const UpstreamTls&) = delete;

    /// The context, borrowed: valid while this object lives.
    SSL_CTX* native() const { return ctx_.get(); }

    /// A new reference to the context, owned by the caller: hand it to
    /// `boost::asio::ssl::context(SSL_CTX*)`, which frees it in its destructor.
    SSL_CTX* new_native_reference() const;

    /// Prepares a connection made from this context (SSL_new, or an Asio `ssl::stream` on the
    /// adopted context) before its handshake: SNI for a host name (none for an IP literal,
    /// RFC 6066 §3), the name or address the certificate must match, the session kept for
    /// `host:port` if any, and the key under which a new session is kept. `host` may be a
    /// name, an IPv4 literal, or an IPv6 literal with or without brackets; case and one
    /// trailing dot do not matter. False for a host parse_server_name rejects or an SSL from
    /// another context: report it as `tls_handshake_failed`.
    bool prepare(SSL* ssl, std::string_view host, std::uint16_t port) const;

    /// Sessions kept now (for tests and /metrics).
    std::size_t cached_sessions() const;

    const UpstreamTlsOptions& options() const { return options_; }

private:
    UpstreamTlsOptions options_;
    detail::SslCtxPtr ctx_;
    detail::SessionStore* sessions_;  // owned by ctx_ (ex_data), so it dies with the last SSL
};

}  // namespace uaudit::tls
