#pragma once
// The state of one forward-proxy connection, shared by the session loop (session.cpp) and
// the exchange code (exchange.cpp, connect.cpp). Owned by the session coroutine's frame.

#include "audit/event_record.hpp"
#include "core/asio.hpp"
#include "http/read_head.hpp"
#include "http/relay.hpp"
#include "http/target.hpp"
#include "http/tls_stream.hpp"
#include "server/responses.hpp"
#include "server/state.hpp"

#include <boost/beast/http/write.hpp>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>

namespace uaudit::server {

/// 16 KiB left uninitialised: it only ever holds bytes read into it.
struct ScratchBuffer {
    ScratchBuffer() {}  // NOLINT: no zero-fill, on purpose
    std::span<char> span() { return bytes; }
    std::array<char, 16 * 1024> bytes;
};

/// A client_process look-up running on the finder's worker: it writes `value`, then sets
/// `done`; the connection reads `value` only after seeing `done`.
struct ProcessLookup {
    std::atomic<bool> done{false};
    std::optional<audit::ClientProcess> value;
};

struct Connection {
    Connection(ServerState& state_in, TcpStream stream_in, std::string client_in,
               tcp::endpoint peer_in, tcp::endpoint local_in)
        : state(state_in)
        , stream(std::move(stream_in))
        , client(std::move(client_in))
        , peer(peer_in)
        , local(local_in) {}

    ServerState& state;
    TcpStream stream;
    beast::flat_buffer buffer;
    std::string client;  // ip:port
    tcp::endpoint peer;
    tcp::endpoint local;  // our end (the listener's address and port)
    // Reused by every exchange of the connection (one at a time): the body relay's scratch
    // space and the upstream read buffer, sized so that a small response is read at once.
    ScratchBuffer scratch;
    beast::flat_buffer upstream_buffer;
    std::shared_ptr<ProcessLookup> process_lookup;  // null: not a loopback client
    SessionHandle* session = nullptr;               // the registry's view (idle flag)

    /// Starts looking up the owning process of a loopback client, off the io thread.
    void start_process_lookup();
    /// The owning process of a loopback client (SPEC §8), waiting for the look-up if it is
    /// still running (bounded); null for other clients.
    asio::awaitable<std::optional<audit::ClientProcess>> client_process();
};

/// The request being handled: its head, parsed by `parser`, and timing.
struct Exchange {
    http::BufferParser<true> parser;
    http::HeadResult head;
    audit::TimePoint ts;  // when the head started arriving
    std::chrono::steady_clock::time_point started;
    unsigned version = 11;   // the client's HTTP version (10 or 11)
    bool keep_alive = true;  // what the client asked for, before hop-by-hop removal
};

// Counts one request from its head to the end of its handling (its record included).
struct ExchangeGuard {
    explicit ExchangeGuard(Metrics& metrics_in)
        : metrics(metrics_in) {
        metrics.exchange_started();
    }
    ~ExchangeGuard() { metrics.exchange_finished(); }
    ExchangeGuard(const ExchangeGuard&) = delete;
    ExchangeGuard& operator=(const ExchangeGuard&) = delete;
    Metrics& metrics;
};

/// Registers a session for the graceful stop and counts it; undone when the session ends.
struct RegistryGuard {
    ServerState& state;
    std::shared_ptr<SessionHandle> handle;
    ~RegistryGuard() {
        handle->stream = nullptr;
        state.sessions.remove(handle.get());
        state.metrics.connection_closed();
    }
};

/// Reads the next request head on `client` into `exchange` with the limits of SPEC §4.
/// False when the connection must end: the peer closed or stayed idle (nothing recorded), or
/// the head was refused (answered with 400/408/431 and recorded).
template <class Client>
asio::awaitable<bool> read_next_request(Connection& conn, Client& client, Exchange& exchange);

/// Writes a response uaudit built itself to `client` (the connection's TCP stream, or TLS
/// inside an intercepted CONNECT); returns the bytes written (0 on failure).
template <class Client>
asio::awaitable<std::uint64_t> write_local(Connection& conn, Client& client,
                                           StringResponse& response);
inline asio::awaitable<std::uint64_t> write_local(Connection& conn, StringResponse& response) {
    return write_local(conn, conn.stream, response);
}

/// Answers with a JSON error and records a `refused` event.
template <class Client>
asio::awaitable<void> refuse(Connection& conn, Client& client, const Exchange* exchange,
                             unsigned status, std::string_view code, std::string_view message,
                             bool keep_alive);
inline asio::awaitable<void> refuse(Connection& conn, const Exchange* exchange, unsigned status,
                                    std::string_view code, std::string_view message,
                                    bool keep_alive) {
    return refuse(conn, conn.stream, exchange, status, code, message, keep_alive);
}

/// Handles one request whose target is known (scope, policy, forward, record): plain
/// absolute-form ones (`via` forward, TcpStream both sides) and those inside an intercepted
/// CONNECT (`via` intercept, TLS both sides). Returns whether `client` may carry another
/// request.
template <class Client, class Upstream>
asio::awaitable<bool> forward_exchange(Connection& conn, Client& client, Exchange& exchange,
                                       const http::Target& target, audit::Via via);

/// The TLS side of an intercepted CONNECT (after `200 Connection established`): handshake
/// with a leaf for the host, then the requests inside, each through forward_exchange.
asio::awaitable<void> intercept_exchange(Connection& conn, Exchange& exchange,
                                         const http::Target& target);

/// Handles CONNECT (after the port check): 200, then TLS interception when the host is
/// intercepted, else a blind tunnel. The connection ends with it.
asio::awaitable<void> connect_exchange(Connection& conn, Exchange& exchange,
                                       const http::Target& target);

}  // namespace uaudit::server
