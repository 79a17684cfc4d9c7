#pragma once
// The names uaudit mints certificates for: an SNI host name or a CONNECT host, which come
// from the network and are checked before they reach OpenSSL.

#include <optional>
#include <string>
#include <string_view>

namespace uaudit::tls {

/// A name a leaf certificate can be minted for, in its cache-key form.
struct ServerName {
    std::string text;    // lower-case DNS name without a trailing dot, or an IP address
    bool is_ip = false;  // IPv4 or IPv6 literal (IPv6 without brackets)
};

/// Checks and normalizes `name`: lower-cases it, drops one trailing dot and IPv6 brackets.
/// A DNS name must have 1-253 characters in labels of 1-63 letters, digits, '-' or '_'
/// (underscores occur in real host names); an address must parse as IPv4 or IPv6 (IPv6
/// is written in its canonical form, so "::1" and "0::1" share a cache entry). nullopt for
/// anything else, including wildcards.
std::optional<ServerName> parse_server_name(std::string_view name);

}  // namespace uaudit::tls
