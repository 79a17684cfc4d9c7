#include "tls/certificate_authority.hpp"

#include "config/load.hpp"
#include "tls/detail/pem_files.hpp"
#include "tls/detail/x509_build.hpp"

#include <openssl/pem.h>
#include <unistd.h>

#include <ctime>
#include <system_error>

namespace uaudit::tls {
namespace {

namespace fs = std::filesystem;
using detail::EvpPkeyPtr;
using detail::X509Ptr;

// Clock skew allowance: a CA made a moment ago must already be valid on a client whose
// clock is a little behind.
constexpr std::time_t backdate_seconds = 3600;

std::string local_host_name() {
    char buffer[256] = {};
    if (::gethostname(buffer, sizeof buffer - 1) != 0 || buffer[0] == '\0') {
        return "unknown host";
    }
    return buffer;
}

bool add_name_entry(X509_NAME* name, const char* field, const std::string& value) {
    return X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8,
                                      reinterpret_cast<const unsigned char*>(value.c_str()), -1, -1,
                                      0) == 1;
}

bool add_extension(X509* cert, int nid, const char* value) {
    const detail::X509ExtensionPtr extension = detail::make_extension(cert, cert, nid, value);
    return extension && X509_add_ext(cert, extension.get(), -1) == 1;
}

// The self-signed CA certificate for `key`.
X509Ptr make_ca_certificate(EVP_PKEY* key, const CaOptions& options, std::string& error) {
    X509Ptr cert(X509_new());
    const std::time_t now = std::time(nullptr);
    // CN is limited to 64 characters (RFC 5280 ub-common-name): the host name is cut to fit.
    const std::string prefix = "uaudit interception CA (";
    std::string host = options.host_name.empty() ? local_host_name() : options.host_name;
    host = host.substr(0, 64 - prefix.size() - 1);
    // The creation time tells apart CAs re-made on one host, in trust stores and in `ca show`.
    const std::string created =
        "created " + format_utc(std::chrono::system_clock::from_time_t(now));
    X509_NAME* name = cert ? X509_get_subject_name(cert.get()) : nullptr;
    const bool ok =
        cert && X509_set_version(cert.get(), X509_VERSION_3) == 1 &&
        detail::set_random_serial(cert.get()) && add_name_entry(name, "CN", prefix + host + ")") &&
        add_name_entry(name, "O", "uaudit") && add_name_entry(name, "OU", created) &&
        X509_set_issuer_name(cert.get(), name) == 1 &&
        detail::set_validity(cert.get(), now - backdate_seconds,
                             now + static_cast<std::time_t>(options.validity.count())) &&
        X509_set_pubkey(cert.get(), key) == 1 &&
        add_extension(cert.get(), NID_basic_constraints, "critical,CA:TRUE") &&
        add_extension(cert.get(), NID_key_usage, "critical,keyCertSign,cRLSign") &&
        add_extension(cert.get(), NID_subject_key_identifier, "hash") &&
        add_extension(cert.get(), NID_authority_key_identifier, "keyid:always") &&
        X509_sign(cert.get(), key, EVP_sha256()) > 0;
    if (!ok) {
        error = detail::openssl_error("creating the CA certificate");
        return nullptr;
    }
    return cert;
}

bool path_exists(const fs::path& path) {
    std::error_code ec;
    return fs::exists(fs::symlink_status(path, ec));
}

}  // namespace

CaPaths ca_paths(const config::Config& config) {
    return CaPaths{config::resolve_path(config, config.tls.ca_cert),
                   config::resolve_path(config, config.tls.ca_key)};
}

CaCertificate::CaCertificate(X509Ptr cert, CaPaths paths)
    : cert_(std::move(cert))
    , paths_(std::move(paths))
    , not_before_(to_time_point(X509_get0_notBefore(cert_.get())))
    , not_after_(to_time_point(X509_get0_notAfter(cert_.get()))) {}

std::shared_ptr<const CaCertificate> CaCertificate::load(const CaPaths& paths, std::string& error) {
    X509Ptr cert = detail::read_certificate_file(paths.cert, error);
    if (!cert) {
        return nullptr;
    }
    return std::shared_ptr<const CaCertificate>(new CaCertificate(std::move(cert), paths));
}

CertificateAuthority::CertificateAuthority(X509Ptr cert, EvpPkeyPtr key, CaPaths paths)
    : CaCertificate(std::move(cert), std::move(paths))
    , key_(std::move(key)) {}

