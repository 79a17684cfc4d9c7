#include "config/detail/schema.hpp"
#include "config/detail/values.hpp"

#include <algorithm>
#include <string>

namespace uaudit::config::detail {
namespace {

// SPEC §12.8: "excludes some addresses" = no entry wider than /8 (IPv4) or /16 (IPv6).
bool allow_list_restricts(const AccessConfig& access) {
    return std::none_of(access.allow_clients.begin(), access.allow_clients.end(),
                        [](const Cidr& cidr) { return cidr.prefix < (cidr.v6 ? 16u : 8u); });
}

std::string error_codes(const compliance::Verdict& verdict) {
    std::string codes;
    for (const auto& finding : verdict.findings) {
        if (finding.severity == compliance::Severity::error) {
            codes += codes.empty() ? "" : ", ";
            codes += finding.code;
        }
    }
    return codes;
}

void check_rewrite(Reader& r, const Config& config) {
    const std::string path = "rewrite.user_agent";
    if (r.failed(path)) {
        return;
    }
    if (config.rewrite.user_agent.empty()) {
        if (config.mode == Mode::rewrite && !r.failed("mode")) {
            r.error(r.given(path) ? r.where(path) : r.where("mode"), path,
                    "required when mode is rewrite: the header to send, e.g. "
                    "MdePartner-Contoso-ContosoCognito/1.0.0");
        }
        return;
    }
    if (r.failed("identity") || r.failed("rules")) {
        return;
    }
    const compliance::Options options{config.identity, config.rules};
    const auto verdict = compliance::evaluate_one(config.rewrite.user_agent, options);
    if (!verdict.compliant) {
        r.error(r.where(path), path,
                "'" + config.rewrite.user_agent + "' is itself noncompliant (" +
                    error_codes(verdict) + ") under the configured identity and rules");
    }
}

// An exact identity.version that cannot fit version_format would fail every request.
void check_identity_version(Reader& r, const Config& config) {
    const std::string path = "identity.version";
    const auto& version = config.identity.version;
    if (!version || version->find('*') != std::string::npos || r.failed(path) ||
        r.failed("rules.version_format")) {
        return;
    }
    const std::string probe = "MdePartner-" + config.identity.company.value_or("Company") + "-" +
                              config.identity.product.value_or("Product") + "/" + *version;
    const auto verdict = compliance::evaluate_one(probe, compliance::Options{{}, config.rules});
    const bool bad_version =
        std::any_of(verdict.findings.begin(), verdict.findings.end(),
                    [](const compliance::Finding& finding) { return finding.code == "UA009"; });
    if (bad_version) {
        r.error(r.where(path), path,
                "'" + *version + "' does not fit version_format " +
                    std::string(compliance::to_string(config.rules.version_format)) +
                    ", so no request could comply");
    }
}

void check_listener(Reader& r, const Config& config, const HostPort& address,
                    const std::string& path, bool forward_proxy) {
    if (r.failed(path) || is_loopback_host(address.host) || r.failed("access")) {
        return;
    }
    if (allow_list_restricts(config.access) || (forward_proxy && config.access.proxy_auth)) {
        return;
    }
    std::string message = "'" + address.to_string() +
                          "' is not a loopback address: restrict access.allow_clients (no entry "
                          "wider than /8 for IPv4 or /16 for IPv6)";
    message += forward_proxy ? " or set access.proxy_auth, so uaudit is never an open proxy"
                             : "; proxy_auth protects only the forward proxy listener";
    r.error(r.where(path), path, std::move(message));
}

void check_listeners(Reader& r, const Config& config) {
    std::vector<std::pair<HostPort, std::string>> listeners{{config.listen, "listen"}};
    check_listener(r, config, config.listen, "listen", true);
    if (config.admin) {
        check_listener(r, config, *config.admin, "admin", false);
        listeners.emplace_back(*config.admin, "admin");
    }
    for (std::size_t i = 0; i < config.routes.size(); ++i) {
        const std::string path = index_path("routes", i) + ".listen";
        if (!r.given(path)) {
            continue;
        }
        check_listener(r, config, config.routes[i].listen, path, false);
        listeners.emplace_back(config.routes[i].listen, path);
    }
    for (std::size_t i = 1; i < listeners.size(); ++i) {
        for (std::size_t j = 0; j < i; ++j) {
            if (listeners[i].first != listeners[j].first || r.failed(listeners[i].second) ||
                r.failed(listeners[j].second)) {
                continue;
            }
            // Point at the address that was written (`listen` may be the default).
            const bool later_given = r.given(listeners[i].second);
            const std::string& path = later_given ? listeners[i].second : listeners[j].second;
            const std::string& other = later_given ? listeners[j].second : listeners[i].second;
            r.error(r.where(path), path,
                    "'" + listeners[i].first.to_string() + "' is also used by " + other);
            break;
        }
    }
}

}  // namespace

void validate_config(Reader& r, const Config& config) {
    check_rewrite(r, config);
    check_identity_version(r, config);
    check_listeners(r, config);
}

}  // namespace uaudit::config::detail
