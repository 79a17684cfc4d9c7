#include "config/detail/schema.hpp"

#include "config/detail/text.hpp"
#include "config/detail/values.hpp"
#include "config/pattern.hpp"

#include <algorithm>

namespace uaudit::config::detail {
namespace {

constexpr std::uint64_t kMaxCount = 1'000'000'000;

constexpr EnumName<Mode> kModes[] = {
    {"audit", Mode::audit}, {"rewrite", Mode::rewrite}, {"enforce", Mode::enforce}};
constexpr EnumName<RewriteStrategy> kStrategies[] = {{"replace", RewriteStrategy::replace},
                                                     {"prepend", RewriteStrategy::prepend}};
constexpr EnumName<Intercept> kIntercepts[] = {
    {"scope", Intercept::scope}, {"all", Intercept::all}, {"none", Intercept::none}};
constexpr EnumName<Fsync> kFsyncs[] = {
    {"every", Fsync::every}, {"interval", Fsync::interval}, {"never", Fsync::never}};
constexpr EnumName<OutOfScopeEvents> kOutOfScope[] = {{"summary", OutOfScopeEvents::summary},
                                                      {"each", OutOfScopeEvents::each}};

bool is_identity_name(std::string_view text) {
    return !text.empty() && text.size() <= 64 && std::all_of(text.begin(), text.end(), [](char c) {
        return is_alnum(c) || c == '.' || c == '_';
    });
}

bool is_visible_ascii(std::string_view text) {
    return std::all_of(text.begin(), text.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u > 0x20 && u < 0x7f;
    });
}

bool has_control_character(std::string_view text) {
    return std::any_of(text.begin(), text.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u < 0x20 || u == 0x7f;
    });
}

// A string that may not be empty (file names, ...).
void read_required_string(Reader& r, const YAML::Node& node, const std::string& path,
                          std::string& out) {
    std::string value = out;
    r.read_string(node, path, value);
    if (value.empty()) {
        r.error(node, path, "must not be empty");
        return;
    }
    out = std::move(value);
}

void read_identity(Reader& r, const YAML::Node& node, compliance::Identity& out) {
    r.visit_map(node, "identity", {"company", "product", "version"},
                [&](std::string_view key, const YAML::Node& value, const std::string& path) {
                    const auto text = r.scalar(value, path);
                    if (!text) {
                        return;
                    }
                    if (key == "version") {
                        if (text->empty() || !is_visible_ascii(*text) ||
                            text->find('/') != std::string::npos) {
                            r.error(value, path,
                                    "'" + *text +
                                        "' is not a version: visible ASCII without '/', '*' as "
                                        "a wildcard");
                            return;
                        }
                        out.version = *text;
                        return;
                    }
                    if (!is_identity_name(*text)) {
                        r.error(value, path,
                                "'" + *text +
                                    "' must be 1 to 64 characters of A-Z a-z 0-9 . _ (no hyphen, "
                                    "no space)");
                        return;
                    }
                    (key == "company" ? out.company : out.product) = *text;
                });
}

void read_rules(Reader& r, const YAML::Node& node, compliance::RuleOptions& out) {
    r.visit_map(
        node, "rules", {"strict", "version_format", "severity"},
        [&](std::string_view key, const YAML::Node& value, const std::string& path) {
            if (key == "strict") {
                r.read_bool(value, path, out.strict);
            } else if (key == "version_format") {
                const auto text = r.scalar(value, path);
                if (!text) {
                    return;
                }
                if (const auto format = compliance::parse_version_format(*text)) {
                    out.version_format = *format;
                } else {
                    r.error(value, path, "expected semver | dotted | token, found '" + *text + "'");
                }
            } else {
                r.visit_entries(value, path,
                                [&](std::string_view code, const YAML::Node& level,
                                    const std::string& code_path) {
                                    const auto text = r.scalar(level, code_path);
                                    bool good = true;
                                    if (!compliance::is_rule_code(code)) {
                                        r.error(level, code_path,
                                                "unknown rule code '" + std::string(code) +
                                                    "'; the codes are UA001 to UA014");
                                        good = false;
                                    }
                                    if (!text) {
                                        return;
                                    }
                                    const auto severity = compliance::parse_severity(*text);
                                    if (!severity) {
                                        r.error(level, code_path,
                                                "expected error | warning, found '" + *text + "'");
                                        return;
                                    }
                                    if (good) {
                                        out.severity[std::string(code)] = *severity;
                                    }
                                });
            }
        });
}

