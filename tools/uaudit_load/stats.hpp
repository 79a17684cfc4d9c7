#pragma once
// What a load run counts, per connection while it runs and merged at the end.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace uaudit::load {

/// Where a request failed. A failed request is counted once, under the first failure.
enum class ErrorKind : std::uint8_t {
    connect,    ///< TCP connect (refused, unreachable, reset)
    proxy,      ///< the CONNECT exchange: not 2xx, malformed, or the proxy closed or reset
    handshake,  ///< TLS handshake or certificate verification
    write,      ///< sending the request
    read,       ///< reading the response (malformed, or cut off midway)
    closed,     ///< a reused connection was closed before any byte of the response
    timeout,    ///< any single wait took longer than --timeout
    status,     ///< a complete response whose status is not 2xx
};

inline constexpr std::size_t error_kind_count = 8;

/// Lower-case name of `kind`, as in the output.
std::string_view to_string(ErrorKind kind);

/// Counters of one connection's worker (no sharing while the run goes on).
struct Stats {
    std::vector<std::uint32_t> latencies_us;  ///< of the 2xx responses, microseconds
    std::uint64_t responses = 0;              ///< complete responses, any status
    std::uint64_t ok = 0;                     ///< 2xx responses
    std::uint64_t body_bytes = 0;             ///< response body bytes received
    std::uint64_t connections = 0;            ///< connections made ready (TCP, CONNECT, TLS)
    std::array<std::uint64_t, error_kind_count> errors{};

    void add_error(ErrorKind kind) { ++errors[static_cast<std::size_t>(kind)]; }
    std::uint64_t error_total() const;
    /// Adds `other`'s counters and latencies to these.
    void merge(const Stats& other);
};

/// The run's figures, computed once after it ends.
struct Summary {
    double seconds = 0;        ///< measured wall time
    double rps = 0;            ///< 2xx responses per second
    std::uint32_t p50_us = 0;  ///< latency percentiles of the 2xx responses (nearest rank)
    std::uint32_t p90_us = 0;
    std::uint32_t p99_us = 0;
    std::uint32_t max_us = 0;
};

/// Sorts `stats.latencies_us` and computes the summary over `seconds` of wall time.
Summary summarize(Stats& stats, double seconds);

/// How the run was set up, echoed in the output.
struct RunDescription {
    std::string url;
    std::string proxy;  ///< "" = direct
    unsigned connections = 0;
    bool keepalive = true;
};

/// One human-readable line (plus its newline).
std::string format_human(const RunDescription& run, const Stats& stats, const Summary& summary);

/// One line of JSON (plus its newline) with the same figures, for scripts.
std::string format_json(const RunDescription& run, const Stats& stats, const Summary& summary);

}  // namespace uaudit::load
