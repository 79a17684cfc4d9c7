#include "server/metrics.hpp"

#include <cmath>
#include <cstdio>

namespace uaudit::server {
namespace {

std::size_t request_index(bool in_scope, std::optional<bool> compliant, audit::Action action) {
    const std::size_t scope = in_scope ? 0 : 1;
    const std::size_t verdict = !compliant ? 2 : (*compliant ? 0 : 1);
    const std::size_t act = action == audit::Action::pass      ? 0
                            : action == audit::Action::rewrite ? 1
                                                               : 2;
    return (scope * 3 + verdict) * 3 + act;
}

std::string number(double value) {
    char text[64];
    std::snprintf(text, sizeof text, "%.6g", value);
    return text;
}

}  // namespace

void Metrics::count_request(bool in_scope, std::optional<bool> compliant, audit::Action action,
                            double seconds) {
    requests_[request_index(in_scope, compliant, action)].fetch_add(1);
    std::size_t bucket = 0;
    while (bucket < bucket_bounds.size() && seconds > bucket_bounds[bucket]) {
        ++bucket;
    }
    buckets_[bucket].fetch_add(1);
    duration_sum_us_.fetch_add(static_cast<std::uint64_t>(std::llround(seconds * 1e6)));
    duration_count_.fetch_add(1);
}

void Metrics::count_finding(std::string_view code) {
    std::lock_guard lock(mutex_);
    ++findings_[std::string(code)];
}

void Metrics::count_upstream_error(std::string_view reason) {
    std::lock_guard lock(mutex_);
    ++upstream_errors_[std::string(reason)];
}

MetricsSnapshot Metrics::snapshot() const {
    MetricsSnapshot s;
    for (bool in : {true, false}) {
        for (int v = 0; v < 3; ++v) {
            for (auto a : {audit::Action::pass, audit::Action::rewrite, audit::Action::block}) {
                const std::optional<bool> compliant =
                    v == 2 ? std::nullopt : std::optional<bool>(v == 0);
                const auto n = requests_[request_index(in, compliant, a)].load();
                if (!in) {
                    s.requests_out += n;
                    continue;
                }
                s.requests_in += n;
                (v == 0 ? s.compliant : s.noncompliant) += n;
                if (a == audit::Action::rewrite) {
                    s.rewritten += n;
                } else if (a == audit::Action::block) {
                    s.blocked += n;
                }
            }
        }
    }
    s.refused = refused_.load();
    s.tunnels = tunnels_.load();
    s.tls_rejected = tls_rejected_.load();
    s.connections_active = connections_.load();
    std::lock_guard lock(mutex_);
    for (const auto& [reason, n] : upstream_errors_) {
        s.upstream_errors += n;
    }
    return s;
}

std::string Metrics::render(std::uint64_t event_log_errors, std::uint64_t cert_cache_hits,
                            std::uint64_t cert_cache_misses) const {
    std::string out;
    out += "# HELP uaudit_requests_total Requests answered, by scope, verdict and action.\n";
    out += "# TYPE uaudit_requests_total counter\n";
    const char* verdicts[] = {"compliant", "noncompliant", "none"};
    const char* actions[] = {"pass", "rewrite", "block"};
    for (std::size_t s = 0; s < 2; ++s) {
        for (std::size_t v = 0; v < 3; ++v) {
            for (std::size_t a = 0; a < 3; ++a) {
                const auto n = requests_[(s * 3 + v) * 3 + a].load();
                // Impossible combinations (out-of-scope with a verdict) stay hidden.
                if ((s == 1) != (v == 2) || (s == 1 && a != 0)) {
                    continue;
                }
                out += "uaudit_requests_total{scope=\"";
                out += s == 0 ? "in" : "out";
                out += "\",verdict=\"";
                out += verdicts[v];
                out += "\",action=\"";
                out += actions[a];
                out += "\"} " + std::to_string(n) + "\n";
            }
        }
    }
    {
        std::lock_guard lock(mutex_);
        out += "# HELP uaudit_findings_total Compliance findings, by rule code.\n";
        out += "# TYPE uaudit_findings_total counter\n";
        for (const auto& [code, n] : findings_) {
            out += "uaudit_findings_total{code=\"" + code + "\"} " + std::to_string(n) + "\n";
        }
        out += "# HELP uaudit_upstream_errors_total Failed upstream exchanges, by reason.\n";
        out += "# TYPE uaudit_upstream_errors_total counter\n";
        for (const auto& [reason, n] : upstream_errors_) {
            out += "uaudit_upstream_errors_total{reason=\"" + reason + "\"} " + std::to_string(n) +
                   "\n";
        }
    }
    out += "# HELP uaudit_connections_active Client connections open now.\n";
    out += "# TYPE uaudit_connections_active gauge\n";
    out += "uaudit_connections_active " + std::to_string(connections_.load()) + "\n";
    out += "# HELP uaudit_tunnels_total Blind CONNECT tunnels.\n";
    out += "# TYPE uaudit_tunnels_total counter\n";
    out += "uaudit_tunnels_total " + std::to_string(tunnels_.load()) + "\n";
    out += "# HELP uaudit_refused_total Requests uaudit answered itself with an error.\n";
    out += "# TYPE uaudit_refused_total counter\n";
    out += "uaudit_refused_total " + std::to_string(refused_.load()) + "\n";
    out += "# HELP uaudit_tls_client_rejected_total Clients that refused the uaudit certificate.\n";
    out += "# TYPE uaudit_tls_client_rejected_total counter\n";
    out += "uaudit_tls_client_rejected_total " + std::to_string(tls_rejected_.load()) + "\n";
    out += "# HELP uaudit_cert_cache_hits_total Leaf certificate cache hits.\n";
    out += "# TYPE uaudit_cert_cache_hits_total counter\n";
    out += "uaudit_cert_cache_hits_total " + std::to_string(cert_cache_hits) + "\n";
    out += "# HELP uaudit_cert_cache_misses_total Leaf certificate cache misses.\n";
    out += "# TYPE uaudit_cert_cache_misses_total counter\n";
    out += "uaudit_cert_cache_misses_total " + std::to_string(cert_cache_misses) + "\n";
    out += "# HELP uaudit_request_duration_seconds Time from request head to response end.\n";
    out += "# TYPE uaudit_request_duration_seconds histogram\n";
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < bucket_bounds.size(); ++i) {
        cumulative += buckets_[i].load();
        out += "uaudit_request_duration_seconds_bucket{le=\"" + number(bucket_bounds[i]) + "\"} " +
               std::to_string(cumulative) + "\n";
    }
    cumulative += buckets_[bucket_bounds.size()].load();
    out +=
        "uaudit_request_duration_seconds_bucket{le=\"+Inf\"} " + std::to_string(cumulative) + "\n";
    out += "uaudit_request_duration_seconds_sum " +
           number(static_cast<double>(duration_sum_us_.load()) / 1e6) + "\n";
    out += "uaudit_request_duration_seconds_count " + std::to_string(duration_count_.load()) + "\n";
    out += "# HELP uaudit_event_log_errors_total Event log open, write and fsync failures.\n";
    out += "# TYPE uaudit_event_log_errors_total counter\n";
    out += "uaudit_event_log_errors_total " + std::to_string(event_log_errors) + "\n";
    return out;
}

}  // namespace uaudit::server
