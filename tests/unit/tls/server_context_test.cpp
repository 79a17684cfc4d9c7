#include "tls/server_context.hpp"

#include "tls_test_support.hpp"

#include <catch2/catch.hpp>
#include <openssl/err.h>

#include <string>

using namespace uaudit::tls;
using uaudit::tls::detail::SslCtxPtr;
using uaudit::tls::detail::SslPtr;
using uaudit::tls::test::make_test_ca;
using uaudit::tls::test::TempDir;

namespace {

struct ClientOptions {
    std::string sni;          // "" = send none
    std::string verify_host;  // "" = no host name check
    std::string alpn = std::string("\x08http/1.1", 9);
    int max_version = 0;  // 0 = default
};

struct Handshake {
    bool ok = false;
    long verify_result = -1;
    std::string alpn;
    std::string peer_cn;
    std::string server_saw_sni;
};

// A complete TLS handshake between a client trusting `ca` and `server`, in memory (a BIO pair),
// with the client checking the chain and the host name like curl does.
Handshake handshake(SSL* server, X509* ca, const ClientOptions& options) {
    const SslCtxPtr client_ctx(SSL_CTX_new(TLS_client_method()));
    X509_STORE_add_cert(SSL_CTX_get_cert_store(client_ctx.get()), ca);
    SSL_CTX_set_verify(client_ctx.get(), SSL_VERIFY_PEER, nullptr);
    const SslPtr client(SSL_new(client_ctx.get()));
    if (!options.sni.empty()) {
        SSL_ctrl(client.get(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                 const_cast<char*>(options.sni.c_str()));
    }
    if (!options.verify_host.empty()) {
        SSL_set1_host(client.get(), options.verify_host.c_str());
    }
    if (!options.alpn.empty()) {
        SSL_set_alpn_protos(client.get(),
                            reinterpret_cast<const unsigned char*>(options.alpn.data()),
                            static_cast<unsigned>(options.alpn.size()));
    }
    if (options.max_version != 0) {
        SSL_ctrl(client.get(), SSL_CTRL_SET_MAX_PROTO_VERSION, options.max_version, nullptr);
    }
    BIO* client_bio = nullptr;
    BIO* server_bio = nullptr;
    BIO_new_bio_pair(&client_bio, 0, &server_bio, 0);
    SSL_set_bio(client.get(), client_bio, client_bio);
    SSL_set_bio(server, server_bio, server_bio);
    SSL_set_connect_state(client.get());
    SSL_set_accept_state(server);

    bool client_done = false;
    bool server_done = false;
    for (int round = 0; round < 20 && !(client_done && server_done); ++round) {
        for (auto [ssl, done] : {std::pair{client.get(), &client_done}, {server, &server_done}}) {
            if (*done) {
                continue;
            }
            const int rc = SSL_do_handshake(ssl);
            if (rc == 1) {
                *done = true;
            } else {
                const int error = SSL_get_error(ssl, rc);
                if (error != SSL_ERROR_WANT_READ && error != SSL_ERROR_WANT_WRITE) {
                    ERR_clear_error();
                    return Handshake{};
                }
            }
        }
    }
    Handshake result;
    result.ok = client_done && server_done;
    result.verify_result = SSL_get_verify_result(client.get());
    const unsigned char* alpn = nullptr;
    unsigned alpn_size = 0;
    SSL_get0_alpn_selected(client.get(), &alpn, &alpn_size);
    result.alpn.assign(reinterpret_cast<const char*>(alpn), alpn_size);
    if (X509* peer = SSL_get0_peer_certificate(client.get())) {
        char buffer[256] = {};
        X509_NAME_get_text_by_NID(X509_get_subject_name(peer), NID_commonName, buffer,
                                  sizeof buffer);
        result.peer_cn = buffer;
    }
    result.server_saw_sni = std::string(requested_server_name(server));
    return result;
}

struct Fixture {
    TempDir dir;
    std::shared_ptr<const CertificateAuthority> ca = make_test_ca(dir);
    CertCache cache{std::make_shared<const LeafMinter>(ca, MinterOptions{}), 100};
    std::string error;
    SslCtxPtr ctx = make_intercept_context(&cache, "1.2", error);

    // A server connection prepared as the proxy does after CONNECT `connect_host`.
    SslPtr server_for(const std::string& connect_host) {
        SslPtr ssl(SSL_new(ctx.get()));
        use_leaf(ssl.get(), *cache.get(connect_host).leaf);
        return ssl;
    }
};

}  // namespace

TEST_CASE("server context: parse_tls_version", "[tls][server]") {
    CHECK(parse_tls_version("1.2") == TLS1_2_VERSION);
    CHECK(parse_tls_version("1.3") == TLS1_3_VERSION);
    CHECK(parse_tls_version("1.1") == 0);
    CHECK(parse_tls_version("") == 0);
    std::string error;
    CHECK_FALSE(make_intercept_context(nullptr, "1.0", error));
    CHECK(error == "unsupported TLS version '1.0' (use 1.2 or 1.3)");
}

TEST_CASE("server context: the client verifies the CONNECT host's leaf and gets http/1.1",
          "[tls][server]") {
    Fixture f;
    REQUIRE(f.ctx);
    auto server = f.server_for("api.example.com");
    const auto result =
        handshake(server.get(), f.ca->certificate(), {"api.example.com", "api.example.com"});
    REQUIRE(result.ok);
    CHECK(result.verify_result == X509_V_OK);
    CHECK(result.alpn == "http/1.1");
    CHECK(result.peer_cn == "api.example.com");
    CHECK(result.server_saw_sni == "api.example.com");
    CHECK(f.cache.stats().misses == 1);  // the SNI matched: no second mint
}

TEST_CASE("server context: an SNI other than the CONNECT host gets its own leaf", "[tls][server]") {
    Fixture f;
    auto server = f.server_for("203.0.113.7");
    const auto result =
        handshake(server.get(), f.ca->certificate(), {"graph.example.com", "graph.example.com"});
    REQUIRE(result.ok);
    CHECK(result.verify_result == X509_V_OK);
    CHECK(result.peer_cn == "graph.example.com");
    CHECK(f.cache.stats().misses == 2);
}

TEST_CASE("server context: without SNI the CONNECT host's leaf is presented", "[tls][server]") {
    Fixture f;
    auto server = f.server_for("127.0.0.1");
    const auto result = handshake(server.get(), f.ca->certificate(), {"", ""});
    REQUIRE(result.ok);
    CHECK(result.verify_result == X509_V_OK);
    CHECK(result.peer_cn == "127.0.0.1");
    CHECK(result.server_saw_sni.empty());
}

TEST_CASE("server context: ALPN without http/1.1, or none, still completes", "[tls][server]") {
    Fixture f;
    auto h2_only = f.server_for("example.com");
    const auto h2 = handshake(h2_only.get(), f.ca->certificate(),
                              {"example.com", "example.com", std::string("\x02h2", 3)});
    REQUIRE(h2.ok);
    CHECK(h2.alpn.empty());
    auto no_alpn = f.server_for("example.com");
    const auto none =
        handshake(no_alpn.get(), f.ca->certificate(), {"example.com", "example.com", ""});
    REQUIRE(none.ok);
    CHECK(none.alpn.empty());
}

TEST_CASE("server context: min_version 1.3 refuses a TLS 1.2 client", "[tls][server]") {
    Fixture f;
    std::string error;
    const SslCtxPtr strict = make_intercept_context(&f.cache, "1.3", error);
    REQUIRE(strict);
    SslPtr server(SSL_new(strict.get()));
    use_leaf(server.get(), *f.cache.get("example.com").leaf);
    const auto old_client = handshake(server.get(), f.ca->certificate(),
                                      {"example.com", "example.com", "", TLS1_2_VERSION});
    CHECK_FALSE(old_client.ok);
    SslPtr again(SSL_new(strict.get()));
    use_leaf(again.get(), *f.cache.get("example.com").leaf);
    CHECK(handshake(again.get(), f.ca->certificate(), {"example.com", "example.com"}).ok);
}

TEST_CASE("server context: make_server_ctx serves one leaf", "[tls][server]") {
    Fixture f;
    std::string error;
    const auto leaf = f.cache.get("one.example").leaf;
    const SslCtxPtr ctx = make_server_ctx(*leaf, "1.2", error);
    REQUIRE(ctx);
    SslPtr server(SSL_new(ctx.get()));
    const auto result =
        handshake(server.get(), f.ca->certificate(), {"one.example", "one.example"});
    REQUIRE(result.ok);
    CHECK(result.verify_result == X509_V_OK);
    CHECK(result.alpn == "http/1.1");
}

TEST_CASE("server context: a client checking another name rejects the leaf", "[tls][server]") {
    Fixture f;
    auto server = f.server_for("example.com");
    const auto result =
        handshake(server.get(), f.ca->certificate(), {"example.com", "other.example.com"});
    CHECK_FALSE(result.ok);
}
