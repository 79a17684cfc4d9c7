#pragma once
// The configuration of SPEC §4 as plain typed structures. Every member's initializer is the
// default of the schema; `config/default.yaml` (embedded into the binary) states the same
// values and a unit test checks that they agree.

#include "compliance/rules.hpp"

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace uaudit::config {

using Duration = std::chrono::milliseconds;

/// "host:port" or "[v6addr]:port". `host` holds no brackets.
struct HostPort {
    std::string host;
    std::uint16_t port = 0;

    std::string to_string() const;  // brackets IPv6 literals
    friend bool operator==(const HostPort&, const HostPort&) = default;
};

/// An IPv4 or IPv6 network, e.g. 127.0.0.0/8 or ::1/128.
struct Cidr {
    bool v6 = false;
    std::array<std::uint8_t, 16> network{};  // IPv4 uses the first 4 bytes
    unsigned prefix = 0;

    /// `address` as text ("127.0.0.1", "::1"); false for anything unparsable.
    bool contains(const std::string& address) const;
    std::string to_string() const;
    friend bool operator==(const Cidr&, const Cidr&) = default;
};

enum class Mode { audit, rewrite, enforce };
enum class RewriteStrategy { replace, prepend };
enum class Intercept { scope, all, none };
enum class Fsync { every, interval, never };
enum class OutOfScopeEvents { summary, each };

/// One entry of `scope`: a host pattern (`*` one label, `**` one or more) and optional
/// path globs; no paths = every path of the host.
struct ScopeEntry {
    std::string host;
    std::vector<std::string> paths;
    friend bool operator==(const ScopeEntry&, const ScopeEntry&) = default;
};

struct ScopeConfig {
    bool include_default = true;  // the list names `default`
    std::vector<ScopeEntry> entries;
    friend bool operator==(const ScopeConfig&, const ScopeConfig&) = default;
};

struct RewriteConfig {
    std::string user_agent;
    RewriteStrategy strategy = RewriteStrategy::replace;

    friend bool operator==(const RewriteConfig&, const RewriteConfig&) = default;
};

struct EnforceConfig {
    unsigned status = 403;

    friend bool operator==(const EnforceConfig&, const EnforceConfig&) = default;
};

struct TlsConfig {
    std::string ca_cert = "ca.crt";
    std::string ca_key = "ca.key";
    Duration leaf_validity = std::chrono::hours(24 * 30);
    std::size_t cert_cache = 1000;
    bool upstream_verify = true;
    std::string upstream_ca_file;
    std::string min_version = "1.2";  // "1.2" | "1.3"

    friend bool operator==(const TlsConfig&, const TlsConfig&) = default;
};

struct RouteTls {
    std::string cert;
    std::string key;

    friend bool operator==(const RouteTls&, const RouteTls&) = default;
};

struct Route {
    HostPort listen;
    std::string upstream;  // http(s)://host[:port]
    std::optional<RouteTls> tls;

    friend bool operator==(const Route&, const Route&) = default;
};

struct ProxyAuth {
    std::string user;
    std::string password_env;  // name of the environment variable holding the password

    friend bool operator==(const ProxyAuth&, const ProxyAuth&) = default;
};

struct AccessConfig {
    std::vector<Cidr> allow_clients{
        Cidr{false, {127}, 8},                                              // 127.0.0.0/8
        Cidr{true, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 128},  // ::1/128
    };
    std::optional<ProxyAuth> proxy_auth;

    friend bool operator==(const AccessConfig&, const AccessConfig&) = default;
};

struct Limits {
    std::uint64_t max_header_bytes = 64 * 1024;
    std::uint64_t max_body_bytes = 0;  // 0 = unlimited
    std::size_t max_connections = 10000;
    std::size_t upstream_pool = 64;
    Duration header_timeout = std::chrono::seconds(10);
    Duration idle_timeout = std::chrono::seconds(60);
    Duration connect_timeout = std::chrono::seconds(10);
    Duration handshake_timeout = std::chrono::seconds(10);
    Duration request_timeout = std::chrono::seconds(300);
    Duration drain_timeout = std::chrono::seconds(10);

    friend bool operator==(const Limits&, const Limits&) = default;
};

struct EventsConfig {
    std::string path = "events.jsonl";
    std::uint64_t rotate_bytes = 100ull * 1024 * 1024;
    Fsync fsync = Fsync::interval;
    OutOfScopeEvents out_of_scope = OutOfScopeEvents::summary;
    Duration summary_interval = std::chrono::seconds(60);

    friend bool operator==(const EventsConfig&, const EventsConfig&) = default;
};

struct ReportConfig {
    std::vector<std::string> on_exit{"report.json", "report.html"};
    std::size_t max_rows = 10000;

    friend bool operator==(const ReportConfig&, const ReportConfig&) = default;
};

struct Config {
    HostPort listen{"127.0.0.1", 8080};
    std::optional<HostPort> admin = HostPort{"127.0.0.1", 9090};  // nullopt: disabled ("")
    std::string data_dir = "./uaudit-data";
    unsigned threads = 0;  // 0 = one per core
    std::string instance;  // "" = host name
    Mode mode = Mode::audit;
    compliance::Identity identity;
    compliance::RuleOptions rules;
    RewriteConfig rewrite;
    EnforceConfig enforce;
    ScopeConfig scope;
    Intercept intercept = Intercept::scope;
    std::vector<std::uint16_t> connect_ports{443};
    TlsConfig tls;
    std::string upstream_proxy;               // "" = direct
    std::map<std::string, HostPort> resolve;  // "host[:port]" (lower-case) -> address:port
    std::vector<Route> routes;
    AccessConfig access;
    Limits limits;
    EventsConfig events;
    ReportConfig report;

    friend bool operator==(const Config&, const Config&) = default;
};

std::string_view to_string(Mode mode);
std::string_view to_string(RewriteStrategy strategy);
std::string_view to_string(Intercept intercept);
std::string_view to_string(Fsync fsync);
std::string_view to_string(OutOfScopeEvents events);

}  // namespace uaudit::config
