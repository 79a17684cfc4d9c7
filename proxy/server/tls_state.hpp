#pragma once
// What interception needs for the whole run (SPEC §7): the CA (loaded, or created on the
// first run), the leaf cache, the server context presented to clients and the verified client
// context for real hosts. Made once at start; then only read (the caches lock themselves).

#include "audit/scope.hpp"
#include "config/config.hpp"
#include "core/asio.hpp"
#include "http/tls_stream.hpp"
#include "tls/cert_cache.hpp"
#include "tls/certificate_authority.hpp"
#include "tls/upstream_context.hpp"

#include <memory>
#include <string>
#include <string_view>

namespace uaudit::server {

struct TlsState {
    std::shared_ptr<const tls::CertificateAuthority> ca;
    bool ca_created = false;  // this run made the CA (the banner says so)
    std::shared_ptr<tls::CertCache> certs;
    std::unique_ptr<asio::ssl::context> intercept;  // presented to intercepting clients
    std::unique_ptr<tls::UpstreamTls> upstream_tls;
    std::unique_ptr<asio::ssl::context> upstream;  // adopts a reference of upstream_tls's
};

/// Loads or creates the CA and builds both contexts. Throws std::runtime_error naming what
/// failed (start-up only): an unreadable or group-readable key, a bad upstream_ca_file, ...
std::unique_ptr<TlsState> make_tls_state(const config::Config& config);

/// Whether a CONNECT to `host` is TLS-terminated (`intercept:` scope | all | none).
bool intercepts(const config::Config& config, const audit::Scope& scope, std::string_view host);

}  // namespace uaudit::server
