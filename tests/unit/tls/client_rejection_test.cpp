#include "tls/client_rejection.hpp"

#include "upstream_test_support.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <string>

using namespace uaudit::tls;
using uaudit::tls::detail::SslCtxPtr;
using uaudit::tls::detail::SslPtr;
using uaudit::tls::test::MemoryLink;
using uaudit::tls::test::serving;
using uaudit::tls::test::TestPki;

namespace {

struct Client {
    X509* trusted = nullptr;  // the one trust anchor, or none
    const char* verify_host = "api.example.com";
    int max_version = 0;
};

// A failing handshake between a client like curl (verifying the chain and the host name) and
// a server made from `server_ctx`; returns the server side's classified failure.
ClientRejection rejection(SSL_CTX* server_ctx, const Client& options) {
    const SslCtxPtr client_ctx(SSL_CTX_new(TLS_client_method()));
    if (options.trusted != nullptr) {
        X509_STORE_add_cert(SSL_CTX_get_cert_store(client_ctx.get()), options.trusted);
    }
    SSL_CTX_set_verify(client_ctx.get(), SSL_VERIFY_PEER, nullptr);
    const SslPtr client(SSL_new(client_ctx.get()));
    SSL_set1_host(client.get(), options.verify_host);
    if (options.max_version != 0) {
        SSL_ctrl(client.get(), SSL_CTRL_SET_MAX_PROTO_VERSION, options.max_version, nullptr);
    }
    const SslPtr server(SSL_new(server_ctx));
    MemoryLink link(client.get(), server.get());
    REQUIRE_FALSE(link.handshake());
    REQUIRE(link.server.failed);
    return classify_client_rejection(link.server.error);
}

}  // namespace

TEST_CASE("client rejection: alerts from real clients", "[tls][rejection]") {
    TestPki pki;
    const SslCtxPtr server = serving(*pki.leaf("api.example.com"));
    X509* ca = pki.trusted->certificate();

    const auto untrusting = rejection(server.get(), {});
    CHECK(untrusting.reason == "unknown_ca");
    CHECK(untrusting.detail == "tlsv1 alert unknown ca");

    const auto other_name = rejection(server.get(), {ca, "other.example.com"});
    CHECK(other_name.reason == "bad_certificate");
    CHECK(other_name.detail == "sslv3 alert bad certificate");

    const SslCtxPtr expired = serving(*pki.leaf(
        "api.example.com", nullptr, std::chrono::system_clock::now() - std::chrono::hours(48)));
    const auto old = rejection(expired.get(), {ca});
    CHECK(old.reason == "alert_certificate_expired");
    CHECK(old.detail == "sslv3 alert certificate expired");
}

TEST_CASE("client rejection: a TLS 1.2 client against min_version 1.3", "[tls][rejection]") {
    TestPki pki;
    const SslCtxPtr strict = serving(*pki.leaf("api.example.com"), 0, "1.3");
    const auto old_client =
        rejection(strict.get(), {pki.trusted->certificate(), "api.example.com", TLS1_2_VERSION});
    CHECK(old_client.reason == "alert_protocol_version");
    CHECK(old_client.detail == "unsupported protocol");
}

TEST_CASE("client rejection: a client closing mid-handshake", "[tls][rejection]") {
    TestPki pki;
    const SslCtxPtr server_ctx = serving(*pki.leaf("api.example.com"));
    const SslCtxPtr client_ctx(SSL_CTX_new(TLS_client_method()));
    const SslPtr client(SSL_new(client_ctx.get()));
    const SslPtr server(SSL_new(server_ctx.get()));
    MemoryLink link(client.get(), server.get());
    link.step_client();  // ClientHello
    link.close_client_writes();
    for (int i = 0; i < 5 && !link.server.finished(); ++i) {
        link.step_server();
    }
    REQUIRE(link.server.failed);
    const auto closed = classify_client_rejection(link.server.error);
    CHECK(closed.reason == "closed_in_handshake");
}

