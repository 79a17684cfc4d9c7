#pragma once
// Counters of the running proxy, exposed on the admin listener as Prometheus text (SPEC §10)
// and summarized on the console. Thread-safe: atomics, and a mutex for labelled maps.

#include "audit/event_record.hpp"

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace uaudit::server {

/// A consistent-enough view of the main counters, for the console summary and run_stop.
struct MetricsSnapshot {
    std::uint64_t requests_in = 0;
    std::uint64_t compliant = 0;
    std::uint64_t noncompliant = 0;
    std::uint64_t rewritten = 0;
    std::uint64_t blocked = 0;
    std::uint64_t requests_out = 0;
    std::uint64_t refused = 0;
    std::uint64_t tunnels = 0;
    std::uint64_t tls_rejected = 0;
    std::uint64_t upstream_errors = 0;
    std::int64_t connections_active = 0;
};

class Metrics {
public:
    /// One answered request. `compliant` is nullopt out of scope.
    void count_request(bool in_scope, std::optional<bool> compliant, audit::Action action,
                       double seconds);
    void count_finding(std::string_view code);
    void count_refused() { refused_.fetch_add(1); }
    void count_tunnel() { tunnels_.fetch_add(1); }
    void count_tls_rejected() { tls_rejected_.fetch_add(1); }
    void count_upstream_error(std::string_view reason);
    void connection_opened() { connections_.fetch_add(1); }
    void connection_closed() { connections_.fetch_sub(1); }
    /// A request is being handled: from its head to its record (tests wait for zero).
    void exchange_started() { exchanges_.fetch_add(1); }
    void exchange_finished() { exchanges_.fetch_sub(1); }
    std::int64_t exchanges_active() const { return exchanges_.load(); }

    std::int64_t connections_active() const { return connections_.load(); }
    MetricsSnapshot snapshot() const;

    /// Prometheus text exposition format 0.0.4. `event_log_errors` comes from the EventLog,
    /// the certificate cache counts from the CertCache (0 without interception).
    std::string render(std::uint64_t event_log_errors, std::uint64_t cert_cache_hits = 0,
                       std::uint64_t cert_cache_misses = 0) const;

private:
    static constexpr std::array<double, 12> bucket_bounds{0.001, 0.005, 0.01, 0.025, 0.05, 0.1,
                                                          0.25,  0.5,   1,    2.5,   5,    10};

    // [scope in/out][verdict compliant/noncompliant/none][action pass/rewrite/block]
    std::array<std::atomic<std::uint64_t>, 2 * 3 * 3> requests_{};
    std::array<std::atomic<std::uint64_t>, bucket_bounds.size() + 1> buckets_{};
    std::atomic<std::uint64_t> duration_sum_us_{0};
    std::atomic<std::uint64_t> duration_count_{0};
    std::atomic<std::uint64_t> refused_{0};
    std::atomic<std::uint64_t> tunnels_{0};
    std::atomic<std::uint64_t> tls_rejected_{0};
    std::atomic<std::int64_t> connections_{0};
    std::atomic<std::int64_t> exchanges_{0};
    mutable std::mutex mutex_;
    std::map<std::string, std::uint64_t> findings_;
    std::map<std::string, std::uint64_t> upstream_errors_;
};

}  // namespace uaudit::server
