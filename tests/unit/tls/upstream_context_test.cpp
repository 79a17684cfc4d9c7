#include "tls/upstream_context.hpp"

#include "config/config.hpp"
#include "upstream_test_support.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <string>

using namespace uaudit::tls;
using uaudit::tls::detail::SslCtxPtr;
using uaudit::tls::detail::SslPtr;
using uaudit::tls::test::connect;
using uaudit::tls::test::serving;
using uaudit::tls::test::TempDir;
using uaudit::tls::test::TestPki;
using Clock = std::chrono::system_clock;

TEST_CASE("upstream: a trusted upstream verifies, gets SNI and negotiates http/1.1",
          "[tls][upstream]") {
    TestPki pki;
    const UpstreamTls upstream(pki.options());
    const SslCtxPtr server = serving(*pki.leaf("api.example.com"));
    const auto out = connect(upstream, server.get(), "api.example.com");
    REQUIRE(out.ok);
    CHECK(out.verify_result == X509_V_OK);
    CHECK(out.server_saw_sni == "api.example.com");
    CHECK(out.alpn == "http/1.1");
    CHECK(out.version == TLS1_3_VERSION);
    CHECK_FALSE(out.reused);
}

TEST_CASE("upstream: the host is normalized before SNI and verification", "[tls][upstream]") {
    TestPki pki;
    const UpstreamTls upstream(pki.options());
    const SslCtxPtr server = serving(*pki.leaf("api.example.com"));
    const auto out = connect(upstream, server.get(), "API.Example.COM.");
    REQUIRE(out.ok);
    CHECK(out.server_saw_sni == "api.example.com");
}

TEST_CASE("upstream: an IP literal is verified against an IP SAN and gets no SNI",
          "[tls][upstream]") {
    TestPki pki;
    const UpstreamTls upstream(pki.options());
    struct Case {
        const char* minted;
        const char* host;
    };
    const Case cases[] = {{"127.0.0.1", "127.0.0.1"}, {"::1", "[::1]"}, {"::1", "::1"}};
    for (const Case& c : cases) {
        INFO(c.host);
        const SslCtxPtr server = serving(*pki.leaf(c.minted));
        const auto out = connect(upstream, server.get(), c.host);
        REQUIRE(out.ok);
        CHECK(out.verify_result == X509_V_OK);
        CHECK(out.server_saw_sni.empty());
    }
}

TEST_CASE("upstream: certificate problems are tls_verify_failed with a cause", "[tls][upstream]") {
    TestPki pki;
    const UpstreamTls upstream(pki.options());
    const auto now = Clock::now();
    const auto self_signed = std::make_shared<const LeafCertificate>(
        "api.example.com", detail::up_ref(pki.untrusted->certificate()),
        detail::up_ref(pki.untrusted->key()), pki.untrusted->not_after());
    struct Case {
        const char* what;
        std::shared_ptr<const LeafCertificate> leaf;
        const char* host;
        long verify_result;
        const char* cause;
        const char* message;
    };
    const Case cases[] = {
        {"untrusted CA", pki.leaf("api.example.com", pki.untrusted), "api.example.com",
         X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY, "unknown_ca",
         "upstream api.example.com:443 certificate is not trusted (unknown CA: unable to get "
         "local issuer certificate)"},
        {"self-signed", self_signed, "api.example.com", X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT,
         "unknown_ca",
         "upstream api.example.com:443 certificate is not trusted (unknown CA: self-signed "
         "certificate)"},
        {"wrong name", pki.leaf("other.example.com"), "api.example.com",
         X509_V_ERR_HOSTNAME_MISMATCH, "name_mismatch",
         "upstream api.example.com:443 certificate does not match the host name (hostname "
         "mismatch)"},
        {"expired", pki.leaf("api.example.com", nullptr, now - std::chrono::hours(48)),
         "api.example.com", X509_V_ERR_CERT_HAS_EXPIRED, "expired",
         "upstream api.example.com:443 certificate has expired (certificate has expired)"},
        {"not yet valid", pki.leaf("api.example.com", nullptr, now + std::chrono::hours(48)),
         "api.example.com", X509_V_ERR_CERT_NOT_YET_VALID, "not_yet_valid",
         "upstream api.example.com:443 certificate is not yet valid (certificate is not yet "
         "valid)"},
        {"IP literal, DNS-only SAN", pki.leaf("api.example.com"), "127.0.0.1",
         X509_V_ERR_IP_ADDRESS_MISMATCH, "name_mismatch",
         "upstream 127.0.0.1:443 certificate does not match the address (IP address "
         "mismatch)"},
        {"IPv6 literal, other address", pki.leaf("::2"), "[::1]", X509_V_ERR_IP_ADDRESS_MISMATCH,
         "name_mismatch",
         "upstream [::1]:443 certificate does not match the address (IP address mismatch)"},
    };
    for (const Case& c : cases) {
        INFO(c.what);
        const SslCtxPtr server = serving(*c.leaf);
        const auto out = connect(upstream, server.get(), c.host);
        REQUIRE_FALSE(out.ok);
        CHECK(out.failure.error == tls_verify_failed);
        CHECK(out.failure.is_verify_failure());
        CHECK(out.failure.verify_result == c.verify_result);
        CHECK(out.failure.cause == c.cause);
        CHECK(out.failure.message == c.message);
    }
    CHECK(upstream.cached_sessions() == 0);  // a refused upstream leaves no session behind
}

