#include "audit/scope.hpp"

#include "audit/detail/text.hpp"

#include <stdexcept>

namespace uaudit::audit {

namespace {

// Host names as the matcher wants them: no trailing dot of a fully qualified name.
std::string_view bare_host(std::string_view host) {
    if (!host.empty() && host.back() == '.') {
        host.remove_suffix(1);
    }
    return host;
}

std::vector<config::ScopeEntry> make_default_entries() {
    const std::vector<std::string> graph_paths{"/v1.0/security/*", "/beta/security/*"};
    std::vector<config::ScopeEntry> entries{
        // Current MDE / Defender XDR API: global, regional dot form ({us,eu,uk,au,swa,ina,
        // aea}.api...) and dash form (api-{us,eu,uk}.security...).
        {"api.security.microsoft.com", {}},
        {"*.api.security.microsoft.com", {}},
        {"api-*.security.microsoft.com", {}},
        // Legacy MDE API.
        {"api.securitycenter.microsoft.com", {}},
        {"api-*.securitycenter.microsoft.com", {}},
        {"api.securitycenter.windows.com", {}},
        {"api-*.securitycenter.windows.com", {}},
        // Legacy SIEM API.
        {"wdatp-alertexporter-*.windows.com", {}},
        {"wdatp-alertexporter-*.securitycenter.windows.com", {}},
        // US government clouds.
        {"api-gcc.securitycenter.microsoft.us", {}},
        {"api-gov.securitycenter.microsoft.us", {}},
        {"api-gcc.security.microsoft.us", {}},
        {"api-gov.security.microsoft.us", {}},
        {"wdatp-alertexporter-us.*.windows.us", {}},
    };
    // Graph security, only under /v1.0/security and /beta/security: the rest of Graph is
    // not the partner API this audit is about.
    for (const char* host : {"graph.microsoft.com", "graph.microsoft.us", "dod-graph.microsoft.us",
                             "microsoftgraph.chinacloudapi.cn"}) {
        entries.push_back({host, graph_paths});
    }
    return entries;
}

std::string describe(const config::ScopeEntry& entry) {
    std::string text = entry.host;
    for (const auto& path : entry.paths) {
        text += ' ';
        text += path;
    }
    return text;
}

}  // namespace

const std::vector<config::ScopeEntry>& Scope::default_entries() {
    static const std::vector<config::ScopeEntry> entries = make_default_entries();
    return entries;
}

Scope Scope::create(const config::ScopeConfig& scope) {
    Scope result;
    result.include_default_ = scope.include_default;
    auto add = [&result](const config::ScopeEntry& entry) {
        std::string error;
        auto host = config::HostPattern::parse(entry.host, error);
        if (!host) {
            throw std::invalid_argument("scope host '" + entry.host + "': " + error);
        }
        Entry compiled{std::move(*host), {}};
        for (const auto& path : entry.paths) {
            auto pattern = config::PathPattern::parse(path, error);
            if (!pattern) {
                throw std::invalid_argument("scope path '" + path + "' of host '" + entry.host +
                                            "': " + error);
            }
            compiled.paths.push_back(std::move(*pattern));
        }
        result.entries_.push_back(std::move(compiled));
    };
    if (scope.include_default) {
        for (const auto& entry : default_entries()) {
            add(entry);
        }
    }
    for (const auto& entry : scope.entries) {
        add(entry);
        result.custom_.push_back(describe(entry));
    }
    return result;
}

bool Scope::in_scope(std::string_view host, std::string_view path) const {
    host = bare_host(host);
    path = detail::path_part(path);
    for (const auto& entry : entries_) {
        if (!entry.host.matches(host)) {
            continue;
        }
        if (entry.paths.empty()) {
            return true;
        }
        for (const auto& pattern : entry.paths) {
            if (pattern.matches(path)) {
                return true;
            }
        }
    }
    return false;
}

bool Scope::intercepts(std::string_view host) const {
    host = bare_host(host);
    for (const auto& entry : entries_) {
        if (entry.host.matches(host)) {
            return true;
        }
    }
    return false;
}

std::string Scope::summary() const {
    std::string text;
    if (include_default_) {
        text =
            "default MDE/Graph hosts (" + std::to_string(default_entries().size()) + " patterns)";
    }
    if (!custom_.empty()) {
        if (!text.empty()) {
            text += " + ";
        }
        text += std::to_string(custom_.size()) + " custom (";
        constexpr std::size_t shown = 5;  // one console line, not the whole list
        for (std::size_t i = 0; i < custom_.size() && i < shown; ++i) {
            text += (i == 0 ? "" : ", ") + custom_[i];
        }
        if (custom_.size() > shown) {
            text += ", ...";
        }
        text += ')';
    }
    return text.empty() ? "nothing (scope is empty: every request passes as out-of-scope)" : text;
}

}  // namespace uaudit::audit
