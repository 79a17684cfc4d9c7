#include "tls/leaf_minter.hpp"

#include "support/run_process.hpp"
#include "tls_test_support.hpp"

#include <catch2/catch.hpp>
#include <openssl/x509v3.h>

#include <chrono>
#include <set>

using namespace uaudit::tls;
using uaudit::tls::test::is_critical;
using uaudit::tls::test::make_test_ca;
using uaudit::tls::test::TempDir;
using uaudit::tls::test::verify_chain;
using uaudit::tls::test::write_text;
using Clock = std::chrono::system_clock;

namespace {

std::string common_name(X509* cert) {
    char buffer[256] = {};
    if (X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, buffer,
                                  sizeof buffer) < 0) {
        return "<none>";
    }
    return buffer;
}

std::string serial_hex(X509* cert) {
    BIGNUM* number = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), nullptr);
    char* hex = BN_bn2hex(number);
    std::string text(hex);
    OPENSSL_free(hex);
    BN_free(number);
    return text;
}

bool matches_host(X509* cert, const std::string& host) {
    // As browsers do: the SAN alone counts, never the CN.
    return X509_check_host(cert, host.c_str(), host.size(), X509_CHECK_FLAG_NEVER_CHECK_SUBJECT,
                           nullptr) == 1;
}

}  // namespace

TEST_CASE("server names: normalized or rejected", "[tls][leaf]") {
    struct Row {
        const char* input;
        const char* text;  // nullptr = rejected
        bool is_ip;
    };
    const Row rows[] = {
        {"api.securitycenter.microsoft.com", "api.securitycenter.microsoft.com", false},
        {"API.SecurityCenter.Microsoft.COM", "api.securitycenter.microsoft.com", false},
        {"example.com.", "example.com", false},
        {"localhost", "localhost", false},
        {"my_host.internal", "my_host.internal", false},
        {"xn--bcher-kva.example", "xn--bcher-kva.example", false},
        {"127.0.0.1", "127.0.0.1", true},
        {"::1", "::1", true},
        {"[::1]", "::1", true},
        {"0:0::1", "::1", true},
        {"[2001:DB8::0:1]", "2001:db8::1", true},
        {"", nullptr, false},
        {".", nullptr, false},
        {"a..b", nullptr, false},
        {".example.com", nullptr, false},
        {"*.example.com", nullptr, false},
        {"evil.com,DNS:bank.com", nullptr, false},
        {"evil.com\nx", nullptr, false},
        {"host name", nullptr, false},
        {"1.2.3", nullptr, false},
        {"256.1.1.1", nullptr, false},
        {"[example.com]", nullptr, false},
        {"[127.0.0.1]", nullptr, false},
    };
    for (const Row& row : rows) {
        INFO("input: '" << row.input << "'");
        const auto parsed = parse_server_name(row.input);
        if (row.text == nullptr) {
            CHECK_FALSE(parsed.has_value());
        } else {
            REQUIRE(parsed.has_value());
            CHECK(parsed->text == row.text);
            CHECK(parsed->is_ip == row.is_ip);
        }
    }
    CHECK(parse_server_name(std::string(63, 'a') + ".com"));
    CHECK_FALSE(parse_server_name(std::string(64, 'a') + ".com"));
    std::string longest;
    while (longest.size() < 250) {
        longest += "abcdefghi.";
    }
    longest += "com";  // 253 characters
    CHECK(parse_server_name(longest));
    CHECK_FALSE(parse_server_name(longest + "x"));
}

