#include "tls/upstream_context.hpp"

#include "config/load.hpp"
#include "tls/detail/session_store.hpp"
#include "tls/server_context.hpp"
#include "tls/server_name.hpp"
#include "tls/upstream_failure.hpp"

#include <openssl/err.h>

#include <memory>
#include <stdexcept>

namespace uaudit::tls {
namespace {

constexpr unsigned char alpn_http11[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};

void free_store(void* /*parent*/, void* store, CRYPTO_EX_DATA* /*data*/, int /*index*/,
                long /*argl*/, void* /*argp*/) {
    delete static_cast<detail::SessionStore*>(store);
}

void free_key(void* /*parent*/, void* key, CRYPTO_EX_DATA* /*data*/, int /*index*/, long /*argl*/,
              void* /*argp*/) {
    delete static_cast<std::string*>(key);
}

// The SSL_CTX slot holding the SessionStore, and the SSL slot holding the connection's
// "host:port"; both freed by OpenSSL with their owner.
int store_index() {
    static const int index =
        CRYPTO_get_ex_new_index(CRYPTO_EX_INDEX_SSL_CTX, 0, nullptr, nullptr, nullptr, free_store);
    return index;
}

int key_index() {
    static const int index =
        CRYPTO_get_ex_new_index(CRYPTO_EX_INDEX_SSL, 0, nullptr, nullptr, nullptr, free_key);
    return index;
}

// OpenSSL calls this when a session becomes resumable: at the end of a TLS 1.2 handshake, and
// for each TLS 1.3 NewSessionTicket, which arrives after the handshake, with application data.
int on_new_session(SSL* ssl, SSL_SESSION* session) {
    const auto* key = static_cast<const std::string*>(SSL_get_ex_data(ssl, key_index()));
    auto* store = static_cast<detail::SessionStore*>(
        SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), store_index()));
    if (key == nullptr || store == nullptr || SSL_SESSION_is_resumable(session) != 1) {
        return 0;
    }
    // A copy, so that this connection ending without a close_notify (which makes OpenSSL
    // mark its session not resumable) leaves the stored one usable.
    store->put(*key, detail::SslSessionPtr(SSL_SESSION_dup(session)));
    return 0;  // OpenSSL keeps (and drops) its own reference
}

// OpenSSL's reason for the oldest error queued in this thread, the root cause (later ones
// only say which layer passed it on: "no such file", "system lib"); empties the queue.
std::string openssl_root_cause() {
    const unsigned long code = ERR_get_error();
    ERR_clear_error();
    return code == 0 ? "unknown OpenSSL error" : openssl_reason(code);
}

std::string session_key(const ServerName& name, std::uint16_t port) {
    const bool ipv6 = name.is_ip && name.text.find(':') != std::string::npos;
    return (ipv6 ? "[" + name.text + "]" : name.text) + ":" + std::to_string(port);
}

}  // namespace

UpstreamTlsOptions upstream_tls_options(const config::Config& config) {
    UpstreamTlsOptions options;
    options.verify = config.tls.upstream_verify;
    if (!config.tls.upstream_ca_file.empty()) {
        options.ca_file = config::resolve_path(config, config.tls.upstream_ca_file);
    }
    options.min_version = config.tls.min_version;
    return options;
}

UpstreamTls::UpstreamTls(const UpstreamTlsOptions& options)
    : options_(options)
    , ctx_(SSL_CTX_new(TLS_client_method()))
    , sessions_(nullptr) {
    const int version = parse_tls_version(options.min_version);
    if (version == 0) {
        throw std::runtime_error("tls.min_version: unsupported TLS version '" +
                                 options.min_version + "' (use 1.2 or 1.3)");
    }
    if (!ctx_ || !detail::set_min_proto_version(ctx_.get(), version)) {
        throw std::runtime_error("creating the upstream TLS context: " + openssl_root_cause());
    }
    if (SSL_CTX_set_default_verify_paths(ctx_.get()) != 1) {
        throw std::runtime_error("loading the system trust store: " + openssl_root_cause());
    }
    ERR_clear_error();  // a missing default file or directory is not an error
    if (!options.ca_file.empty() &&
        SSL_CTX_load_verify_file(ctx_.get(), options.ca_file.c_str()) != 1) {
        throw std::runtime_error("tls.upstream_ca_file: cannot load trust anchors from '" +
                                 options.ca_file.string() + "': " + openssl_root_cause());
    }
    SSL_CTX_set_verify(ctx_.get(), options.verify ? SSL_VERIFY_PEER : SSL_VERIFY_NONE, nullptr);
    // SSL_CTX_set_alpn_protos returns 0 on success.
    if (SSL_CTX_set_alpn_protos(ctx_.get(), alpn_http11, sizeof alpn_http11) != 0) {
        throw std::runtime_error("setting ALPN on the upstream TLS context: " +
                                 openssl_root_cause());
    }
    // = SSL_CTX_set_session_cache_mode: tell OpenSSL to report client sessions, and not to
    // keep them in its own cache, which only servers look up.
    SSL_CTX_ctrl(ctx_.get(), SSL_CTRL_SET_SESS_CACHE_MODE,
                 SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE, nullptr);
    auto store = std::make_unique<detail::SessionStore>(options.session_cache);
    if (SSL_CTX_set_ex_data(ctx_.get(), store_index(), store.get()) != 1) {
        throw std::runtime_error("creating the upstream TLS context: " + openssl_root_cause());
    }
    sessions_ = store.release();
    SSL_CTX_sess_set_new_cb(ctx_.get(), on_new_session);
}

SSL_CTX* UpstreamTls::new_native_reference() const {
    return SSL_CTX_up_ref(ctx_.get()) == 1 ? ctx_.get() : nullptr;
}

bool UpstreamTls::prepare(SSL* ssl, std::string_view host, std::uint16_t port) const {
    if (ssl == nullptr || SSL_get_SSL_CTX(ssl) != ctx_.get()) {
        return false;
    }
    const auto name = parse_server_name(host);
    if (!name) {
        return false;
    }
    if (name->is_ip) {
        if (X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), name->text.c_str()) != 1) {
            return false;
        }
    } else {
        // = SSL_set_tlsext_host_name; OpenSSL copies the name.
        if (SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                     const_cast<char*>(name->text.c_str())) != 1 ||
            SSL_set1_host(ssl, name->text.c_str()) != 1) {
            return false;
        }
        // "*" must be a whole label ("f*.example.com" matches nothing), as browsers require.
        SSL_set_hostflags(ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    }
    auto key = std::make_unique<std::string>(session_key(*name, port));
    delete static_cast<std::string*>(SSL_get_ex_data(ssl, key_index()));  // prepared twice
    SSL_set_ex_data(ssl, key_index(), nullptr);
    if (const detail::SslSessionPtr session = sessions_->take(*key)) {
        SSL_set_session(ssl, session.get());  // takes its own reference
    }
    if (SSL_set_ex_data(ssl, key_index(), key.get()) == 1) {
        key.release();  // now owned by the SSL (free_key)
    }
    return true;
}

std::size_t UpstreamTls::cached_sessions() const {
    return sessions_->size();
}

}  // namespace uaudit::tls