void read_scope(Reader& r, const YAML::Node& node, ScopeConfig& out) {
    ScopeConfig scope{false, {}};
    const bool is_list = r.visit_list(
        node, "scope", [&](std::size_t, const YAML::Node& element, const std::string& path) {
            if (element.IsScalar()) {
                if (element.Scalar() == "default") {
                    scope.include_default = true;
                } else {
                    r.error(
                        element, path,
                        "expected `default` or a map {host: PATTERN, paths: [GLOB, ...]}, found '" +
                            element.Scalar() + "'");
                }
                return;
            }
            ScopeEntry entry;
            bool has_host = false;
            r.visit_map(
                element, path, {"host", "paths"},
                [&](std::string_view key, const YAML::Node& value, const std::string& key_path) {
                    if (key == "host") {
                        has_host = true;
                        const auto text = r.scalar(value, key_path, "a host pattern");
                        std::string why;
                        if (text && !HostPattern::parse(*text, why)) {
                            r.error(value, key_path, why);
                        } else if (text) {
                            entry.host = *text;
                        }
                        return;
                    }
                    const bool listed = r.visit_list(
                        value, key_path,
                        [&](std::size_t, const YAML::Node& glob, const std::string& glob_path) {
                            const auto text = r.scalar(glob, glob_path, "a path pattern");
                            std::string why;
                            if (text && !PathPattern::parse(*text, why)) {
                                r.error(glob, glob_path, why);
                            } else if (text) {
                                entry.paths.push_back(*text);
                            }
                        });
                    if (listed && value.size() == 0) {
                        r.error(value, key_path,
                                "an empty list matches no path; leave `paths` out to cover "
                                "every path of the host");
                    }
                });
            if (element.IsMap() && !has_host) {
                r.error(element, join_path(path, "host"),
                        "missing; every scope entry needs a host");
            }
            if (element.IsMap()) {
                scope.entries.push_back(std::move(entry));
            }
        });
    if (is_list) {
        out = std::move(scope);
    }
}

void read_tls(Reader& r, const YAML::Node& node, TlsConfig& out) {
    r.visit_map(node, "tls",
                {"ca_cert", "ca_key", "leaf_validity", "cert_cache", "upstream_verify",
                 "upstream_ca_file", "min_version"},
                [&](std::string_view key, const YAML::Node& value, const std::string& path) {
                    if (key == "ca_cert") {
                        read_required_string(r, value, path, out.ca_cert);
                    } else if (key == "ca_key") {
                        read_required_string(r, value, path, out.ca_key);
                    } else if (key == "leaf_validity") {
                        r.read_duration(value, path, out.leaf_validity, false);
                    } else if (key == "cert_cache") {
                        r.read_number(value, path, out.cert_cache, 1, kMaxCount);
                    } else if (key == "upstream_verify") {
                        r.read_bool(value, path, out.upstream_verify);
                    } else if (key == "upstream_ca_file") {
                        r.read_string(value, path, out.upstream_ca_file);
                    } else {
                        const auto text = r.scalar(value, path);
                        if (text && (*text == "1.2" || *text == "1.3")) {
                            out.min_version = *text;
                        } else if (text) {
                            r.error(value, path,
                                    "expected \"1.2\" | \"1.3\", found '" + *text + "'");
                        }
                    }
                });
}

