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

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace uaudit::server {

struct Connection {
    ServerState& state;
    TcpStream stream;
    beast::flat_buffer buffer;
    std::string client;  // ip:port
    tcp::endpoint peer;
    std::uint16_t local_port = 0;
    bool process_looked_up = false;
    std::optional<audit::ClientProcess> process;

    /// The owning process of a loopback client (looked up once per connection).
    const std::optional<audit::ClientProcess>& client_process();
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
