#include "server/tls_state.hpp"

#include "tls/leaf_minter.hpp"
#include "tls/server_context.hpp"

#include <stdexcept>

namespace uaudit::server {

std::unique_ptr<TlsState> make_tls_state(const config::Config& config) {
    auto state = std::make_unique<TlsState>();
    auto loaded = tls::CertificateAuthority::load_or_create(tls::ca_paths(config), {});
    if (!loaded) {
        throw std::runtime_error(loaded.error);
    }
    state->ca = loaded.ca;
    state->ca_created = loaded.created;
    tls::MinterOptions minter_options;
    minter_options.validity =
        std::chrono::duration_cast<std::chrono::seconds>(config.tls.leaf_validity);
    auto minter = std::make_shared<const tls::LeafMinter>(state->ca, minter_options);
    state->certs = std::make_shared<tls::CertCache>(std::move(minter), config.tls.cert_cache);
    std::string error;
    auto intercept = tls::make_intercept_context(state->certs.get(), config.tls.min_version, error);
    if (!intercept) {
        throw std::runtime_error("tls: cannot make the interception context: " + error);
    }
    state->intercept = std::make_unique<asio::ssl::context>(intercept.release());
    state->upstream_tls = std::make_unique<tls::UpstreamTls>(tls::upstream_tls_options(config));
    state->upstream =
        std::make_unique<asio::ssl::context>(state->upstream_tls->new_native_reference());
    return state;
}

bool intercepts(const config::Config& config, const audit::Scope& scope, std::string_view host) {
    switch (config.intercept) {
        case config::Intercept::all:
            return true;
        case config::Intercept::none:
            return false;
        case config::Intercept::scope:
            return scope.intercepts(host);
    }
    return false;
}

}  // namespace uaudit::server
