#pragma once
// The interception CA: the certificate and key that sign the leaf certificates uaudit presents
// to clients on intercepted CONNECT tunnels (SPEC §3 `ca`, §4 `tls`, §7). Created by
// `uaudit ca init` or on the first `run`; loaded at every start.
//
// Files: the key is PEM PKCS#8, mode 0600 from the moment it exists (never briefly wider), and
// loading refuses a key that group or others can access, like ssh does; the certificate is
// PEM, mode 0644.

#include "config/config.hpp"
#include "tls/detail/openssl_ptr.hpp"

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

namespace uaudit::tls {

/// Where the CA lives: `tls.ca_cert` / `tls.ca_key` resolved against `data_dir`.
struct CaPaths {
    std::filesystem::path cert;
    std::filesystem::path key;
};

CaPaths ca_paths(const config::Config& config);

enum class CaKeyType { ec_p256, rsa_2048 };

/// How a new CA is made.
struct CaOptions {
    CaKeyType key_type = CaKeyType::ec_p256;
    /// Two years: long enough that partners trust it once per project, short enough that a
    /// forgotten CA in a trust store stops working by itself. `ca init --force` rotates it.
    std::chrono::seconds validity = std::chrono::hours(24 * 730);
    /// Put into the subject ("uaudit interception CA (<host>)"); "" = gethostname().
    std::string host_name;
};

class CertificateAuthority;

/// What load / create return: the CA, or a message saying what is wrong and how to fix it.
struct CaResult {
    std::shared_ptr<const CertificateAuthority> ca;  // null on error
    std::string error;
    bool created = false;  // load_or_create made a new CA

    explicit operator bool() const { return ca != nullptr; }
};

/// The CA certificate alone: what `ca show` and `ca export` need, readable without access to
/// the key (a user who may not read the key can still export the certificate to trust it).
class CaCertificate {
public:
    using TimePoint = std::chrono::system_clock::time_point;

    /// Reads `paths.cert`; null with `error` set when it is missing, unreadable or not PEM.
    static std::shared_ptr<const CaCertificate> load(const CaPaths& paths, std::string& error);

    X509* certificate() const { return cert_.get(); }
    const CaPaths& paths() const { return paths_; }

    /// "CN=uaudit interception CA (build-01), O=uaudit, OU=created 2025-01-31T10:00:00Z".
    std::string subject() const;
    /// SHA-256 of the DER certificate, upper-case hex pairs joined by ':' (as
    /// `openssl x509 -fingerprint -sha256` prints it).
    std::string fingerprint_sha256() const;
    /// The certificate as PEM text.
    std::string pem() const;
    TimePoint not_before() const { return not_before_; }
    TimePoint not_after() const { return not_after_; }

protected:
    CaCertificate(detail::X509Ptr cert, CaPaths paths);

private:
    detail::X509Ptr cert_;
    CaPaths paths_;
    TimePoint not_before_;
    TimePoint not_after_;
};

/// An immutable, loaded CA certificate and its private key. Thread-safe (const only).
class CertificateAuthority : public CaCertificate {
public:
    /// Loads both files. Errors: a file is missing or unreadable, not PEM, the key is
    /// accessible by group/others (the message names the file and the `chmod 600` fix), the
    /// key does not match the certificate, or the certificate is not a CA.
    static CaResult load(const CaPaths& paths);

    /// Creates a new CA and writes both files (creating the directories). Without
    /// `overwrite`, refuses when either file exists (and never replaces one that appears
    /// meanwhile: the files are linked into place, not renamed over). Both files are
    /// written under temporary names before either is moved into place.
    static CaResult create(const CaPaths& paths, const CaOptions& options, bool overwrite);

    /// `run`'s start: load when both files exist, create when neither does (`created` set),
    /// refuse when only one exists (a lone key or certificate is someone's CA half, never
    /// silently replaced).
    static CaResult load_or_create(const CaPaths& paths, const CaOptions& options);

    /// Wraps an in-memory certificate and key (checked like load checks the files).
    static CaResult from(detail::X509Ptr cert, detail::EvpPkeyPtr key, CaPaths paths);

    EVP_PKEY* key() const { return key_.get(); }

private:
    CertificateAuthority(detail::X509Ptr cert, detail::EvpPkeyPtr key, CaPaths paths);

    detail::EvpPkeyPtr key_;
};

/// An ASN1_TIME as a time point (epoch on malformed input).
std::chrono::system_clock::time_point to_time_point(const ASN1_TIME* time);

/// A time point as "2025-01-31T10:00:00Z".
std::string format_utc(std::chrono::system_clock::time_point time);

}  // namespace uaudit::tls
