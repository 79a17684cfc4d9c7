#pragma once
// Command line of uaudit_load: what to load, how hard, for how long.

#include <chrono>
#include <cstdint>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace uaudit::load {

/// A host and a port, as given on the command line (the host is not resolved here).
struct HostPort {
    std::string host;  ///< name or address literal, IPv6 without brackets
    std::uint16_t port = 0;
};

/// Everything the command line sets, checked for range and form (not for reachability).
struct Options {
    std::string url;                   ///< --url: http:// or https://, with the path to GET
    bool tls = false;                  ///< the URL's scheme is https
    std::string host;                  ///< the URL's host: SNI, Host header, CONNECT target
    std::uint16_t port = 0;            ///< the URL's port (default 80 / 443)
    std::string path_and_query = "/";  ///< origin-form request target

    std::optional<HostPort> proxy;       ///< --proxy HOST:PORT; none = straight to the host
    std::optional<HostPort> connect_to;  ///< where TCP goes instead of host:port (direct only)

    unsigned connections = 16;                ///< -c, 1..4096
    std::chrono::seconds duration{10};        ///< -d, 1..60; also the bound of a capped run
    std::uint64_t request_cap = 0;            ///< -n, 0 = none
    unsigned threads = 1;                     ///< --threads, 1..64
    bool keepalive = true;                    ///< --keepalive on|off
    std::chrono::milliseconds timeout{5000};  ///< --timeout: bound of every single wait
    std::optional<std::string> ca_file;       ///< --cacert
    bool insecure = false;                    ///< --insecure: no certificate verification
    std::vector<std::pair<std::string, std::string>> headers;  ///< --header, in order
    bool json = false;                                         ///< --json
    bool help = false;                                         ///< -h / --help
};

/// The usage text printed by --help and after a usage error.
extern const std::string_view usage_text;

/// Parses argv[1..]. On a usage error writes one line naming it to `err` and returns nullopt;
/// never throws on bad input.
std::optional<Options> parse_options(std::span<const std::string_view> args, std::ostream& err);

/// Parses "HOST:PORT" or "[V6]:PORT"; nullopt when either part is missing or malformed.
std::optional<HostPort> parse_host_port(std::string_view text);

}  // namespace uaudit::load
