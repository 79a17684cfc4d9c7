#include "tls/certificate_authority.hpp"

#include "support/run_process.hpp"
#include "tls_test_support.hpp"

#include <catch2/catch.hpp>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <chrono>

using namespace uaudit::tls;
using uaudit::tls::test::file_mode;
using uaudit::tls::test::is_critical;
using uaudit::tls::test::TempDir;
using uaudit::tls::test::write_text;

namespace {

std::string name_entry(X509* cert, int nid) {
    char buffer[256] = {};
    X509_NAME_get_text_by_NID(X509_get_subject_name(cert), nid, buffer, sizeof buffer);
    return buffer;
}

// Restores the process umask when a test changed it.
struct UmaskGuard {
    explicit UmaskGuard(mode_t mask)
        : previous(::umask(mask)) {}
    ~UmaskGuard() { ::umask(previous); }
    mode_t previous;
};

}  // namespace

TEST_CASE("ca: a new CA is a self-signed P-256 CA with the required extensions", "[tls][ca]") {
    TempDir dir;
    const CaResult result =
        CertificateAuthority::create(dir.ca_paths(), CaOptions{.host_name = "build-01"}, false);
    REQUIRE(result);
    CHECK(result.created);
    X509* cert = result.ca->certificate();

    CHECK(X509_get_version(cert) == X509_VERSION_3);
    CHECK(X509_check_ca(cert) == 1);
    CHECK(is_critical(cert, NID_basic_constraints));
    CHECK(is_critical(cert, NID_key_usage));
    CHECK(X509_get_key_usage(cert) == (KU_KEY_CERT_SIGN | KU_CRL_SIGN));
    const ASN1_OCTET_STRING* ski = X509_get0_subject_key_id(cert);
    const ASN1_OCTET_STRING* aki = X509_get0_authority_key_id(cert);
    REQUIRE(ski != nullptr);
    REQUIRE(aki != nullptr);
    CHECK(ASN1_OCTET_STRING_cmp(ski, aki) == 0);
    CHECK(X509_check_issued(cert, cert) == X509_V_OK);
    CHECK(X509_get_signature_nid(cert) == NID_ecdsa_with_SHA256);
    CHECK(EVP_PKEY_get_base_id(result.ca->key()) == EVP_PKEY_EC);
    CHECK(EVP_PKEY_get_bits(result.ca->key()) == 256);

    CHECK(name_entry(cert, NID_commonName) == "uaudit interception CA (build-01)");
    CHECK(name_entry(cert, NID_organizationName) == "uaudit");
    CHECK(result.ca->subject().rfind("CN=uaudit interception CA (build-01), O=uaudit, OU=created ",
                                     0) == 0);

    using namespace std::chrono;
    CHECK(result.ca->not_after() - result.ca->not_before() == hours(24 * 730) + hours(1));
    const auto age = system_clock::now() - result.ca->not_before();
    CHECK(age >= minutes(59));
    CHECK(age <= minutes(61));

    const BIGNUM* serial = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), nullptr);
    CHECK(BN_num_bits(serial) > 64);
    CHECK(BN_num_bits(serial) <= 127);
    CHECK_FALSE(BN_is_negative(serial));
    BN_free(const_cast<BIGNUM*>(serial));
}

TEST_CASE("ca: a long host name is cut to fit the 64-character CN", "[tls][ca]") {
    TempDir dir;
    const auto result = CertificateAuthority::create(
        dir.ca_paths(), CaOptions{.host_name = std::string(100, 'h')}, false);
    REQUIRE(result);
    const std::string cn = name_entry(result.ca->certificate(), NID_commonName);
    CHECK(cn.size() == 64);
    CHECK(cn == "uaudit interception CA (" + std::string(39, 'h') + ")");
}

TEST_CASE("ca: RSA 2048 is available too", "[tls][ca]") {
    TempDir dir;
    const auto result = CertificateAuthority::create(
        dir.ca_paths(), CaOptions{.key_type = CaKeyType::rsa_2048, .host_name = "h"}, false);
    REQUIRE(result);
    CHECK(EVP_PKEY_get_base_id(result.ca->key()) == EVP_PKEY_RSA);
    CHECK(EVP_PKEY_get_bits(result.ca->key()) == 2048);
    CHECK(X509_get_signature_nid(result.ca->certificate()) == NID_sha256WithRSAEncryption);
}

