#pragma once
// RAII owners for OpenSSL objects and function replacements for the OpenSSL macros uaudit
// needs: the macros expand to C casts that trip -Wold-style-cast, so only tls/ calls the
// underlying functions, here, once.

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <string>
#include <string_view>

namespace uaudit::tls::detail {

/// Deleter calling an OpenSSL `*_free` function.
template <auto Free>
struct OpenSslFree {
    template <class T>
    void operator()(T* p) const noexcept {
        Free(p);
    }
};

using X509Ptr = std::unique_ptr<X509, OpenSslFree<&X509_free>>;
using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, OpenSslFree<&EVP_PKEY_free>>;
using EvpPkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, OpenSslFree<&EVP_PKEY_CTX_free>>;
using BioPtr = std::unique_ptr<BIO, OpenSslFree<&BIO_free_all>>;
using BignumPtr = std::unique_ptr<BIGNUM, OpenSslFree<&BN_free>>;
using Asn1IntegerPtr = std::unique_ptr<ASN1_INTEGER, OpenSslFree<&ASN1_INTEGER_free>>;
using X509NamePtr = std::unique_ptr<X509_NAME, OpenSslFree<&X509_NAME_free>>;
using X509ExtensionPtr = std::unique_ptr<X509_EXTENSION, OpenSslFree<&X509_EXTENSION_free>>;
using X509StorePtr = std::unique_ptr<X509_STORE, OpenSslFree<&X509_STORE_free>>;
using X509StoreCtxPtr = std::unique_ptr<X509_STORE_CTX, OpenSslFree<&X509_STORE_CTX_free>>;
using SslCtxPtr = std::unique_ptr<SSL_CTX, OpenSslFree<&SSL_CTX_free>>;
using SslPtr = std::unique_ptr<SSL, OpenSslFree<&SSL_free>>;

/// A new reference to `key` / `cert` (OpenSSL reference counting), owned by the result.
EvpPkeyPtr up_ref(EVP_PKEY* key);
X509Ptr up_ref(X509* cert);

/// `what` followed by every error queued in this thread's OpenSSL error queue (which is
/// emptied), e.g. "signing the certificate: error:...:bad signature". Just `what` when the
/// queue is empty.
std::string openssl_error(std::string_view what);

/// The bytes written so far into a memory BIO (BIO_get_mem_data).
std::string mem_bio_contents(BIO* bio);

/// SSL_CTX_set_min_proto_version. False when OpenSSL refuses the version.
bool set_min_proto_version(SSL_CTX* ctx, int version);

/// SSL_CTX_set_tlsext_servername_callback + SSL_CTX_set_tlsext_servername_arg.
using ServernameCallback = int (*)(SSL* ssl, int* alert, void* arg);
void set_servername_callback(SSL_CTX* ctx, ServernameCallback callback, void* arg);

/// PEM text of a certificate ("" only when OpenSSL runs out of memory).
std::string certificate_pem(X509* cert);

}  // namespace uaudit::tls::detail
