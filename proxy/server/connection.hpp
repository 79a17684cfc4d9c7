#pragma once
// The state of one forward-proxy connection, shared by the session loop (session.cpp) and
// the exchange code (exchange.cpp, connect.cpp). Owned by the session coroutine's frame.

#include "audit/event_record.hpp"
#include "core/asio.hpp"
#include "http/read_head.hpp"
#include "http/relay.hpp"
#include "http/target.hpp"
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

/// A client_process look-up running on the finder's worker; `wake` is on the connection's
/// strand and is cancelled (posted there) once `done` is set.
struct ProcessLookup {
    explicit ProcessLookup(const asio::any_io_executor& executor)
        : wake(executor) {}
    std::atomic<bool> done{false};
    std::optional<audit::ClientProcess> value;  // written before `done`, read after it
    asio::steady_timer wake;
};

struct Connection {
    Connection(ServerState& state_in, TcpStream stream_in, std::string client_in,
               tcp::endpoint peer_in, std::uint16_t local_port_in)
        : state(state_in)
        , stream(std::move(stream_in))
        , client(std::move(client_in))
        , peer(peer_in)
        , local_port(local_port_in) {}

    ServerState& state;
    TcpStream stream;
    beast::flat_buffer buffer;
    std::string client;  // ip:port
    tcp::endpoint peer;
    std::uint16_t local_port = 0;
    // Reused by every exchange of the connection (one at a time): the body relay's scratch
    // space and the upstream read buffer, sized so that a small response is read at once.
    ScratchBuffer scratch;
    beast::flat_buffer upstream_buffer;
    std::shared_ptr<ProcessLookup> process_lookup;  // null: not a loopback client

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

/// Writes a response uaudit built itself; returns the bytes written (0 on failure).
asio::awaitable<std::uint64_t> write_local(Connection& conn, StringResponse& response);

/// Answers with a JSON error and records a `refused` event.
asio::awaitable<void> refuse(Connection& conn, const Exchange* exchange, unsigned status,
                             std::string_view code, std::string_view message, bool keep_alive);

/// Handles a plain absolute-form request (scope, policy, forward, record). Returns whether
/// the connection may carry another request.
asio::awaitable<bool> forward_exchange(Connection& conn, Exchange& exchange,
                                       const http::Target& target);

/// Handles CONNECT (after the port check): 200, then a blind tunnel. The connection ends with it.
asio::awaitable<void> connect_exchange(Connection& conn, Exchange& exchange,
                                       const http::Target& target);

}  // namespace uaudit::server
