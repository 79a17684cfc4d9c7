#pragma once
// Building blocks shared by the CA and the leaf minter.

#include "tls/detail/openssl_ptr.hpp"

#include <ctime>
#include <string>

namespace uaudit::tls::detail {

/// A new EC P-256 key pair; null (and `error` set) on failure.
EvpPkeyPtr generate_ec_p256(std::string& error);

/// A new EC P-256 key pair held as a legacy EC_KEY, which X509_set_pubkey() encodes ~30 times
/// faster than a provider-native key in OpenSSL 3.0 (see legacy_ec_key.cpp). For the leaves.
EvpPkeyPtr generate_legacy_ec_p256(std::string& error);

/// A new RSA key pair of `bits`; null (and `error` set) on failure.
EvpPkeyPtr generate_rsa(unsigned bits, std::string& error);

/// A positive random 127-bit serial number (RFC 5280 allows 20 octets; CAs must use at least
/// 64 random bits): collisions are not a concern for any number of certificates.
bool set_random_serial(X509* cert);

/// The extension `nid` from its openssl.cnf text form (e.g. "critical,CA:TRUE"), with
/// `issuer` / `subject` for the key identifiers. `value` must be trusted text: names from the
/// network are validated before they get here.
X509ExtensionPtr make_extension(X509* issuer, X509* subject, int nid, const char* value);

/// notBefore / notAfter as seconds since the epoch.
bool set_validity(X509* cert, std::time_t not_before, std::time_t not_after);

}  // namespace uaudit::tls::detail
