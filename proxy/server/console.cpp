#include "server/console.hpp"

#include "config/config.hpp"
#include "core/version.hpp"
#include "server/state.hpp"

#include <string>

namespace uaudit::server {

namespace {

std::string https_line(const ServerState& state) {
    if (!state.tls || state.config.intercept == config::Intercept::none) {
        return "  HTTPS (CONNECT): tunnelled without inspection (intercept: none).\n";
    }
    const std::string cert = state.tls->ca->paths().cert.string();
    std::string text = "  HTTPS (CONNECT): intercepted for ";
    text += state.config.intercept == config::Intercept::all ? "every host" : "in-scope hosts";
    text += ", other hosts tunnelled blind.\n";
    text += "  CA:      " + cert + (state.tls->ca_created ? " (created now)" : "") + "\n";
    text += "           SHA-256 " + state.tls->ca->fingerprint_sha256() + "\n";
    text += "    clients must trust it: curl --cacert " + cert + ", REQUESTS_CA_BUNDLE=" + cert +
            ", NODE_EXTRA_CA_CERTS=" + cert + "; all clients: uaudit ca show\n";
    if (!state.config.tls.upstream_verify) {
        text += "  WARNING: tls.upstream_verify is false: upstream certificates are NOT checked.\n";
    }
    return text;
}

std::string routes_lines(const config::Config& config) {
    std::string text;
    for (const auto& route : config.routes) {
        text += "  gateway: " + std::string(route.tls ? "https://" : "http://") +
                route.listen.to_string() + " -> " + route.upstream + " (via: gateway)\n";
    }
    return text;
}

}  // namespace

void print_banner(std::ostream& out, const ServerState& state, const std::filesystem::path& events,
                  std::optional<std::uint16_t> admin_port) {
    const auto& config = state.config;
    const std::string proxy =
        "http://" + config::HostPort{config.listen.host, state.listen_port}.to_string();
    out << "uaudit " << core::version() << ": forward proxy listening on " << proxy << "\n"
        << "  mode:    " << config::to_string(config.mode);
    if (config.mode == config::Mode::rewrite) {
        out << " (noncompliant requests get User-Agent: " << config.rewrite.user_agent << ", "
            << config::to_string(config.rewrite.strategy) << ")";
    } else if (config.mode == config::Mode::enforce) {
        out << " (noncompliant requests are answered " << config.enforce.status
            << " and not forwarded)";
    } else {
        out << " (requests pass unchanged; verdicts are recorded)";
    }
    out << "\n  scope:   " << state.policy.scope().summary() << "\n"
        << "  expects: User-Agent: " << state.policy.expected_user_agent() << "\n"
        << "  events:  " << events.string() << "\n";
    if (admin_port && config.admin) {
        const std::string admin =
            "http://" + config::HostPort{config.admin->host, *admin_port}.to_string();
        out << "  admin:   " << admin << "/healthz  " << admin << "/metrics  " << admin
            << "/report  " << admin << "/report.html\n";
    }
    out << "  point a client at it:\n"
        << "    curl -x " << proxy << " http://api.securitycenter.microsoft.com/api/machines\n"
        << "    export HTTP_PROXY=" << proxy << " HTTPS_PROXY=" << proxy << "\n"
        << "    python: requests.get(url, proxies={'http': '" << proxy << "', 'https': '" << proxy
        << "'})\n"
        << https_line(state) << routes_lines(config)
        << "  Stop with Ctrl-C (SIGINT) or SIGTERM; SIGHUP reopens the event log.\n"
        << std::flush;
}

void print_summary_line(std::ostream& out, const MetricsSnapshot& now,
                        const MetricsSnapshot& before) {
    out << "uaudit: +" << (now.requests_in - before.requests_in) << " in scope ("
        << (now.compliant - before.compliant) << " compliant, "
        << (now.noncompliant - before.noncompliant) << " noncompliant, "
        << (now.rewritten - before.rewritten) << " rewritten, " << (now.blocked - before.blocked)
        << " blocked), +" << (now.requests_out - before.requests_out) << " out of scope, +"
        << (now.tunnels - before.tunnels) << " tunnels, +" << (now.refused - before.refused)
        << " refused, +" << (now.upstream_errors - before.upstream_errors) << " upstream errors; "
        << now.connections_active << " connections open\n"
        << std::flush;
}

void print_stop(std::ostream& out, const MetricsSnapshot& totals,
                const std::filesystem::path& events,
                const std::vector<std::filesystem::path>& reports) {
    out << "uaudit: stopped. " << totals.requests_in << " in-scope requests ("
        << totals.noncompliant << " noncompliant), " << totals.requests_out << " out of scope, "
        << totals.tunnels << " tunnels. Events: " << events.string() << "\n";
    if (!reports.empty()) {
        out << "uaudit: reports:";
        for (const auto& report : reports) {
            out << " " << report.string();
        }
        out << "\n";
    }
    out << std::flush;
}

}  // namespace uaudit::server
