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

/// The result of UpstreamConnector::connect.
struct Connected {
    std::optional<TcpStream> stream;  // set on success
    UpstreamError error = UpstreamError::none;
    std::string peer;  // "addr:port" actually connected (or tried last)
};

class UpstreamConnector {
public:
    /// `overrides` maps "host:port" or "host" (lower-case) to the address to use instead.
    UpstreamConnector(std::map<std::string, Address> overrides,
                      std::chrono::milliseconds connect_timeout);

    /// Where `host:port` goes after the overrides ("host:port" beats "host").
    Address route(std::string_view host, std::uint16_t port) const;

    /// Resolves and connects on the calling coroutine's executor.
    asio::awaitable<Connected> connect(std::string_view host, std::uint16_t port) const;

private:
    std::map<std::string, Address> overrides_;
    std::chrono::milliseconds connect_timeout_;
};

}  // namespace uaudit::http