void read_resolve(Reader& r, const YAML::Node& node, std::map<std::string, HostPort>& out) {
    std::map<std::string, HostPort> entries;
    r.visit_entries(
        node, "resolve",
        [&](std::string_view key, const YAML::Node& value, const std::string& path) {
            const std::string name = to_lower(key);
            std::string why;
            const bool with_port = name.find(':') != std::string::npos;
            if (with_port ? !detail::parse_host_port(name, why) : !is_host_name(name)) {
                r.error(value, path,
                        "'" + std::string(key) + "' is not a host or host:port to override");
                return;
            }
            const auto target = r.read_host_port(value, path);
            if (!target) {
                return;
            }
            if (!entries.emplace(name, *target).second) {
                r.error(value, path, "'" + name + "' is listed twice");
            }
        });
    if (node.IsMap()) {
        out = std::move(entries);
    }
}

void read_routes(Reader& r, const YAML::Node& node, std::vector<Route>& out) {
    std::vector<Route> routes;
    const bool is_list = r.visit_list(
        node, "routes", [&](std::size_t, const YAML::Node& element, const std::string& path) {
            Route route;
            bool has_listen = false;
            bool has_upstream = false;
            r.visit_map(
                element, path, {"listen", "upstream", "tls"},
                [&](std::string_view key, const YAML::Node& value, const std::string& key_path) {
                    if (key == "listen") {
                        has_listen = true;
                        if (const auto address = r.read_host_port(value, key_path)) {
                            route.listen = *address;
                        }
                    } else if (key == "upstream") {
                        has_upstream = true;
                        const auto text = r.scalar(value, key_path, "an http(s):// URL");
                        std::string why;
                        if (!text) {
                            return;
                        }
                        if (auto origin = parse_origin_url(*text, why)) {
                            route.upstream = std::move(*origin);
                        } else {
                            r.error(value, key_path, why);
                        }
                    } else {
                        RouteTls tls;
                        bool has_cert = false;
                        bool has_key = false;
                        r.visit_map(value, key_path, {"cert", "key"},
                                    [&](std::string_view name, const YAML::Node& file,
                                        const std::string& file_path) {
                                        (name == "cert" ? has_cert : has_key) = true;
                                        read_required_string(r, file, file_path,
                                                             name == "cert" ? tls.cert : tls.key);
                                    });
                        if (!value.IsMap() && !value.IsNull()) {
                            return;
                        }
                        if (!has_cert) {
                            r.error(value, join_path(key_path, "cert"),
                                    "missing; a TLS route needs cert and key (PEM files)");
                        }
                        if (!has_key) {
                            r.error(value, join_path(key_path, "key"),
                                    "missing; a TLS route needs cert and key (PEM files)");
                        }
                        route.tls = tls;
                    }
                });
            if (!element.IsMap()) {
                return;
            }
            if (!has_listen) {
                r.error(element, join_path(path, "listen"),
                        "missing; a route needs listen and upstream");
            }
            if (!has_upstream) {
                r.error(element, join_path(path, "upstream"),
                        "missing; a route needs listen and upstream");
            }
            routes.push_back(std::move(route));
        });
    if (is_list) {
        out = std::move(routes);
    }
}

bool is_env_name(std::string_view name) {
    return !name.empty() && !is_digit(name.front()) &&
           std::all_of(name.begin(), name.end(), [](char c) { return is_alnum(c) || c == '_'; });
}

void read_access(Reader& r, const YAML::Node& node, AccessConfig& out) {
    r.visit_map(
        node, "access", {"allow_clients", "proxy_auth"},
        [&](std::string_view key, const YAML::Node& value, const std::string& path) {
            if (key == "allow_clients") {
                std::vector<Cidr> networks;
                const bool is_list = r.visit_list(
                    value, path,
                    [&](std::size_t, const YAML::Node& element, const std::string& element_path) {
                        const auto text = r.scalar(element, element_path, "an address/prefix");
                        if (!text) {
                            return;
                        }
                        std::string why;
                        if (const auto cidr = detail::parse_cidr(*text, why)) {
                            networks.push_back(*cidr);
                        } else {
                            r.error(element, element_path, why);
                        }
                    });
                if (is_list && value.size() == 0) {
                    r.error(value, path,
                            "an empty list refuses every client; list the networks to allow");
                } else if (is_list) {
                    out.allow_clients = std::move(networks);
                }
                return;
            }
            ProxyAuth auth;
            r.visit_map(
                value, path, {"user", "password_env"},
                [&](std::string_view name, const YAML::Node& field, const std::string& field_path) {
                    std::string text;
                    r.read_string(field, field_path, text);
                    if (name == "user") {
                        if (text.empty() || text.find(':') != std::string::npos ||
                            has_control_character(text)) {
                            r.error(field, field_path, "must be a non-empty user name without ':'");
                        }
                        auth.user = text;
                    } else {
                        if (!is_env_name(text)) {
                            r.error(field, field_path,
                                    "'" + text + "' is not an environment variable name");
                        }
                        auth.password_env = text;
                    }
                });
            if (!value.IsMap() || value.size() == 0) {
                return;  // {} = no authentication
            }
            if (!r.given(join_path(path, "user"))) {
                r.error(value, join_path(path, "user"),
                        "missing; proxy_auth needs user and password_env");
            }
            if (!r.given(join_path(path, "password_env"))) {
                r.error(value, join_path(path, "password_env"),
                        "missing; proxy_auth needs user and password_env (the name of the "
                        "environment variable holding the password)");
            }
            out.proxy_auth = auth;
        });
}

