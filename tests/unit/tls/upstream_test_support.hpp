#pragma once
// Fake upstream servers for the upstream TLS tests: a trusted and an untrusted test CA,
// leaves minted at will, and one in-memory connection from an UpstreamTls to a server.

#include "memory_link.hpp"
#include "tls/server_context.hpp"
#include "tls/upstream_context.hpp"
#include "tls/upstream_failure.hpp"
#include "tls_test_support.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace uaudit::tls::test {

/// Two CAs: `trusted` (its certificate file is the upstream_ca_file of options()) and
/// `untrusted`, which nothing trusts.
struct TestPki {
    TempDir trusted_dir;
    TempDir untrusted_dir;
    std::shared_ptr<const CertificateAuthority> trusted = make_test_ca(trusted_dir);
    std::shared_ptr<const CertificateAuthority> untrusted = make_test_ca(untrusted_dir);

    /// Verifying options trusting `trusted` through upstream_ca_file.
    UpstreamTlsOptions options() const {
        UpstreamTlsOptions options;
        options.ca_file = trusted_dir.ca_paths().cert;
        return options;
    }

    /// A leaf for `name` signed by `ca` (default: trusted), valid from `now` for `validity`.
    std::shared_ptr<const LeafCertificate> leaf(
        std::string_view name, std::shared_ptr<const CertificateAuthority> ca = nullptr,
        std::chrono::system_clock::time_point now = std::chrono::system_clock::now(),
        std::chrono::seconds validity = std::chrono::hours(24)) const {
        MinterOptions options;
        options.validity = validity;
        options.clock = [now] { return now; };
        const LeafMinter minter(ca ? std::move(ca) : trusted, std::move(options));
        LeafResult result = minter.mint(name);
        REQUIRE(result);
        return result.leaf;
    }
};

/// A server context presenting `leaf`, at most TLS `max_version` when not 0.
inline detail::SslCtxPtr serving(const LeafCertificate& leaf, int max_version = 0,
                                 std::string_view min_version = "1.2") {
    std::string error;
    detail::SslCtxPtr ctx = make_server_ctx(leaf, min_version, error);
    REQUIRE(ctx);
    if (max_version != 0) {
        SSL_CTX_ctrl(ctx.get(), SSL_CTRL_SET_MAX_PROTO_VERSION, max_version, nullptr);
    }
    return ctx;
}

/// What one upstream connection did, seen from both ends.
struct Outcome {
    bool ok = false;
    bool reused = false;
    int version = 0;
    long verify_result = -1;
    std::string alpn;
    std::string server_saw_sni;
    UpstreamTlsFailure failure;  // when the client's handshake failed
    HandshakeSide server;
};

/// One connection from `upstream` to a server made from `server_ctx`, prepared for
/// `host`:`port`; with `exchange`, application data flows both ways after the handshake
/// (which delivers TLS 1.3 session tickets).
inline Outcome connect(const UpstreamTls& upstream, SSL_CTX* server_ctx, std::string_view host,
                       std::uint16_t port = 443, bool exchange = true) {
    const detail::SslPtr client(SSL_new(upstream.native()));
    REQUIRE(upstream.prepare(client.get(), host, port));
    const detail::SslPtr server(SSL_new(server_ctx));
    MemoryLink link(client.get(), server.get());
    Outcome out;
    out.ok = link.handshake();
    if (out.ok && exchange) {
        REQUIRE(link.exchange());
    }
    out.reused = SSL_session_reused(client.get()) == 1;
    out.version = SSL_version(client.get());
    out.verify_result = SSL_get_verify_result(client.get());
    const unsigned char* alpn = nullptr;
    unsigned alpn_size = 0;
    SSL_get0_alpn_selected(client.get(), &alpn, &alpn_size);
    out.alpn.assign(reinterpret_cast<const char*>(alpn), alpn_size);
    out.server_saw_sni = std::string(requested_server_name(server.get()));
    if (link.client.failed) {
        out.failure = classify_upstream_failure(client.get(), link.client.error, host, port);
    }
    out.server = link.server;
    return out;
}

}  // namespace uaudit::tls::test
