#include "tls/detail/x509_build.hpp"

#include <openssl/core_names.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>

#include <functional>

namespace uaudit::tls::detail {
namespace {

EvpPkeyPtr generate(const char* algorithm, const std::function<bool(EVP_PKEY_CTX*)>& configure,
                    std::string& error) {
    const EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, algorithm, nullptr));
    EVP_PKEY* key = nullptr;
    if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1 || !configure(ctx.get()) ||
        EVP_PKEY_generate(ctx.get(), &key) != 1) {
        error = openssl_error(std::string("generating a ") + algorithm + " key");
        return nullptr;
    }
    return EvpPkeyPtr(key);
}

}  // namespace

EvpPkeyPtr generate_ec_p256(std::string& error) {
    return generate(
        "EC", [](EVP_PKEY_CTX* ctx) { return EVP_PKEY_CTX_set_group_name(ctx, "P-256") == 1; },
        error);
}

EvpPkeyPtr generate_rsa(unsigned bits, std::string& error) {
    return generate(
        "RSA",
        [bits](EVP_PKEY_CTX* ctx) {
            return EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, static_cast<int>(bits)) == 1;
        },
        error);
}

bool set_random_serial(X509* cert) {
    unsigned char bytes[16];
    if (RAND_bytes(bytes, sizeof bytes) != 1) {
        return false;
    }
    bytes[0] &= 0x7f;  // positive without a leading zero octet: 16 DER octets at most
    const BignumPtr number(BN_bin2bn(bytes, sizeof bytes, nullptr));
    const Asn1IntegerPtr serial(number ? BN_to_ASN1_INTEGER(number.get(), nullptr) : nullptr);
    return serial && X509_set_serialNumber(cert, serial.get()) == 1;
}

X509ExtensionPtr make_extension(X509* issuer, X509* subject, int nid, const char* value) {
    X509V3_CTX ctx;
    X509V3_set_ctx(&ctx, issuer, subject, nullptr, nullptr, 0);
    return X509ExtensionPtr(X509V3_EXT_nconf_nid(nullptr, &ctx, nid, value));
}

bool set_validity(X509* cert, std::time_t not_before, std::time_t not_after) {
    return ASN1_TIME_set(X509_getm_notBefore(cert), not_before) != nullptr &&
           ASN1_TIME_set(X509_getm_notAfter(cert), not_after) != nullptr;
}

}  // namespace uaudit::tls::detail