void read_limits(Reader& r, const YAML::Node& node, Limits& out) {
    r.visit_map(node, "limits",
                {"max_header_bytes", "max_body_bytes", "max_connections", "upstream_pool",
                 "header_timeout", "idle_timeout", "connect_timeout", "handshake_timeout",
                 "request_timeout", "drain_timeout"},
                [&](std::string_view key, const YAML::Node& value, const std::string& path) {
                    if (key == "max_header_bytes") {
                        r.read_size(value, path, out.max_header_bytes, 1024);
                    } else if (key == "max_body_bytes") {
                        r.read_size(value, path, out.max_body_bytes, 0);
                    } else if (key == "max_connections") {
                        r.read_number(value, path, out.max_connections, 1, kMaxCount);
                    } else if (key == "upstream_pool") {
                        r.read_number(value, path, out.upstream_pool, 0, kMaxCount);
                    } else if (key == "header_timeout") {
                        r.read_duration(value, path, out.header_timeout, false);
                    } else if (key == "idle_timeout") {
                        r.read_duration(value, path, out.idle_timeout, false);
                    } else if (key == "connect_timeout") {
                        r.read_duration(value, path, out.connect_timeout, false);
                    } else if (key == "handshake_timeout") {
                        r.read_duration(value, path, out.handshake_timeout, false);
                    } else if (key == "request_timeout") {
                        r.read_duration(value, path, out.request_timeout, false);
                    } else {
                        r.read_duration(value, path, out.drain_timeout, true);
                    }
                });
}

void read_events(Reader& r, const YAML::Node& node, EventsConfig& out) {
    r.visit_map(node, "events",
                {"path", "rotate_bytes", "fsync", "out_of_scope", "summary_interval"},
                [&](std::string_view key, const YAML::Node& value, const std::string& path) {
                    if (key == "path") {
                        read_required_string(r, value, path, out.path);
                    } else if (key == "rotate_bytes") {
                        r.read_size(value, path, out.rotate_bytes, 1024);
                    } else if (key == "fsync") {
                        r.read_enum(value, path, out.fsync, kFsyncs);
                    } else if (key == "out_of_scope") {
                        r.read_enum(value, path, out.out_of_scope, kOutOfScope);
                    } else {
                        r.read_duration(value, path, out.summary_interval, false);
                    }
                });
}

bool has_report_extension(std::string_view file) {
    for (std::string_view ext : {".json", ".md", ".html", ".xml", ".csv"}) {
        if (file.size() > ext.size() && file.ends_with(ext)) {
            return true;
        }
    }
    return false;
}