TEST_CASE("upstream: min_version 1.3 against a TLS 1.2 server is tls_handshake_failed",
          "[tls][upstream]") {
    TestPki pki;
    auto options = pki.options();
    options.min_version = "1.3";
    const UpstreamTls strict(options);
    const SslCtxPtr old_server = serving(*pki.leaf("api.example.com"), TLS1_2_VERSION);
    const auto out = connect(strict, old_server.get(), "api.example.com");
    REQUIRE_FALSE(out.ok);
    CHECK(out.failure.error == tls_handshake_failed);
    CHECK_FALSE(out.failure.is_verify_failure());
    CHECK(out.failure.verify_result == X509_V_OK);
    CHECK(out.failure.cause == "handshake: tlsv1 alert protocol version");
    CHECK(out.failure.message ==
          "upstream api.example.com:443 TLS handshake failed (tlsv1 alert protocol version)");

    const UpstreamTls lenient(pki.options());  // min_version 1.2 accepts it
    const auto fine = connect(lenient, old_server.get(), "api.example.com");
    REQUIRE(fine.ok);
    CHECK(fine.version == TLS1_2_VERSION);
}

TEST_CASE("upstream: upstream_verify false accepts any certificate", "[tls][upstream]") {
    TestPki pki;
    auto options = pki.options();
    options.verify = false;
    const UpstreamTls upstream(options);
    const SslCtxPtr server = serving(*pki.leaf("other.example.com", pki.untrusted));
    const auto out = connect(upstream, server.get(), "api.example.com");
    REQUIRE(out.ok);
    CHECK(out.verify_result == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
    CHECK(out.server_saw_sni == "api.example.com");
}

TEST_CASE("upstream: without upstream_ca_file the test CA is not trusted", "[tls][upstream]") {
    TestPki pki;
    const UpstreamTls upstream(UpstreamTlsOptions{});
    const SslCtxPtr server = serving(*pki.leaf("api.example.com"));
    const auto out = connect(upstream, server.get(), "api.example.com");
    REQUIRE_FALSE(out.ok);
    CHECK(out.failure.cause == "unknown_ca");
}

TEST_CASE("upstream: sessions are resumed per host:port", "[tls][upstream][resume]") {
    TestPki pki;
    const int version = GENERATE(TLS1_3_VERSION, TLS1_2_VERSION);
    INFO("TLS version " << std::hex << version);
    const UpstreamTls upstream(pki.options());
    const SslCtxPtr server = serving(*pki.leaf("api.example.com"), version);

    const auto first = connect(upstream, server.get(), "api.example.com");
    REQUIRE(first.ok);
    CHECK(first.version == version);
    CHECK_FALSE(first.reused);
    CHECK(upstream.cached_sessions() == 1);

    const auto second = connect(upstream, server.get(), "api.example.com");
    REQUIRE(second.ok);
    CHECK(second.reused);
    CHECK(second.verify_result == X509_V_OK);
    CHECK(second.alpn == "http/1.1");

    const auto other_port = connect(upstream, server.get(), "api.example.com", 8443);
    REQUIRE(other_port.ok);
    CHECK_FALSE(other_port.reused);
    CHECK(upstream.cached_sessions() == 2);
}

TEST_CASE("upstream: a TLS 1.3 ticket is used once, a TLS 1.2 session again",
          "[tls][upstream][resume]") {
    TestPki pki;
    const UpstreamTls upstream(pki.options());
    const SslCtxPtr tls13 = serving(*pki.leaf("api.example.com"));
    REQUIRE(connect(upstream, tls13.get(), "api.example.com").ok);
    // Without application data the resumed connection never reads its new tickets.
    const auto resumed = connect(upstream, tls13.get(), "api.example.com", 443, false);
    REQUIRE(resumed.ok);
    CHECK(resumed.reused);
    CHECK(upstream.cached_sessions() == 0);
    CHECK_FALSE(connect(upstream, tls13.get(), "api.example.com").reused);
    CHECK(connect(upstream, tls13.get(), "api.example.com").reused);

    const SslCtxPtr tls12 = serving(*pki.leaf("old.example.com"), TLS1_2_VERSION);
    REQUIRE(connect(upstream, tls12.get(), "old.example.com", 443, false).ok);
    CHECK(connect(upstream, tls12.get(), "old.example.com", 443, false).reused);
    CHECK(connect(upstream, tls12.get(), "old.example.com", 443, false).reused);
}

TEST_CASE("upstream: the session store is bounded", "[tls][upstream][resume]") {
    TestPki pki;
    auto options = pki.options();
    options.session_cache = 1;
    const UpstreamTls one(options);
    const SslCtxPtr server = serving(*pki.leaf("api.example.com"), TLS1_2_VERSION);
    REQUIRE(connect(one, server.get(), "api.example.com", 443).ok);
    REQUIRE(connect(one, server.get(), "api.example.com", 444).ok);  // evicts port 443
    CHECK(one.cached_sessions() == 1);
    CHECK_FALSE(connect(one, server.get(), "api.example.com", 443).reused);
    CHECK(connect(one, server.get(), "api.example.com", 443).reused);

    options.session_cache = 0;
    const UpstreamTls none(options);
    REQUIRE(connect(none, server.get(), "api.example.com").ok);
    CHECK(none.cached_sessions() == 0);
    CHECK_FALSE(connect(none, server.get(), "api.example.com").reused);
}

TEST_CASE("upstream: connections may outlive the UpstreamTls and share the context",
          "[tls][upstream]") {
    TestPki pki;
    const SslCtxPtr server_ctx = serving(*pki.leaf("api.example.com"));
    auto upstream = std::make_unique<UpstreamTls>(pki.options());
    // What boost::asio::ssl::context(SSL_CTX*) adopts: the same context, one more reference.
    const SslCtxPtr adopted(upstream->new_native_reference());
    REQUIRE(adopted.get() == upstream->native());
    const SslPtr client(SSL_new(adopted.get()));
    REQUIRE(upstream->prepare(client.get(), "api.example.com", 443));
    upstream.reset();
    const SslPtr server(SSL_new(server_ctx.get()));
    uaudit::tls::test::MemoryLink link(client.get(), server.get());
    REQUIRE(link.handshake());
    CHECK(link.exchange());  // the session callback still finds its store
}

TEST_CASE("upstream: prepare refuses hosts that are not names or addresses", "[tls][upstream]") {
    TestPki pki;
    const UpstreamTls upstream(pki.options());
    for (const char* host : {"", "*.example.com", "bad host", "a.com,DNS:b.com", "1.2.3"}) {
        INFO(host);
        const SslPtr ssl(SSL_new(upstream.native()));
        CHECK_FALSE(upstream.prepare(ssl.get(), host, 443));
    }
    const UpstreamTls other(pki.options());
    const SslPtr foreign(SSL_new(other.native()));
    CHECK_FALSE(upstream.prepare(foreign.get(), "api.example.com", 443));
    CHECK_FALSE(upstream.prepare(nullptr, "api.example.com", 443));
}

TEST_CASE("upstream: bad options are start-up errors naming the problem", "[tls][upstream]") {
    TempDir dir;
    UpstreamTlsOptions options;
    options.min_version = "1.1";
    CHECK_THROWS_WITH(UpstreamTls(options),
                      "tls.min_version: unsupported TLS version '1.1' (use 1.2 or 1.3)");

    options.min_version = "1.3";
    options.ca_file = dir.path() / "missing.pem";
    CHECK_THROWS_WITH(UpstreamTls(options),
                      "tls.upstream_ca_file: cannot load trust anchors from '" +
                          options.ca_file.string() + "': No such file or directory");

    options.ca_file = dir.path() / "garbage.pem";
    uaudit::tls::test::write_text(options.ca_file, "not a certificate\n");
    CHECK_THROWS_WITH(UpstreamTls(options),
                      "tls.upstream_ca_file: cannot load trust anchors from '" +
                          options.ca_file.string() + "': no certificate or crl found");
}

TEST_CASE("upstream: options come from tls: with upstream_ca_file under data_dir",
          "[tls][upstream]") {
    uaudit::config::Config config;
    config.data_dir = "/var/lib/uaudit";
    auto options = upstream_tls_options(config);
    CHECK(options.verify);
    CHECK(options.ca_file.empty());
    CHECK(options.min_version == "1.2");

    config.tls.upstream_verify = false;
    config.tls.upstream_ca_file = "certs/test-ca.pem";
    config.tls.min_version = "1.3";
    options = upstream_tls_options(config);
    CHECK_FALSE(options.verify);
    CHECK(options.ca_file == "/var/lib/uaudit/certs/test-ca.pem");
    CHECK(options.min_version == "1.3");

    config.tls.upstream_ca_file = "/etc/ssl/extra.pem";
    CHECK(upstream_tls_options(config).ca_file == "/etc/ssl/extra.pem");
}