CaResult CertificateAuthority::from(X509Ptr cert, EvpPkeyPtr key, CaPaths paths) {
    CaResult result;
    if (!cert || !key) {
        result.error = "no CA certificate or key";
    } else if (X509_check_private_key(cert.get(), key.get()) != 1) {
        result.error =
            detail::openssl_error("the CA key " + paths.key.string() +
                                  " does not belong to the CA certificate " + paths.cert.string());
    } else if (X509_check_ca(cert.get()) == 0) {
        result.error = "the certificate " + paths.cert.string() +
                       " is not a CA certificate (no basicConstraints CA:TRUE)";
    } else {
        result.ca = std::shared_ptr<const CertificateAuthority>(
            new CertificateAuthority(std::move(cert), std::move(key), std::move(paths)));
    }
    return result;
}

CaResult CertificateAuthority::load(const CaPaths& paths) {
    CaResult result;
    X509Ptr cert = detail::read_certificate_file(paths.cert, result.error);
    if (!cert) {
        return result;
    }
    EvpPkeyPtr key = detail::read_private_key_file(paths.key, result.error);
    if (!key) {
        return result;
    }
    return from(std::move(cert), std::move(key), paths);
}

CaResult CertificateAuthority::create(const CaPaths& paths, const CaOptions& options,
                                      bool overwrite) {
    CaResult result;
    if (!overwrite) {
        for (const fs::path* path : {&paths.cert, &paths.key}) {
            if (path_exists(*path)) {
                result.error = path->string() +
                               " already exists; refusing to replace the CA (clients trust it). "
                               "Use --force to make a new one.";
                return result;
            }
        }
    }
    EvpPkeyPtr key = options.key_type == CaKeyType::rsa_2048
                         ? detail::generate_rsa(2048, result.error)
                         : detail::generate_ec_p256(result.error);
    if (!key) {
        return result;
    }
    X509Ptr cert = make_ca_certificate(key.get(), options, result.error);
    if (!cert) {
        return result;
    }
    EVP_PKEY* raw_key = key.get();
    X509* raw_cert = cert.get();
    detail::PendingFile key_file;
    detail::PendingFile cert_file;
    const bool written =
        key_file.write(
            paths.key, 0600,
            [raw_key](BIO* bio) {
                return PEM_write_bio_PrivateKey(bio, raw_key, nullptr, nullptr, 0, nullptr,
                                                nullptr) == 1;
            },
            result.error) &&
        cert_file.write(
            paths.cert, 0644,
            [raw_cert](BIO* bio) { return PEM_write_bio_X509(bio, raw_cert) == 1; }, result.error);
    // The key first: a certificate never sits on disk without the key it belongs to.
    if (!written || !key_file.commit(overwrite, result.error) ||
        !cert_file.commit(overwrite, result.error)) {
        return result;
    }
    result = from(std::move(cert), std::move(key), paths);
    result.created = static_cast<bool>(result);
    return result;
}

CaResult CertificateAuthority::load_or_create(const CaPaths& paths, const CaOptions& options) {
    const bool have_cert = path_exists(paths.cert);
    const bool have_key = path_exists(paths.key);
    if (have_cert && have_key) {
        return load(paths);
    }
    if (!have_cert && !have_key) {
        return create(paths, options, false);
    }
    CaResult result;
    const fs::path& present = have_cert ? paths.cert : paths.key;
    const fs::path& missing = have_cert ? paths.key : paths.cert;
    result.error = "the CA is incomplete: " + present.string() + " exists but " + missing.string() +
                   " does not. Restore the missing file, or make a new CA with "
                   "'uaudit ca init --force' (clients must then trust the new one).";
    return result;
}

std::string CaCertificate::subject() const {
    const detail::BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio) {
        return {};
    }
    const unsigned long flags =
        XN_FLAG_SEP_CPLUS_SPC | XN_FLAG_FN_SN | (ASN1_STRFLGS_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
    X509_NAME_print_ex(bio.get(), X509_get_subject_name(cert_.get()), 0, flags);
    return detail::mem_bio_contents(bio.get());
}

std::string CaCertificate::fingerprint_sha256() const {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    if (X509_digest(cert_.get(), EVP_sha256(), digest, &size) != 1) {
        return {};
    }
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string text;
    for (unsigned int i = 0; i < size; ++i) {
        if (i != 0) {
            text += ':';
        }
        text += hex[digest[i] >> 4];
        text += hex[digest[i] & 0xf];
    }
    return text;
}

std::string CaCertificate::pem() const {
    return detail::certificate_pem(cert_.get());
}

std::chrono::system_clock::time_point to_time_point(const ASN1_TIME* time) {
    std::tm parts{};
    if (time == nullptr || ASN1_TIME_to_tm(time, &parts) != 1) {
        return {};
    }
    return std::chrono::system_clock::from_time_t(::timegm(&parts));
}

std::string format_utc(std::chrono::system_clock::time_point time) {
    const std::time_t seconds = std::chrono::system_clock::to_time_t(time);
    std::tm parts{};
    ::gmtime_r(&seconds, &parts);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &parts);
    return buffer;
}

}  // namespace uaudit::tls
