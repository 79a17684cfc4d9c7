#pragma once
// What every connection of one running proxy shares: the immutable configuration and policy,
// the event log and the live report it feeds, the upstream connector and pool, metrics and the
// session registry used for a graceful stop. Internal to the server module.

#include "audit/event_log.hpp"
#include "audit/policy.hpp"
#include "config/config.hpp"
#include "core/asio.hpp"
#include "http/connector.hpp"
#include "http/pool.hpp"
#include "server/client_process.hpp"
#include "server/live_report.hpp"
#include "server/metrics.hpp"
#include "server/out_of_scope.hpp"
#include "server/tls_state.hpp"

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace uaudit::server {

/// One connection as the registry sees it. Touched only on the connection's strand.
struct SessionHandle {
    TcpStream* stream = nullptr;  // null once the session ended
    bool idle = false;            // waiting for the next request head
};

/// Open sessions, so that a stop can close the idle ones at once and the rest after the drain.
class SessionRegistry {
public:
    void add(const std::shared_ptr<SessionHandle>& handle, asio::any_io_executor executor);
    void remove(const SessionHandle* handle);
    /// Closes idle sessions (`all` = false) or every session, each on its own strand.
    void close(bool all);

private:
    std::mutex mutex_;
    std::map<const SessionHandle*, std::pair<std::shared_ptr<SessionHandle>, asio::any_io_executor>>
        sessions_;
};

struct ServerState {
    ServerState(config::Config config_in, audit::EventLog& events_in, std::string instance_in);

    const config::Config config;
    const audit::Policy policy;
    audit::EventLog& events;
    LiveReport report;  // every emitted record, for /report and the exit reports
    const std::string instance;
    http::UpstreamConnector connector;
    http::ConnectionPool pool;
    http::TlsConnectionPool tls_pool;
    std::unique_ptr<TlsState> tls;  // null under `intercept: none`
    Metrics metrics;
    OutOfScopeCounter out_of_scope;
    SessionRegistry sessions;
    ClientProcessFinder process_finder;            // stopped before the io_context goes away
    std::optional<std::string> proxy_credentials;  // base64 "user:password" when proxy_auth is set
    std::uint16_t listen_port = 0;                 // the forward listener's bound port
    std::atomic<bool> stopping{false};

    bool client_allowed(const asio::ip::address& address) const;
    /// Writes `record` to the event log and folds it into the live report. Every record the
    /// proxy produces goes through here, so the two never disagree.
    void record(const audit::EventRecord& record);
};

/// Serves one forward-proxy connection until it closes (SPEC §7).
asio::awaitable<void> serve_forward(tcp::socket socket, ServerState& state);

/// Serves one admin connection: /healthz, /metrics, /report (SPEC §10).
asio::awaitable<void> serve_admin(tcp::socket socket, ServerState& state);

/// "ip:port", IPv6 bracketed; v4-mapped IPv6 shown as IPv4.
std::string endpoint_text(const tcp::endpoint& endpoint);

/// Standard base64 (with padding), for the expected Proxy-Authorization credentials.
std::string base64_encode(std::string_view data);

}  // namespace uaudit::server
