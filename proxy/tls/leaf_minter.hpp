#pragma once
// Minting the leaf certificates uaudit presents on intercepted tunnels: one per server name,
// signed by the interception CA (SPEC §7).

#include "tls/certificate_authority.hpp"
#include "tls/detail/openssl_ptr.hpp"
#include "tls/server_name.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace uaudit::tls {

/// A minted certificate and its private key, ready for SSL_use_cert_and_key. Immutable; share
/// it as `shared_ptr<const LeafCertificate>` (the OpenSSL objects are reference-counted and
/// only read).
class LeafCertificate {
public:
    using TimePoint = std::chrono::system_clock::time_point;

    LeafCertificate(std::string name, detail::X509Ptr cert, detail::EvpPkeyPtr key,
                    TimePoint not_after);

    const std::string& name() const { return name_; }
    X509* certificate() const { return cert_.get(); }
    EVP_PKEY* key() const { return key_.get(); }
    TimePoint not_after() const { return not_after_; }
    std::string pem() const;

private:
    std::string name_;
    detail::X509Ptr cert_;
    detail::EvpPkeyPtr key_;
    TimePoint not_after_;
};

/// A leaf, or why none could be minted.
struct LeafResult {
    std::shared_ptr<const LeafCertificate> leaf;  // null on error
    std::string error;

    explicit operator bool() const { return leaf != nullptr; }
};

struct MinterOptions {
    /// `tls.leaf_validity`; the leaf never outlives the CA (notAfter is clamped to the CA's).
    std::chrono::seconds validity = std::chrono::hours(24 * 30);
    /// notBefore lies this far in the past, for clients whose clocks are behind.
    std::chrono::seconds backdate = std::chrono::hours(1);
    /// The time source (tests move it forward); default system_clock::now.
    std::function<std::chrono::system_clock::time_point()> clock;
};

/// Signs leaf certificates with the CA. Thread-safe: mint() may run on many threads at once.
///
/// Every leaf of one minter shares one EC P-256 key pair, made when the minter is. A fresh key
/// per leaf would cost a key generation per new name and buy nothing: the key never leaves the
/// process, and whoever could read it from memory could read the CA key beside it. The key is
/// never written to disk; a restart makes a new one.
class LeafMinter {
public:
    /// Throws std::runtime_error when the leaf key cannot be made (start-up only).
    LeafMinter(std::shared_ptr<const CertificateAuthority> ca, MinterOptions options);

    /// A new certificate for `name` (SNI or CONNECT host, see parse_server_name): CN and a
    /// DNS or IP subjectAltName, serverAuth, digitalSignature, CA:FALSE, the CA's key id,
    /// a random serial, SHA-256. Errors for names parse_server_name rejects.
    LeafResult mint(std::string_view name) const;
    LeafResult mint(const ServerName& name) const;

    std::chrono::system_clock::time_point now() const;
    const CertificateAuthority& ca() const { return *ca_; }
    const MinterOptions& options() const { return options_; }

private:
    std::shared_ptr<const CertificateAuthority> ca_;
    MinterOptions options_;
    detail::EvpPkeyPtr leaf_key_;
    // The extensions every leaf carries, made once (X509_add_ext copies them).
    detail::X509ExtensionPtr basic_constraints_;
    detail::X509ExtensionPtr key_usage_;
    detail::X509ExtensionPtr extended_key_usage_;
    detail::X509ExtensionPtr authority_key_id_;  // null when the CA has no subjectKeyIdentifier
};

}  // namespace uaudit::tls
