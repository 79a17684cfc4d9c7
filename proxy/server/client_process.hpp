#pragma once
// "Where does this call come from" (SPEC §8 client_process): the process owning the client
// end of a loopback connection, found through /proc. Linux only; nullopt anywhere else or
// when /proc does not tell (another user's process, a container boundary, a closed socket).

#include "audit/event_record.hpp"

#include <array>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace uaudit::server {

/// Both ends of a TCP connection as the client sees it: its own address and port, then ours.
/// Addresses are in network byte order (4 bytes used for IPv4).
struct SocketEnds {
    bool ipv6 = false;
    std::array<unsigned char, 16> client_address{};
    std::uint16_t client_port = 0;
    std::array<unsigned char, 16> server_address{};
    std::uint16_t server_port = 0;
};

/// The inode of the client's socket, asked of the kernel with one NETLINK_SOCK_DIAG exact
/// look-up (what `ss` uses): constant time, where reading /proc/net/tcp grows with every
/// socket on the machine (tens of thousands in TIME_WAIT under a load without keep-alive).
/// nullopt when the kernel does not say (no such socket, netlink refused).
std::optional<std::uint64_t> query_socket_inode(const SocketEnds& ends);

/// The client socket is the one whose local port is `client_port` and whose remote port is
/// `server_port` (our listener). `proc` is the /proc root (tests pass a fake tree).
/// Cost: one read of /proc/net/tcp{,6}, then the fd tables of `likely_pids` first and of
/// every process when none of them holds the socket (milliseconds on a busy machine).
/// `found_pid` receives the owner's pid when found, whatever `likely_pids` held.
std::optional<audit::ClientProcess> find_client_process(
    std::uint16_t client_port, std::uint16_t server_port,
    const std::filesystem::path& proc = "/proc", const std::vector<std::int64_t>& likely_pids = {});

/// The same with the socket found through query_socket_inode (the /proc/net tables only when
/// netlink does not answer).
std::optional<audit::ClientProcess> find_client_process(
    const SocketEnds& ends, const std::vector<std::int64_t>& likely_pids = {});

/// Runs find_client_process on a worker thread of its own, so that the /proc scan never holds
/// an io thread; the processes it found recently are searched first (a product usually opens
/// many connections). Thread-safe.
class ClientProcessFinder {
public:
    using Callback = std::function<void(std::optional<audit::ClientProcess>)>;

    explicit ClientProcessFinder(std::filesystem::path proc = "/proc");
    ~ClientProcessFinder();
    ClientProcessFinder(const ClientProcessFinder&) = delete;
    ClientProcessFinder& operator=(const ClientProcessFinder&) = delete;

    /// Queues a look-up; `done` runs on the worker thread, once. When the queue is full (a
    /// burst of new connections) or the finder is stopping, `done(nullopt)` runs at once.
    void find(const SocketEnds& ends, Callback done);

    /// Stops the worker; queued look-ups are dropped without their callbacks running (call it
    /// while the executors those callbacks post to still exist). Idempotent.
    void stop();

private:
    struct Job {
        SocketEnds ends;
        Callback done;
    };
    void run();

    std::filesystem::path proc_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<Job> jobs_;
    bool stopping_ = false;
    std::vector<std::int64_t> recent_pids_;  // worker thread only
    std::thread worker_;
};

/// The socket inode in a /proc/net/tcp or tcp6 table whose local port is `local_port` and
/// remote port `remote_port`; nullopt when absent.
std::optional<std::uint64_t> find_socket_inode(std::string_view table, std::uint16_t local_port,
                                               std::uint16_t remote_port);

/// `cmd` from a /proc/<pid>/cmdline blob (NUL-separated): the executable's base name and at
/// most its first argument (later arguments can hold secrets).
std::string short_command(std::string_view cmdline);

}  // namespace uaudit::server
