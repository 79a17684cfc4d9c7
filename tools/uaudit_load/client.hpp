#pragma once
// The load itself: one coroutine per connection, each with its own counters.

#include "core/asio.hpp"
#include "stats.hpp"

#include <boost/asio/ssl/context.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace uaudit::load {

using Clock = std::chrono::steady_clock;

/// What every connection does, fixed before the run starts.
struct Plan {
    tcp::endpoint endpoint;  ///< where TCP connects: the proxy, the override or the host
    bool tls = false;        ///< TLS to the host (inside the CONNECT tunnel when proxied)
    bool via_proxy = false;  ///< endpoint is a forward proxy
    std::string host;        ///< the URL's host: SNI and certificate name
    std::string authority;   ///< host:port, the CONNECT target
    std::string host_field;  ///< Host header value (port left out when it is the default)
    std::string target;      ///< request target: origin-form, or absolute-form for a plain proxy
    std::vector<std::pair<std::string, std::string>> headers;  ///< sent on every request
    bool keepalive = true;
    bool verify = true;  ///< verify the certificate chain and `host`
    Clock::duration timeout{std::chrono::seconds(5)};
};

/// Shared by every connection: when the run ends, and how many requests it may start.
class RunControl {
public:
    RunControl(Clock::time_point deadline, std::uint64_t request_cap)
        : deadline_(deadline)
        , cap_(request_cap) {}

    /// The deadline of the run; any wait it cuts short is not an error.
    Clock::time_point deadline() const { return deadline_; }

    /// Takes one request from the cap; false once the cap is used up or the time is over.
    bool claim() {
        if (Clock::now() >= deadline_) {
            return false;
        }
        return cap_ == 0 || claimed_.fetch_add(1, std::memory_order_relaxed) < cap_;
    }

private:
    Clock::time_point deadline_;
    std::uint64_t cap_;
    std::atomic<std::uint64_t> claimed_{0};
};

/// Sends requests on one connection after another until `control` says stop; counts
/// everything in `stats`. Never throws on network or peer failures. `tls_context` is used
/// when `plan.tls`.
asio::awaitable<void> run_connection(const Plan& plan, asio::ssl::context& tls_context,
                                     RunControl& control, Stats& stats);

}  // namespace uaudit::load
