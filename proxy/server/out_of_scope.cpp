#include "server/out_of_scope.hpp"

namespace uaudit::server {

void OutOfScopeCounter::add_request(const std::string& host, std::uint16_t port,
                                    std::uint64_t bytes_in, std::uint64_t bytes_out) {
    std::lock_guard lock(mutex_);
    auto& c = counts_[{host, port}];
    ++c.requests;
    c.bytes_in += bytes_in;
    c.bytes_out += bytes_out;
}

void OutOfScopeCounter::add_tunnel(const std::string& host, std::uint16_t port,
                                   std::uint64_t bytes_in, std::uint64_t bytes_out) {
    std::lock_guard lock(mutex_);
    auto& c = counts_[{host, port}];
    ++c.tunnels;
    c.bytes_in += bytes_in;
    c.bytes_out += bytes_out;
}

std::vector<audit::OutOfScopeSummaryRecord> OutOfScopeCounter::take(audit::TimePoint now,
                                                                    const std::string& instance) {
    std::map<std::pair<std::string, std::uint16_t>, Counts> counts;
    {
        std::lock_guard lock(mutex_);
        counts.swap(counts_);
    }
    std::vector<audit::OutOfScopeSummaryRecord> out;
    for (const auto& [key, c] : counts) {
        audit::OutOfScopeSummaryRecord r;
        r.ts = now;
        r.instance = instance;
        r.host = key.first;
        r.port = key.second;
        r.requests = c.requests;
        r.tunnels = c.tunnels;
        r.bytes_in = c.bytes_in;
        r.bytes_out = c.bytes_out;
        out.push_back(std::move(r));
    }
    return out;
}

}  // namespace uaudit::server