TEST_CASE("ca: the key is written 0600 and the certificate 0644, whatever the umask", "[tls][ca]") {
    for (const mode_t mask : {mode_t{0}, mode_t{022}, mode_t{077}}) {
        TempDir dir;
        {
            UmaskGuard guard(mask);
            REQUIRE(CertificateAuthority::create(dir.ca_paths(), {}, false));
        }
        INFO("umask " << mask);
        CHECK(file_mode(dir.ca_paths().key) == 0600);
        CHECK(file_mode(dir.ca_paths().cert) == 0644);
        // No temporary files are left behind.
        CHECK(std::distance(std::filesystem::directory_iterator(dir.path()),
                            std::filesystem::directory_iterator()) == 2);
    }
}

TEST_CASE("ca: creating makes missing directories", "[tls][ca]") {
    TempDir dir;
    const CaPaths paths{dir.path() / "a/b/ca.crt", dir.path() / "c/ca.key"};
    REQUIRE(CertificateAuthority::create(paths, {}, false));
    CHECK(CertificateAuthority::load(paths));
}

TEST_CASE("ca: load reads back the same CA", "[tls][ca]") {
    TempDir dir;
    const auto created = CertificateAuthority::create(dir.ca_paths(), {}, false);
    REQUIRE(created);
    const auto loaded = CertificateAuthority::load(dir.ca_paths());
    REQUIRE(loaded);
    CHECK_FALSE(loaded.created);
    CHECK(loaded.ca->fingerprint_sha256() == created.ca->fingerprint_sha256());
    CHECK(loaded.ca->fingerprint_sha256().size() == 32 * 3 - 1);
    CHECK(loaded.ca->pem().rfind("-----BEGIN CERTIFICATE-----\n", 0) == 0);
    CHECK(loaded.ca->not_after() == created.ca->not_after());
}

TEST_CASE("ca: load refuses a key group or others can access, naming the fix", "[tls][ca]") {
    TempDir dir;
    REQUIRE(CertificateAuthority::create(dir.ca_paths(), {}, false));
    const auto key = dir.ca_paths().key;
    for (const mode_t mode : {mode_t{0644}, mode_t{0640}, mode_t{0604}, mode_t{0660}}) {
        ::chmod(key.c_str(), mode);
        const auto loaded = CertificateAuthority::load(dir.ca_paths());
        INFO(loaded.error);
        CHECK_FALSE(loaded);
        CHECK(loaded.error.find("the CA key " + key.string() + " has mode 0") == 0);
        CHECK(loaded.error.find("Fix: chmod 600 " + key.string()) != std::string::npos);
    }
    ::chmod(key.c_str(), 0400);
    CHECK(CertificateAuthority::load(dir.ca_paths()));
}

TEST_CASE("ca: create refuses to replace an existing CA unless told to", "[tls][ca]") {
    TempDir dir;
    const auto first = CertificateAuthority::create(dir.ca_paths(), {}, false);
    REQUIRE(first);
    const auto again = CertificateAuthority::create(dir.ca_paths(), {}, false);
    CHECK_FALSE(again);
    CHECK(again.error == dir.ca_paths().cert.string() +
                             " already exists; refusing to replace the CA (clients trust it). "
                             "Use --force to make a new one.");
    CHECK(CertificateAuthority::load(dir.ca_paths()).ca->fingerprint_sha256() ==
          first.ca->fingerprint_sha256());

    const auto forced = CertificateAuthority::create(dir.ca_paths(), {}, true);
    REQUIRE(forced);
    CHECK(forced.ca->fingerprint_sha256() != first.ca->fingerprint_sha256());
    CHECK(CertificateAuthority::load(dir.ca_paths()).ca->fingerprint_sha256() ==
          forced.ca->fingerprint_sha256());
    CHECK(file_mode(dir.ca_paths().key) == 0600);
}

