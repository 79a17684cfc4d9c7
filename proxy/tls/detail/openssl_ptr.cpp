#include "tls/detail/openssl_ptr.hpp"

#include <openssl/err.h>
#include <openssl/pem.h>

namespace uaudit::tls::detail {

EvpPkeyPtr up_ref(EVP_PKEY* key) {
    if (key == nullptr || EVP_PKEY_up_ref(key) != 1) {
        return nullptr;
    }
    return EvpPkeyPtr(key);
}

X509Ptr up_ref(X509* cert) {
    if (cert == nullptr || X509_up_ref(cert) != 1) {
        return nullptr;
    }
    return X509Ptr(cert);
}

std::string openssl_error(std::string_view what) {
    std::string message(what);
    bool first = true;
    while (const unsigned long code = ERR_get_error()) {
        char buffer[256];
        ERR_error_string_n(code, buffer, sizeof buffer);
        message += first ? ": " : "; ";
        message += buffer;
        first = false;
    }
    return message;
}

std::string mem_bio_contents(BIO* bio) {
    char* data = nullptr;
    const long size = BIO_ctrl(bio, BIO_CTRL_INFO, 0, &data);  // = BIO_get_mem_data
    if (data == nullptr || size <= 0) {
        return {};
    }
    return std::string(data, static_cast<std::size_t>(size));
}

bool set_min_proto_version(SSL_CTX* ctx, int version) {
    return SSL_CTX_ctrl(ctx, SSL_CTRL_SET_MIN_PROTO_VERSION, version, nullptr) == 1;
}

void set_servername_callback(SSL_CTX* ctx, ServernameCallback callback, void* arg) {
    // The macro casts the callback to `void (*)(void)`, the generic type of callback_ctrl;
    // OpenSSL casts it back before calling it.
    SSL_CTX_callback_ctrl(ctx, SSL_CTRL_SET_TLSEXT_SERVERNAME_CB,
                          reinterpret_cast<void (*)()>(callback));
    SSL_CTX_ctrl(ctx, SSL_CTRL_SET_TLSEXT_SERVERNAME_ARG, 0, arg);
}

std::string certificate_pem(X509* cert) {
    const BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_X509(bio.get(), cert) != 1) {
        return {};
    }
    return mem_bio_contents(bio.get());
}

}  // namespace uaudit::tls::detail