TEST_CASE("client rejection: plain HTTP on the TLS port is not_tls", "[tls][rejection]") {
    TestPki pki;
    const SslCtxPtr server_ctx = serving(*pki.leaf("api.example.com"));
    const SslPtr server(SSL_new(server_ctx.get()));
    BIO* client_end = nullptr;
    BIO* server_end = nullptr;
    BIO_new_bio_pair(&client_end, 0, &server_end, 0);
    SSL_set_bio(server.get(), server_end, server_end);
    SSL_set_accept_state(server.get());
    const std::string request = "GET / HTTP/1.1\r\nHost: api.example.com\r\n\r\n";
    BIO_write(client_end, request.data(), static_cast<int>(request.size()));
    ERR_clear_error();
    const int rc = SSL_do_handshake(server.get());
    const auto error = handshake_error_from_ssl(SSL_get_error(server.get(), rc), ERR_get_error());
    BIO_free(client_end);
    const auto http = classify_client_rejection(error);
    CHECK(http.reason == "not_tls");
    CHECK(http.detail == "http request");
}

TEST_CASE("client rejection: classification table", "[tls][rejection]") {
    const auto ssl_error = [](int reason) {
        return HandshakeError::openssl((static_cast<unsigned long>(ERR_LIB_SSL) << ERR_LIB_OFFSET) |
                                       static_cast<unsigned long>(reason));
    };
    const auto alert = [&](int description) {
        return ssl_error(SSL_AD_REASON_OFFSET + description);
    };
    struct Case {
        HandshakeError error;
        const char* reason;
    };
    const Case cases[] = {
        {alert(SSL_AD_UNKNOWN_CA), "unknown_ca"},
        {alert(SSL_AD_BAD_CERTIFICATE), "bad_certificate"},
        {alert(SSL_AD_CERTIFICATE_UNKNOWN), "certificate_unknown"},
        {alert(SSL_AD_CERTIFICATE_EXPIRED), "alert_certificate_expired"},
        {alert(SSL_AD_HANDSHAKE_FAILURE), "alert_handshake_failure"},
        {alert(SSL_AD_ACCESS_DENIED), "alert_access_denied"},
        {alert(SSL_AD_CERTIFICATE_REQUIRED), "alert_certificate_required"},
        {alert(SSL_AD_NO_APPLICATION_PROTOCOL), "alert_no_application_protocol"},
        {alert(200), "alert_200"},
        {HandshakeError::closed(), "closed_in_handshake"},
        {HandshakeError::closed("Connection reset by peer"), "closed_in_handshake"},
        {ssl_error(SSL_R_UNEXPECTED_EOF_WHILE_READING), "closed_in_handshake"},
        {ssl_error(SSL_R_WRONG_VERSION_NUMBER), "not_tls"},
        {ssl_error(SSL_R_HTTPS_PROXY_REQUEST), "not_tls"},
        {ssl_error(SSL_R_UNSUPPORTED_PROTOCOL), "alert_protocol_version"},
        {ssl_error(SSL_R_NO_SHARED_CIPHER), "alert_handshake_failure"},
        {HandshakeError::other("Operation canceled"), "alert_handshake_failure"},
    };
    for (const Case& c : cases) {
        const auto rejection = classify_client_rejection(c.error);
        CHECK(rejection.reason == c.reason);
    }
    CHECK(classify_client_rejection(HandshakeError::other("Operation canceled")).detail ==
          "Operation canceled");
}

TEST_CASE("client rejection: alert names and reason words", "[tls][rejection]") {
    CHECK(tls_alert_name(48) == "unknown_ca");
    CHECK(tls_alert_name(116) == "certificate_required");
    CHECK(tls_alert_name(0) == "close_notify");
    CHECK(tls_alert_name(255).empty());
    CHECK(reject_reason::handshake_timeout == "handshake_timeout");
    CHECK(reject_reason::not_tls == "not_tls");
}
