#include "server/gateway.hpp"

#include "config/load.hpp"
#include "server/connection.hpp"

#include <stdexcept>

namespace uaudit::server {
namespace {

template <class Client>
asio::awaitable<void> serve_requests(Connection& conn, Client& client, const GatewayRoute& route) {
    ServerState& state = conn.state;
    const auto& limits = state.config.limits;
    while (!state.stopping) {
        Exchange exchange;
        if (!co_await read_next_request(conn, client, exchange)) {
            co_return;
        }
        const ExchangeGuard in_flight(state.metrics);
        auto& req = exchange.parser.get();
        exchange.version = req.version() >= 11 ? 11 : 10;
        exchange.keep_alive = req.keep_alive();
        std::string error;
        auto target = http::parse_origin_target(req.target(), error);
        if (!target) {
            co_await refuse(conn, client, &exchange, 400, "bad_target", error, false);
            co_return;
        }
        target->scheme = route.upstream.scheme;
        target->host = route.upstream.host;
        target->port = route.upstream.port;
        if (auto reason = http::check_request_framing(req)) {
            co_await refuse(conn, client, &exchange, 400, "request_smuggling", *reason, false);
            co_return;
        }
        if (limits.max_body_bytes > 0 && exchange.parser.content_length() &&
            *exchange.parser.content_length() > limits.max_body_bytes) {
            co_await refuse(conn, client, &exchange, 413, "body_too_large",
                            "the request body exceeds limits.max_body_bytes", false);
            co_return;
        }
        const bool more = target->scheme == "https"
                              ? co_await forward_exchange<Client, http::TlsStream>(
                                    conn, client, exchange, *target, audit::Via::gateway)
                              : co_await forward_exchange<Client, TcpStream>(
                                    conn, client, exchange, *target, audit::Via::gateway);
        if (!more) {
            co_return;
        }
    }
}

}  // namespace

GatewayRoute make_gateway_route(const config::Config& config, std::size_t index) {
    const auto& route = config.routes.at(index);
    GatewayRoute out;
    out.name = "routes[" + std::to_string(index) + "]";
    std::string error;
    auto upstream = http::parse_upstream_base(route.upstream, error);
    if (!upstream) {
        throw std::runtime_error(out.name + ".upstream: " + error);
    }
    out.upstream = std::move(*upstream);
    if (route.tls) {
        auto context = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_server);
        context->set_options(asio::ssl::context::default_workarounds |
                             asio::ssl::context::no_sslv2 | asio::ssl::context::no_sslv3 |
                             asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1);
        const auto cert = config::resolve_path(config, route.tls->cert);
        const auto key = config::resolve_path(config, route.tls->key);
        error_code ec;
        context->use_certificate_chain_file(cert.string(), ec);
        if (ec) {
            throw std::runtime_error(out.name + ".tls.cert: cannot load " + cert.string() + ": " +
                                     ec.message());
        }
        context->use_private_key_file(key.string(), asio::ssl::context::pem, ec);
        if (ec) {
            throw std::runtime_error(out.name + ".tls.key: cannot load " + key.string() + ": " +
                                     ec.message());
        }
        out.tls = std::move(context);
    }
    return out;
}

asio::awaitable<void> serve_gateway(tcp::socket socket, ServerState& state,
                                    const GatewayRoute& route) {
    error_code ec;
    const auto peer = socket.remote_endpoint(ec);
    const auto local = socket.local_endpoint(ec);
    Connection conn(state, TcpStream(std::move(socket)), endpoint_text(peer), peer, local);
    state.metrics.connection_opened();
    RegistryGuard guard{state, std::make_shared<SessionHandle>()};
    guard.handle->stream = &conn.stream;
    conn.session = guard.handle.get();
    state.sessions.add(guard.handle, conn.stream.get_executor());
    if (!state.client_allowed(peer.address())) {
        const ExchangeGuard in_flight(state.metrics);
        co_await refuse(conn, nullptr, 403, "client_not_allowed",
                        "this client address is not in access.allow_clients", false);
        conn.stream.socket().shutdown(tcp::socket::shutdown_both, ec);
        co_return;
    }
    conn.start_process_lookup();
    if (!route.tls) {
        co_await serve_requests(conn, conn.stream, route);
        co_return;
    }
    http::InterceptStream client(conn.stream, *route.tls);
    conn.stream.expires_after(state.config.limits.header_timeout);
    auto [hec] = co_await client.async_handshake(asio::ssl::stream_base::server, use_nothrow);
    conn.stream.expires_never();
    if (hec) {
        co_return;  // a client that cannot speak TLS to the gateway's own certificate
    }
    co_await serve_requests(conn, client, route);
    conn.stream.expires_after(std::chrono::seconds(1));
    co_await client.async_shutdown(use_nothrow);
}

}  // namespace uaudit::server
