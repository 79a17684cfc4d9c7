// The leaf key uses OpenSSL's legacy EC_KEY API on purpose, so the deprecation warnings are
// off for this file only. In OpenSSL 3.0, X509_set_pubkey() with a provider-native key runs
// the generic encoder and decoder lookups: ~190-260 us, six times the ECDSA signature, paid on
// every mint. With a legacy EC_KEY it takes the EC method's own encoder: ~7 us
// (docs/tls.md, "Minting cost").
#define OPENSSL_SUPPRESS_DEPRECATED

#include "tls/detail/x509_build.hpp"

#include <openssl/ec.h>

namespace uaudit::tls::detail {

EvpPkeyPtr generate_legacy_ec_p256(std::string& error) {
    EC_KEY* ec = EC_KEY_new_by_curve_name(NID_X9_62_prime256v1);
    EvpPkeyPtr key(EVP_PKEY_new());
    const bool ok = ec != nullptr && key && EC_KEY_generate_key(ec) == 1 &&
                    EVP_PKEY_set1_EC_KEY(key.get(), ec) == 1;  // takes its own reference
    EC_KEY_free(ec);
    if (!ok) {
        error = openssl_error("generating the leaf key");
        return nullptr;
    }
    return key;
}

}  // namespace uaudit::tls::detail
