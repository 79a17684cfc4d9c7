#pragma once
// Which requests are audited (SPEC §5): the default table of MDE / Defender XDR / Graph
// security hosts and the user's `scope` entries, compiled once at start.

#include "config/config.hpp"
#include "config/pattern.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace uaudit::audit {

class Scope {
public:
    /// Compiles `scope` (with the default table when it lists `default`). Throws
    /// std::invalid_argument naming the pattern when one does not parse; the config module
    /// has validated them already, so this is a start-up bug guard.
    static Scope create(const config::ScopeConfig& scope);

    /// True when the request is audited: an entry's host pattern matches `host` (any case,
    /// one trailing dot ignored; no port) and the entry has no paths or one of its path
    /// globs matches `path` (a query or fragment is ignored).
    bool in_scope(std::string_view host, std::string_view path) const;

    /// True when any entry matches `host`, whatever the path: the hosts `intercept: scope`
    /// terminates TLS for (their other paths then pass as out-of-scope).
    bool intercepts(std::string_view host) const;

    /// One line for the console, e.g. "default MDE/Graph hosts (17 patterns) + 2 custom".
    std::string summary() const;

    /// The built-in table of SPEC §5, every family. Token endpoints
    /// (login.microsoftonline.com, ...) and *.blob.core.windows.net are deliberately absent.
    static const std::vector<config::ScopeEntry>& default_entries();

private:
    struct Entry {
        config::HostPattern host;
        std::vector<config::PathPattern> paths;  // empty: every path
    };

    bool include_default_ = false;
    std::vector<std::string> custom_;  // the configured entries, for summary()
    std::vector<Entry> entries_;       // default table first, then the configured ones
};

}  // namespace uaudit::audit
