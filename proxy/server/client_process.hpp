#pragma once
// "Where does this call come from" (SPEC §8 client_process): the process owning the client
// end of a loopback connection, found through /proc. Linux only; nullopt anywhere else or
// when /proc does not tell (another user's process, a container boundary, a closed socket).

#include "audit/event_record.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace uaudit::server {

/// The client socket is the one whose local port is `client_port` and whose remote port is
/// `server_port` (our listener). `proc` is the /proc root (tests pass a fake tree).
/// Cost: one read of /proc/net/tcp{,6} and a scan of /proc/*/fd, done once per connection.
std::optional<audit::ClientProcess> find_client_process(
    std::uint16_t client_port, std::uint16_t server_port,
    const std::filesystem::path& proc = "/proc");

/// The socket inode in a /proc/net/tcp or tcp6 table whose local port is `local_port` and
/// remote port `remote_port`; nullopt when absent.
std::optional<std::uint64_t> find_socket_inode(std::string_view table, std::uint16_t local_port,
                                               std::uint16_t remote_port);

/// `cmd` from a /proc/<pid>/cmdline blob (NUL-separated): the executable's base name and at
/// most its first argument (later arguments can hold secrets).
std::string short_command(std::string_view cmdline);

}  // namespace uaudit::server