TEST_CASE("leaf: a DNS leaf verifies against the CA for its name only", "[tls][leaf]") {
    TempDir dir;
    const auto ca = make_test_ca(dir);
    REQUIRE(ca);
    const Clock::time_point t0 = Clock::from_time_t(Clock::to_time_t(Clock::now()));
    MinterOptions options;
    options.validity = std::chrono::hours(24 * 30);
    options.clock = [t0] { return t0; };
    const LeafMinter minter(ca, options);

    const LeafResult result = minter.mint("API.Example.COM");
    REQUIRE(result);
    X509* leaf = result.leaf->certificate();
    CHECK(result.leaf->name() == "api.example.com");
    CHECK(verify_chain(leaf, ca->certificate()) == X509_V_OK);
    CHECK(matches_host(leaf, "api.example.com"));
    CHECK_FALSE(matches_host(leaf, "other.example.com"));
    CHECK_FALSE(matches_host(leaf, "example.com"));
    CHECK(common_name(leaf) == "api.example.com");

    CHECK(X509_get_version(leaf) == X509_VERSION_3);
    CHECK(X509_check_ca(leaf) == 0);
    CHECK(is_critical(leaf, NID_basic_constraints));
    CHECK(is_critical(leaf, NID_key_usage));
    CHECK_FALSE(is_critical(leaf, NID_subject_alt_name));
    CHECK(X509_get_key_usage(leaf) == KU_DIGITAL_SIGNATURE);
    CHECK(X509_get_extended_key_usage(leaf) == XKU_SSL_SERVER);
    REQUIRE(X509_get0_authority_key_id(leaf) != nullptr);
    CHECK(ASN1_OCTET_STRING_cmp(X509_get0_authority_key_id(leaf),
                                X509_get0_subject_key_id(ca->certificate())) == 0);
    CHECK(X509_get_signature_nid(leaf) == NID_ecdsa_with_SHA256);
    CHECK(EVP_PKEY_get_base_id(result.leaf->key()) == EVP_PKEY_EC);
    CHECK(X509_check_private_key(leaf, result.leaf->key()) == 1);
    CHECK(X509_NAME_cmp(X509_get_issuer_name(leaf), X509_get_subject_name(ca->certificate())) == 0);

    CHECK(to_time_point(X509_get0_notBefore(leaf)) == t0 - std::chrono::hours(1));
    CHECK(to_time_point(X509_get0_notAfter(leaf)) == t0 + std::chrono::hours(24 * 30));
    CHECK(result.leaf->not_after() == t0 + std::chrono::hours(24 * 30));
}

TEST_CASE("leaf: addresses get an IP subjectAltName", "[tls][leaf]") {
    TempDir dir;
    const auto ca = make_test_ca(dir);
    const LeafMinter minter(ca, {});
    for (const char* address : {"127.0.0.1", "::1", "[::1]", "10.1.2.3"}) {
        INFO(address);
        const auto result = minter.mint(address);
        REQUIRE(result);
        X509* leaf = result.leaf->certificate();
        const std::string text = result.leaf->name();
        CHECK(X509_check_ip_asc(leaf, text.c_str(), 0) == 1);
        CHECK(X509_check_ip_asc(leaf, "192.0.2.1", 0) == 0);
        CHECK_FALSE(matches_host(leaf, text));  // an IP SAN, not a DNS one
        CHECK(verify_chain(leaf, ca->certificate()) == X509_V_OK);
    }
}

TEST_CASE("leaf: a name longer than 64 characters has no CN and a critical SAN", "[tls][leaf]") {
    TempDir dir;
    const auto ca = make_test_ca(dir);
    const LeafMinter minter(ca, {});
    const std::string name = std::string(60, 'a') + ".example.com";
    const auto result = minter.mint(name);
    REQUIRE(result);
    X509* leaf = result.leaf->certificate();
    CHECK(common_name(leaf) == "<none>");
    CHECK(is_critical(leaf, NID_subject_alt_name));
    CHECK(matches_host(leaf, name));
    CHECK(verify_chain(leaf, ca->certificate()) == X509_V_OK);
}

TEST_CASE("leaf: invalid names are refused, not minted", "[tls][leaf]") {
    TempDir dir;
    const LeafMinter minter(make_test_ca(dir), {});
    for (const char* name : {"", "evil.com,DNS:bank.com", "*.example.com", "a b"}) {
        const auto result = minter.mint(name);
        CHECK_FALSE(result);
        CHECK(result.error == "not a host name or IP address: '" + std::string(name) + "'");
    }
}

