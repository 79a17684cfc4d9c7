#include "stats.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/string_view.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace uaudit::load {

std::string_view to_string(ErrorKind kind) {
    switch (kind) {
        case ErrorKind::connect:
            return "connect";
        case ErrorKind::proxy:
            return "proxy";
        case ErrorKind::handshake:
            return "handshake";
        case ErrorKind::write:
            return "write";
        case ErrorKind::read:
            return "read";
        case ErrorKind::closed:
            return "closed";
        case ErrorKind::timeout:
            return "timeout";
        case ErrorKind::status:
            return "status";
    }
    return "read";
}

std::uint64_t Stats::error_total() const {
    std::uint64_t total = 0;
    for (const auto count : errors) {
        total += count;
    }
    return total;
}

void Stats::merge(const Stats& other) {
    latencies_us.insert(latencies_us.end(), other.latencies_us.begin(), other.latencies_us.end());
    responses += other.responses;
    ok += other.ok;
    body_bytes += other.body_bytes;
    connections += other.connections;
    for (std::size_t i = 0; i < errors.size(); ++i) {
        errors[i] += other.errors[i];
    }
}

namespace {

// Nearest-rank percentile of sorted values: the smallest value with at least p % of the
// values at or below it.
std::uint32_t percentile(const std::vector<std::uint32_t>& sorted, double p) {
    if (sorted.empty()) {
        return 0;
    }
    const auto n = static_cast<double>(sorted.size());
    auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * n));
    rank = std::clamp<std::size_t>(rank, 1, sorted.size());
    return sorted[rank - 1];
}

std::string fixed(double value, int decimals) {
    char text[64];
    std::snprintf(text, sizeof text, "%.*f", decimals, value);
    return text;
}

std::string ms(std::uint32_t us) {
    return fixed(static_cast<double>(us) / 1000.0, 2);
}

}  // namespace

Summary summarize(Stats& stats, double seconds) {
    std::sort(stats.latencies_us.begin(), stats.latencies_us.end());
    Summary summary;
    summary.seconds = seconds;
    summary.rps = seconds > 0 ? static_cast<double>(stats.ok) / seconds : 0;
    summary.p50_us = percentile(stats.latencies_us, 50);
    summary.p90_us = percentile(stats.latencies_us, 90);
    summary.p99_us = percentile(stats.latencies_us, 99);
    summary.max_us = stats.latencies_us.empty() ? 0 : stats.latencies_us.back();
    return summary;
}

std::string format_human(const RunDescription& run, const Stats& stats, const Summary& summary) {
    std::string errors;
    for (std::size_t i = 0; i < error_kind_count; ++i) {
        if (stats.errors[i] > 0) {
            errors += (errors.empty() ? " (" : ", ") +
                      std::string(to_string(static_cast<ErrorKind>(i))) + ' ' +
                      std::to_string(stats.errors[i]);
        }
    }
    if (!errors.empty()) {
        errors += ')';
    }
    return run.url + (run.proxy.empty() ? "" : " via " + run.proxy) + ", " +
           std::to_string(run.connections) + " connections, keep-alive " +
           (run.keepalive ? "on" : "off") + ": " + std::to_string(stats.responses) +
           " responses (" + std::to_string(stats.ok) + " 2xx) in " + fixed(summary.seconds, 2) +
           " s = " + fixed(summary.rps, 1) + " req/s; errors " +
           std::to_string(stats.error_total()) + errors + "; latency p50 " + ms(summary.p50_us) +
           " ms, p90 " + ms(summary.p90_us) + " ms, p99 " + ms(summary.p99_us) + " ms, max " +
           ms(summary.max_us) + " ms; " + std::to_string(stats.connections) +
           " connections made, " + std::to_string(stats.body_bytes) + " body bytes\n";
}

std::string format_json(const RunDescription& run, const Stats& stats, const Summary& summary) {
    // Written by hand rather than through boost::json::value: Boost.JSON prints doubles in
    // exponent form (3.225E2), which shell scripts reading the line would have to convert.
    const auto quoted = [](const std::string& text) {
        return boost::json::serialize(boost::json::string_view(text));
    };
    std::string errors = "{\"total\":" + std::to_string(stats.error_total());
    for (std::size_t i = 0; i < error_kind_count; ++i) {
        errors += ",\"" + std::string(to_string(static_cast<ErrorKind>(i))) +
                  "\":" + std::to_string(stats.errors[i]);
    }
    errors += '}';
    return "{\"url\":" + quoted(run.url) + ",\"proxy\":" + quoted(run.proxy) +
           ",\"connections\":" + std::to_string(run.connections) +
           ",\"keepalive\":" + (run.keepalive ? "true" : "false") +
           ",\"seconds\":" + fixed(summary.seconds, 3) +
           ",\"requests\":" + std::to_string(stats.responses) +
           ",\"ok\":" + std::to_string(stats.ok) + ",\"rps\":" + fixed(summary.rps, 1) +
           ",\"errors\":" + errors + ",\"latency_us\":{\"p50\":" + std::to_string(summary.p50_us) +
           ",\"p90\":" + std::to_string(summary.p90_us) +
           ",\"p99\":" + std::to_string(summary.p99_us) +
           ",\"max\":" + std::to_string(summary.max_us) +
           "},\"connections_made\":" + std::to_string(stats.connections) +
           ",\"body_bytes\":" + std::to_string(stats.body_bytes) + "}\n";
}

}  // namespace uaudit::load
