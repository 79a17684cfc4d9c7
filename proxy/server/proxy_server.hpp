#pragma once
// The running proxy: listeners, worker threads, signals, the event log and a graceful stop.
// `uaudit run` and the integration tests both drive this class; it hides Asio (pimpl) so
// callers need not compile against Beast.

#include "config/config.hpp"

#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <memory>
#include <optional>
#include <stdexcept>

namespace uaudit::server {

/// A start-up failure (cannot listen, cannot read a needed setting): `uaudit run` exits 2.
class StartError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct ServerOptions {
    bool console = true;          // the start banner and the 10 s summaries on `out`
    bool handle_signals = true;   // SIGINT/SIGTERM stop, SIGHUP reopens the event log
    std::ostream* out = nullptr;  // nullptr = std::cout
};

class ProxyServer {
public:
    /// Builds the policy and opens the event log (relative paths against `data_dir`).
    ProxyServer(config::Config config, ServerOptions options = {});
    ~ProxyServer();  // stops and waits if still running
    ProxyServer(const ProxyServer&) = delete;
    ProxyServer& operator=(const ProxyServer&) = delete;

    /// Binds the listeners (port 0 picks a free port), writes `run_start`, starts the threads.
    /// Throws StartError.
    void start();
    /// Asks for a graceful stop (thread-safe, idempotent): stop accepting, close idle
    /// connections, let running exchanges finish within `drain_timeout`, then close the rest.
    void request_stop();
    /// Blocks until stopped; then writes the last out-of-scope summaries and `run_stop` and
    /// flushes the event log. Returns 0.
    int wait();

    std::uint16_t port() const;                       // the forward listener's bound port
    std::optional<std::uint16_t> admin_port() const;  // nullopt when disabled
    std::filesystem::path event_log_path() const;
    /// Waits until every record emitted so far is written.
    void flush_events();

    /// Requests being handled right now (head received, record not yet emitted).
    std::int64_t exchanges_active() const;
    /// Closes and reopens the event log (what SIGHUP does).
    void reopen_events();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace uaudit::server
