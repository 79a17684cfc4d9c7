#pragma once
// Value parsers with an explanation of what is wrong, for the loader's diagnostics. The
// public parse_* functions of load.hpp are these without the explanation.

#include "config/config.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace uaudit::config::detail {

std::optional<HostPort> parse_host_port(std::string_view text, std::string& error);
std::optional<Cidr> parse_cidr(std::string_view text, std::string& error);

/// A DNS name or an IPv4 address as written in a URL or host:port ("a.example", "10.0.0.1").
bool is_host_name(std::string_view host);

/// "localhost", 127.0.0.0/8 or ::1.
bool is_loopback_host(std::string_view host);

/// `http(s)://host[:port]` with nothing after the authority but an optional "/"; the result
/// has no trailing "/". Used for routes' upstream.
std::optional<std::string> parse_origin_url(std::string_view text, std::string& error);

/// `http://[user:pass@]host:port` for upstream_proxy.
bool parse_proxy_url(std::string_view text, std::string& error);

}  // namespace uaudit::config::detail