TEST_CASE("ca: a lone key also blocks create without --force", "[tls][ca]") {
    TempDir dir;
    write_text(dir.ca_paths().key, "secret");
    const auto result = CertificateAuthority::create(dir.ca_paths(), {}, false);
    CHECK_FALSE(result);
    CHECK(result.error.find(dir.ca_paths().key.string() + " already exists") == 0);
}

TEST_CASE("ca: load_or_create creates once, then loads, and refuses half a CA", "[tls][ca]") {
    TempDir dir;
    const auto first = CertificateAuthority::load_or_create(dir.ca_paths(), {});
    REQUIRE(first);
    CHECK(first.created);
    const auto second = CertificateAuthority::load_or_create(dir.ca_paths(), {});
    REQUIRE(second);
    CHECK_FALSE(second.created);
    CHECK(second.ca->fingerprint_sha256() == first.ca->fingerprint_sha256());

    std::filesystem::remove(dir.ca_paths().cert);
    const auto half = CertificateAuthority::load_or_create(dir.ca_paths(), {});
    CHECK_FALSE(half);
    CHECK(half.error.find("the CA is incomplete: " + dir.ca_paths().key.string() + " exists but " +
                          dir.ca_paths().cert.string() + " does not.") == 0);
}

TEST_CASE("ca: load explains a missing, malformed or mismatched CA", "[tls][ca]") {
    TempDir dir;
    const CaPaths paths = dir.ca_paths();
    auto missing = CertificateAuthority::load(paths);
    CHECK(missing.error == "cannot read the CA certificate " + paths.cert.string() +
                               ": No such file or directory (create the CA with 'uaudit ca "
                               "init')");

    REQUIRE(CertificateAuthority::create(paths, {}, false));
    TempDir other;
    REQUIRE(CertificateAuthority::create(other.ca_paths(), {}, false));
    std::filesystem::copy_file(other.ca_paths().cert, paths.cert,
                               std::filesystem::copy_options::overwrite_existing);
    const auto mismatched = CertificateAuthority::load(paths);
    CHECK_FALSE(mismatched);
    CHECK(mismatched.error.find("the CA key " + paths.key.string() +
                                " does not belong to the CA certificate") == 0);

    write_text(paths.cert, "not a certificate\n");
    const auto garbage = CertificateAuthority::load(paths);
    CHECK(garbage.error.find("the CA certificate " + paths.cert.string() +
                             " is not a PEM certificate") == 0);

    std::filesystem::copy_file(other.ca_paths().cert, paths.cert,
                               std::filesystem::copy_options::overwrite_existing);
    write_text(paths.key, "garbage\n");
    ::chmod(paths.key.c_str(), 0600);
    const auto bad_key = CertificateAuthority::load(paths);
    CHECK(bad_key.error.find("the CA key " + paths.key.string() +
                             " is not an unencrypted PEM private key") == 0);
}

TEST_CASE("ca: openssl itself reads the CA as a critical CA:TRUE certificate", "[tls][ca]") {
    TempDir dir;
    REQUIRE(
        CertificateAuthority::create(dir.ca_paths(), CaOptions{.host_name = "build-01"}, false));
    const auto text = uaudit::test::run_process(
        "openssl x509 -noout -text -in " + uaudit::test::shell_quote(dir.ca_paths().cert.string()));
    REQUIRE(text.exit_code == 0);
    CHECK(text.out.find("X509v3 Basic Constraints: critical\n                CA:TRUE") !=
          std::string::npos);
    CHECK(text.out.find("X509v3 Key Usage: critical\n                Certificate Sign, CRL Sign") !=
          std::string::npos);
    CHECK(text.out.find("Signature Algorithm: ecdsa-with-SHA256") != std::string::npos);
    CHECK(text.out.find("Subject: CN = uaudit interception CA (build-01), O = uaudit") !=
          std::string::npos);
    const auto key = uaudit::test::run_process(
        "openssl pkey -noout -check -in " + uaudit::test::shell_quote(dir.ca_paths().key.string()));
    CHECK(key.exit_code == 0);
}
