#include "tls/server_context.hpp"

namespace uaudit::tls {
namespace {

constexpr unsigned char alpn_http11[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};

int select_alpn(SSL* /*ssl*/, const unsigned char** out, unsigned char* out_size,
                const unsigned char* offered, unsigned int offered_size, void* /*arg*/) {
    unsigned char* selected = nullptr;
    if (SSL_select_next_proto(&selected, out_size, alpn_http11, sizeof alpn_http11, offered,
                              offered_size) != OPENSSL_NPN_NEGOTIATED) {
        return SSL_TLSEXT_ERR_NOACK;
    }
    *out = selected;
    return SSL_TLSEXT_ERR_OK;
}

int on_server_name(SSL* ssl, int* /*alert*/, void* arg) {
    const std::string_view sni = requested_server_name(ssl);
    if (sni.empty()) {
        return SSL_TLSEXT_ERR_OK;  // keep the use_leaf() leaf (the CONNECT host)
    }
    X509* current = SSL_get_certificate(ssl);
    if (current != nullptr) {
        const std::string name(sni);
        const auto parsed = parse_server_name(name);
        const bool covered =
            parsed && (parsed->is_ip ? X509_check_ip_asc(current, parsed->text.c_str(), 0)
                                     : X509_check_host(current, parsed->text.c_str(),
                                                       parsed->text.size(), 0, nullptr)) == 1;
        if (covered) {
            return SSL_TLSEXT_ERR_OK;
        }
    }
    auto* cache = static_cast<CertCache*>(arg);
    const LeafResult result = cache->get(sni);
    if (result) {
        use_leaf(ssl, *result.leaf);
    }
    // On a bad SNI or a failed mint the handshake goes on with the leaf already set (if any):
    // the client then reports the mismatch, which is the truthful outcome.
    return SSL_TLSEXT_ERR_OK;
}

detail::SslCtxPtr make_base_context(std::string_view min_version, std::string& error) {
    const int version = parse_tls_version(min_version);
    if (version == 0) {
        error = "unsupported TLS version '" + std::string(min_version) + "' (use 1.2 or 1.3)";
        return nullptr;
    }
    detail::SslCtxPtr ctx(SSL_CTX_new(TLS_server_method()));
    if (!ctx || !detail::set_min_proto_version(ctx.get(), version)) {
        error = detail::openssl_error("creating the TLS server context");
        return nullptr;
    }
    SSL_CTX_set_alpn_select_cb(ctx.get(), select_alpn, nullptr);
    return ctx;
}

}  // namespace

int parse_tls_version(std::string_view text) {
    if (text == "1.2") {
        return TLS1_2_VERSION;
    }
    if (text == "1.3") {
        return TLS1_3_VERSION;
    }
    return 0;
}

detail::SslCtxPtr make_intercept_context(CertCache* cache, std::string_view min_version,
                                         std::string& error) {
    detail::SslCtxPtr ctx = make_base_context(min_version, error);
    if (ctx && cache != nullptr) {
        detail::set_servername_callback(ctx.get(), on_server_name, cache);
    }
    return ctx;
}

detail::SslCtxPtr make_server_ctx(const LeafCertificate& leaf, std::string_view min_version,
                                  std::string& error) {
    detail::SslCtxPtr ctx = make_base_context(min_version, error);
    if (ctx &&
        SSL_CTX_use_cert_and_key(ctx.get(), leaf.certificate(), leaf.key(), nullptr, 1) != 1) {
        error = detail::openssl_error("loading the certificate for " + leaf.name());
        return nullptr;
    }
    return ctx;
}

bool use_leaf(SSL* ssl, const LeafCertificate& leaf) {
    return SSL_use_cert_and_key(ssl, leaf.certificate(), leaf.key(), nullptr, 1) == 1;
}

std::string_view requested_server_name(const SSL* ssl) {
    const char* name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
    return name == nullptr ? std::string_view() : std::string_view(name);
}

}  // namespace uaudit::tls
