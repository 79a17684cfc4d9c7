#pragma once
// The blind CONNECT tunnel (SPEC §7): bytes both ways until both sides have closed or nothing
// moved for `idle` (one timestamp for both directions, so a long download does not time out
// the quiet upload side).

#include "core/asio.hpp"

#include <chrono>
#include <cstdint>

namespace uaudit::server {

struct TunnelResult {
    std::uint64_t client_to_upstream = 0;  // bytes_in
    std::uint64_t upstream_to_client = 0;  // bytes_out
    bool idle_timeout = false;
};

/// Relays between `client` and `upstream`; `client_buffer` may hold bytes the client sent
/// right after the CONNECT head (they go upstream first). Runs on the caller's strand.
asio::awaitable<TunnelResult> run_tunnel(TcpStream& client, beast::flat_buffer& client_buffer,
                                         TcpStream& upstream, std::chrono::milliseconds idle);

}  // namespace uaudit::server
