// An intercepted CONNECT (SPEC §7): the client speaks TLS to uaudit, which presents a leaf
// minted for the host; the requests inside go through the same audit path as plain ones
// (`via: intercept`) and on over verified TLS to the real host.

#include "server/connection.hpp"
#include "tls/client_rejection.hpp"
#include "tls/server_context.hpp"

#include <boost/asio/write.hpp>

namespace uaudit::server {
namespace {

constexpr unsigned char tls_handshake_record = 0x16;

void record_rejection(Connection& conn, const Exchange& exchange, const http::Target& target,
                      std::string_view server_name, std::string reason) {
    audit::TlsClientRejectedRecord record;
    record.ts = exchange.ts;
    record.id = audit::new_event_id();
    record.instance = conn.state.instance;
    record.client = conn.client;
    record.host = server_name.empty() ? target.host : std::string(server_name);
    record.port = target.port;
    record.reason = std::move(reason);
    conn.state.metrics.count_tls_rejected();
    conn.state.record(record);
}

}  // namespace

asio::awaitable<void> intercept_exchange(Connection& conn, Exchange& exchange,
                                         const http::Target& target) {
    ServerState& state = conn.state;
    const auto& limits = state.config.limits;
    {
        const ExchangeGuard in_flight(state.metrics);
        // The first bytes decide: a TLS handshake record, or something else (reported).
        conn.stream.expires_after(limits.header_timeout);
        while (conn.buffer.size() == 0) {
            auto [ec, n] =
                co_await conn.stream.async_read_some(conn.buffer.prepare(4096), use_nothrow);
            conn.buffer.commit(n);
            if (ec) {
                record_rejection(conn, exchange, target, {},
                                 ec == beast::error::timeout
                                     ? std::string(tls::reject_reason::handshake_timeout)
                                     : std::string(tls::reject_reason::closed_in_handshake));
                co_return;
            }
        }
        if (*static_cast<const unsigned char*>(conn.buffer.data().data()) != tls_handshake_record) {
            record_rejection(conn, exchange, target, {}, std::string(tls::reject_reason::not_tls));
            error_code ignored;  // closing: nothing else can be said to a non-TLS client
            conn.stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
            co_return;
        }
    }
    // The leaf of the CONNECT host, from the cache (a mint on the first connection only); the
    // context's SNI callback takes over when the client names another host.
    auto leaf = state.tls->certs->get(target.host);
    if (!leaf) {
        const ExchangeGuard in_flight(state.metrics);
        record_rejection(conn, exchange, target, {}, "alert_internal_error");
        co_return;
    }
    http::InterceptStream client(conn.stream, *state.tls->intercept);
    tls::use_leaf(client.native_handle(), *leaf.leaf);
    conn.stream.expires_after(limits.header_timeout);
    auto [ec, used] = co_await client.async_handshake(asio::ssl::stream_base::server,
                                                      conn.buffer.data(), use_nothrow);
    conn.stream.expires_never();
    conn.buffer.consume(used);
    if (ec) {
        const ExchangeGuard in_flight(state.metrics);
        const auto rejection =
            ec == beast::error::timeout
                ? tls::ClientRejection{std::string(tls::reject_reason::handshake_timeout), {}}
                : tls::classify_client_rejection(ec);
        record_rejection(conn, exchange, target, tls::requested_server_name(client.native_handle()),
                         rejection.reason);
        co_return;
    }

    // The requests inside: origin-form, for the CONNECT host.
    while (!state.stopping) {
        Exchange inner;
        if (!co_await read_next_request(conn, client, inner)) {
            break;
        }
        const ExchangeGuard in_flight(state.metrics);
        auto& req = inner.parser.get();
        inner.version = req.version() >= 11 ? 11 : 10;
        inner.keep_alive = req.keep_alive();
        std::string error;
        auto inner_target = http::parse_origin_target(req.target(), error);
        if (!inner_target) {
            co_await refuse(conn, client, &inner, 400, "bad_target", error, false);
            break;
        }
        inner_target->scheme = "https";
        inner_target->host = target.host;
        inner_target->port = target.port;
        if (auto reason = http::check_request_framing(req)) {
            co_await refuse(conn, client, &inner, 400, "request_smuggling", *reason, false);
            break;
        }
        if (limits.max_body_bytes > 0 && inner.parser.content_length() &&
            *inner.parser.content_length() > limits.max_body_bytes) {
            co_await refuse(conn, client, &inner, 413, "body_too_large",
                            "the request body exceeds limits.max_body_bytes", false);
            break;
        }
        if (!co_await forward_exchange<http::InterceptStream, http::TlsStream>(
                conn, client, inner, *inner_target, audit::Via::intercept)) {
            break;
        }
    }
    // close_notify, bounded: the client may already be gone.
    conn.stream.expires_after(std::chrono::seconds(1));
    co_await client.async_shutdown(use_nothrow);
    conn.stream.expires_never();
}

}  // namespace uaudit::server