TEST_CASE("leaf: serials are unique and the leaf key is shared", "[tls][leaf]") {
    TempDir dir;
    const LeafMinter minter(make_test_ca(dir), {});
    std::set<std::string> serials;
    std::set<EVP_PKEY*> keys;
    for (int i = 0; i < 100; ++i) {
        const auto result = minter.mint("host.example");
        REQUIRE(result);
        serials.insert(serial_hex(result.leaf->certificate()));
        keys.insert(result.leaf->key());
    }
    CHECK(serials.size() == 100);
    CHECK(keys.size() == 1);
}

TEST_CASE("leaf: never outlives the CA, and an expired CA mints nothing", "[tls][leaf]") {
    TempDir dir;
    CaOptions ca_options;
    ca_options.validity = std::chrono::hours(24 * 10);
    const auto ca = make_test_ca(dir, ca_options);
    REQUIRE(ca);
    Clock::time_point now = Clock::now();
    MinterOptions options;
    options.validity = std::chrono::hours(24 * 30);
    options.clock = [&now] { return now; };
    const LeafMinter minter(ca, options);

    const auto clamped = minter.mint("example.com");
    REQUIRE(clamped);
    CHECK(clamped.leaf->not_after() == ca->not_after());
    CHECK(verify_chain(clamped.leaf->certificate(), ca->certificate()) == X509_V_OK);

    now += std::chrono::hours(24 * 11);
    const auto expired = minter.mint("example.com");
    CHECK_FALSE(expired);
    CHECK(expired.error == "the interception CA " + dir.ca_paths().cert.string() + " expired on " +
                               format_utc(ca->not_after()) +
                               "; make a new one with 'uaudit ca init --force'");
}

TEST_CASE("leaf: the openssl binary verifies the chain and shows the SAN", "[tls][leaf]") {
    using uaudit::test::run_process;
    using uaudit::test::shell_quote;
    TempDir dir;
    const auto ca = make_test_ca(dir);
    const LeafMinter minter(ca, {});
    const auto dns = minter.mint("api.securitycenter.microsoft.com");
    const auto ip = minter.mint("127.0.0.1");
    REQUIRE(dns);
    REQUIRE(ip);
    const std::string ca_file = shell_quote(dir.ca_paths().cert.string());
    const std::string dns_file = (dir.path() / "dns.pem").string();
    const std::string ip_file = (dir.path() / "ip.pem").string();
    write_text(dns_file, dns.leaf->pem());
    write_text(ip_file, ip.leaf->pem());

    const auto verified = run_process(
        "openssl verify -purpose sslserver -verify_hostname "
        "api.securitycenter.microsoft.com -CAfile " +
        ca_file + " " + shell_quote(dns_file) + " 2>&1");
    CHECK(verified.out == dns_file + ": OK\n");
    CHECK(verified.exit_code == 0);
    const auto wrong_host = run_process("openssl verify -verify_hostname other.example -CAfile " +
                                        ca_file + " " + shell_quote(dns_file) + " 2>&1");
    CHECK(wrong_host.exit_code != 0);
    const auto verified_ip = run_process("openssl verify -verify_ip 127.0.0.1 -CAfile " + ca_file +
                                         " " + shell_quote(ip_file) + " 2>&1");
    CHECK(verified_ip.out == ip_file + ": OK\n");

    const auto dns_text = run_process("openssl x509 -noout -text -in " + shell_quote(dns_file));
    CHECK(dns_text.out.find("DNS:api.securitycenter.microsoft.com\n") != std::string::npos);
    CHECK(dns_text.out.find("TLS Web Server Authentication") != std::string::npos);
    CHECK(dns_text.out.find("CA:FALSE") != std::string::npos);
    const auto ip_text = run_process("openssl x509 -noout -text -in " + shell_quote(ip_file));
    CHECK(ip_text.out.find("IP Address:127.0.0.1\n") != std::string::npos);
}
