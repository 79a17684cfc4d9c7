#pragma once
// Request-target parsing for the forward-proxy listener (RFC 9112 §3.2): absolute-form for
// plain requests (`http://host[:port]/path?query`), authority-form for CONNECT (`host:port`).
// Pure functions: they never throw on peer-controlled input.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace uaudit::http {

/// A parsed request target. `host` is lower-case and never bracketed (IPv6 literals are
/// bracketed again by `authority()`).
struct Target {
    std::string scheme;  // "http" for absolute-form, empty for authority-form
    std::string host;
    std::uint16_t port = 0;
    std::string path;                  // as sent (not decoded), without the query; "/" when empty
    std::optional<std::string> query;  // as sent, without '?'; nullopt when there was none

    /// "host:port", with brackets around an IPv6 literal.
    std::string authority() const;
    /// The origin-form sent upstream: path plus "?query" when there was one.
    std::string origin_form() const;
    /// True when `host` is an IPv6 literal.
    bool host_is_ipv6() const;
};

/// Parses an absolute-form target (`http://...`). Origin-form (`/path`), other schemes,
/// user info-free malformed URIs, empty hosts and port 0 are refused: nullopt with `error`
/// set to a short human-readable reason. `https://` in absolute-form is refused too (clients
/// use CONNECT for TLS).
std::optional<Target> parse_absolute_target(std::string_view text, std::string& error);

/// Parses a gateway route's upstream (`http://host[:port]` or `https://host[:port]`): scheme,
/// host and port (80 / 443 by default); the path is ignored.
std::optional<Target> parse_upstream_base(std::string_view text, std::string& error);

/// Parses an origin-form target (`/path?query`, requests inside an intercepted tunnel): only
/// `path` and `query` are set; the caller knows the scheme, host and port.
std::optional<Target> parse_origin_target(std::string_view text, std::string& error);

/// Parses an authority-form target of CONNECT (`host:port`, `[v6]:port`); the port is required.
std::optional<Target> parse_authority_target(std::string_view text, std::string& error);

/// The names of the query parameters, in order, percent-decoded; never their values.
std::vector<std::string> query_keys(std::string_view query);

/// "host:port" with brackets when `host` holds a ':' (IPv6 literal).
std::string format_authority(std::string_view host, std::uint16_t port);

}  // namespace uaudit::http
