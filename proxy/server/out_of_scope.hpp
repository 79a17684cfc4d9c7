#pragma once
// Counts of out-of-scope traffic per host and port between two `out_of_scope_summary` records
// (SPEC §8, the default `events.out_of_scope: summary`). Thread-safe.

#include "audit/event_record.hpp"

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace uaudit::server {

class OutOfScopeCounter {
public:
    void add_request(const std::string& host, std::uint16_t port, std::uint64_t bytes_in,
                     std::uint64_t bytes_out);
    void add_tunnel(const std::string& host, std::uint16_t port, std::uint64_t bytes_in,
                    std::uint64_t bytes_out);
    /// The summaries since the last call (one per host and port), and a reset.
    std::vector<audit::OutOfScopeSummaryRecord> take(audit::TimePoint now,
                                                     const std::string& instance);

private:
    struct Counts {
        std::uint64_t requests = 0, tunnels = 0, bytes_in = 0, bytes_out = 0;
    };
    std::mutex mutex_;
    std::map<std::pair<std::string, std::uint16_t>, Counts> counts_;
};

}  // namespace uaudit::server