void read_report(Reader& r, const YAML::Node& node, ReportConfig& out) {
    r.visit_map(
        node, "report", {"on_exit", "max_rows"},
        [&](std::string_view key, const YAML::Node& value, const std::string& path) {
            if (key == "max_rows") {
                r.read_number(value, path, out.max_rows, 1, kMaxCount);
                return;
            }
            std::vector<std::string> files;
            const bool is_list = r.visit_list(
                value, path,
                [&](std::size_t, const YAML::Node& element, const std::string& element_path) {
                    const auto text = r.scalar(element, element_path, "a file name");
                    if (text && !has_report_extension(*text)) {
                        r.error(element, element_path,
                                "'" + *text +
                                    "': the extension names the format; use .json, .md, .html, "
                                    ".xml or .csv");
                    } else if (text) {
                        files.push_back(*text);
                    }
                });
            if (is_list) {
                out.on_exit = std::move(files);
            }
        });
}

}  // namespace

void read_config(Reader& r, const YAML::Node& root, Config& out) {
    r.visit_map(
        root, "", {"listen",        "admin",  "data_dir",       "threads", "instance", "mode",
                   "identity",      "rules",  "rewrite",        "enforce", "scope",    "intercept",
                   "connect_ports", "tls",    "upstream_proxy", "resolve", "routes",   "access",
                   "limits",        "events", "report"},
        [&](std::string_view key, const YAML::Node& value, const std::string& path) {
            if (key == "listen") {
                if (const auto address = r.read_host_port(value, path)) {
                    out.listen = *address;
                }
            } else if (key == "admin") {
                if (value.IsScalar() && value.Scalar().empty()) {
                    out.admin.reset();
                } else if (const auto address = r.read_host_port(value, path)) {
                    out.admin = *address;
                }
            } else if (key == "data_dir") {
                read_required_string(r, value, path, out.data_dir);
            } else if (key == "threads") {
                r.read_number(value, path, out.threads, 0, 1024);
            } else if (key == "instance") {
                std::string text;
                r.read_string(value, path, text);
                if (has_control_character(text)) {
                    r.error(value, path, "must not contain control characters");
                } else {
                    out.instance = text;
                }
            } else if (key == "mode") {
                r.read_enum(value, path, out.mode, kModes);
            } else if (key == "identity") {
                read_identity(r, value, out.identity);
            } else if (key == "rules") {
                read_rules(r, value, out.rules);
            } else if (key == "rewrite") {
                r.visit_map(value, path, {"user_agent", "strategy"},
                            [&](std::string_view name, const YAML::Node& field,
                                const std::string& field_path) {
                                if (name == "user_agent") {
                                    r.read_string(field, field_path, out.rewrite.user_agent);
                                } else {
                                    r.read_enum(field, field_path, out.rewrite.strategy,
                                                kStrategies);
                                }
                            });
            } else if (key == "enforce") {
                r.visit_map(
                    value, path, {"status"},
                    [&](std::string_view, const YAML::Node& field, const std::string& field_path) {
                        r.read_number(field, field_path, out.enforce.status, 400, 599);
                    });
            } else if (key == "scope") {
                read_scope(r, value, out.scope);
            } else if (key == "intercept") {
                r.read_enum(value, path, out.intercept, kIntercepts);
            } else if (key == "connect_ports") {
                std::vector<std::uint16_t> ports;
                if (r.visit_list(value, path,
                                 [&](std::size_t, const YAML::Node& element,
                                     const std::string& element_path) {
                                     if (const auto port =
                                             r.read_number(element, element_path, 1, 65535)) {
                                         ports.push_back(static_cast<std::uint16_t>(*port));
                                     }
                                 })) {
                    out.connect_ports = std::move(ports);
                }
            } else if (key == "tls") {
                read_tls(r, value, out.tls);
            } else if (key == "upstream_proxy") {
                std::string text;
                r.read_string(value, path, text);
                std::string why;
                if (!text.empty() && !parse_proxy_url(text, why)) {
                    r.error(value, path, why);
                } else {
                    out.upstream_proxy = text;
                }
            } else if (key == "resolve") {
                read_resolve(r, value, out.resolve);
            } else if (key == "routes") {
                read_routes(r, value, out.routes);
            } else if (key == "access") {
                read_access(r, value, out.access);
            } else if (key == "limits") {
                read_limits(r, value, out.limits);
            } else if (key == "events") {
                read_events(r, value, out.events);
            } else {
                read_report(r, value, out.report);
            }
        });
}

}  // namespace uaudit::config::detail
