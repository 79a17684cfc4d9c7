// CONNECT: `200 Connection established`, then TLS interception (intercept.cpp) for the hosts
// `intercept:` names, a blind tunnel for the others (SPEC §7).

#include "server/connection.hpp"
#include "server/tunnel.hpp"

#include <boost/asio/write.hpp>

namespace uaudit::server {

asio::awaitable<void> connect_exchange(Connection& conn, Exchange& exchange,
                                       const http::Target& target) {
    ServerState& state = conn.state;
    if (state.tls && intercepts(state.config, state.policy.scope(), target.host)) {
        static constexpr std::string_view established =
            "HTTP/1.1 200 Connection established\r\n\r\n";
        conn.stream.expires_after(state.config.limits.idle_timeout);
        auto [ec, n] =
            co_await asio::async_write(conn.stream, asio::buffer(established), use_nothrow);
        conn.stream.expires_never();
        if (!ec) {
            co_await intercept_exchange(conn, exchange, target);
        }
        co_return;
    }
    const ExchangeGuard in_flight(state.metrics);
    auto connected =
        co_await state.connector.connect(target.host, target.port, http::Purpose::tunnel);
    audit::OutOfScopeRecord record;
    record.ts = exchange.ts;
    record.id = audit::new_event_id();
    record.instance = state.instance;
    record.client = conn.client;
    record.via = audit::Via::tunnel;
    record.method = "CONNECT";
    record.host = target.host;
    record.port = target.port;
    const auto emit = [&] {
        record.duration_ms = std::chrono::duration<double, std::milli>(
                                 std::chrono::steady_clock::now() - exchange.started)
                                 .count();
        if (state.config.events.out_of_scope == config::OutOfScopeEvents::each) {
            state.record(record);
        } else {
            state.out_of_scope.add_tunnel(target.host, target.port, record.bytes_in,
                                          record.bytes_out);
        }
    };
    if (!connected.stream) {
        const auto word = http::to_string(connected.error);
        const unsigned status = connected.error == http::UpstreamError::connect_timeout ? 504 : 502;
        auto response = json_error(status, word,
                                   connected.detail.empty()
                                       ? std::string(word) + ": cannot reach " + target.authority()
                                       : connected.detail,
                                   exchange.version, false);
        co_await write_local(conn, response);
        state.metrics.count_upstream_error(word);
        record.status = status;
        emit();
        co_return;
    }
    static constexpr std::string_view established = "HTTP/1.1 200 Connection established\r\n\r\n";
    conn.stream.expires_after(state.config.limits.idle_timeout);
    auto [ec, n] = co_await asio::async_write(conn.stream, asio::buffer(established), use_nothrow);
    if (ec) {
        co_return;
    }
    record.status = 200;
    state.metrics.count_tunnel();
    const auto result = co_await run_tunnel(conn.stream, conn.buffer, *connected.stream,
                                            state.config.limits.idle_timeout);
    record.bytes_in = result.client_to_upstream;
    record.bytes_out = result.upstream_to_client;
    emit();
}

}  // namespace uaudit::server
