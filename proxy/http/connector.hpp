#pragma once
// Opening upstream TCP connections: `resolve` overrides (SPEC §4) first, then DNS, then a
// connect bounded by `connect_timeout`. Failures are reported with the error words of SPEC §8.

#include "core/asio.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace uaudit::http {

/// Why an upstream could not be reached; `to_string` gives the SPEC §8 error word.
enum class UpstreamError { none, dns_failed, connect_failed, connect_timeout };

std::string_view to_string(UpstreamError error);

/// Where a resolve override points.
struct Address {
    std::string host;
    std::uint16_t port = 0;
};

/// `upstream_proxy` (SPEC §4): every upstream connection goes through this HTTP proxy.
struct ProxyChain {
    Address address;
    std::string authorization;  // "Basic ..." when the URL has user info, else ""
};

/// Parses `http://[user:password@]host:port`; nullopt with `error` set otherwise.
std::optional<ProxyChain> parse_upstream_proxy(std::string_view url, std::string& error);

/// What the connection is for: a plain request (through a chain: sent in absolute-form to the
/// chained proxy) or a byte stream to the host (through a chain: a CONNECT tunnel).
enum class Purpose { request, tunnel };

/// The result of UpstreamConnector::connect.
struct Connected {
    std::optional<TcpStream> stream;  // set on success
    UpstreamError error = UpstreamError::none;
    std::string peer;    // "addr:port" actually connected (or tried last)
    std::string detail;  // why a chained proxy refused the tunnel, for the error body
};

class UpstreamConnector {
public:
    /// `overrides` maps "host:port" or "host" (lower-case) to the address to use instead.
    UpstreamConnector(std::map<std::string, Address> overrides,
                      std::chrono::milliseconds connect_timeout,
                      std::optional<ProxyChain> chain = std::nullopt);

    /// Where `host:port` goes after the overrides ("host:port" beats "host").
    Address route(std::string_view host, std::uint16_t port) const;

    /// Resolves and connects on the calling coroutine's executor; through the chained proxy
    /// when there is one (a `tunnel` then includes the CONNECT exchange).
    asio::awaitable<Connected> connect(std::string_view host, std::uint16_t port,
                                       Purpose purpose = Purpose::request) const;

    /// The chained proxy, if any: plain requests to it go in absolute-form with
    /// `Proxy-Authorization: chain()->authorization`.
    const std::optional<ProxyChain>& chain() const { return chain_; }

private:
    asio::awaitable<Connected> connect_to(const Address& address) const;
    asio::awaitable<Connected> open_tunnel(Connected through, const Address& target) const;

    std::map<std::string, Address> overrides_;
    std::chrono::milliseconds connect_timeout_;
    std::optional<ProxyChain> chain_;
};

}  // namespace uaudit::http
