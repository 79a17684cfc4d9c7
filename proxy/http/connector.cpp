#include "http/connector.hpp"

#include "http/target.hpp"

#include <boost/asio/ip/address.hpp>

namespace uaudit::http {

std::string_view to_string(UpstreamError error) {
    switch (error) {
        case UpstreamError::none:
            return "none";
        case UpstreamError::dns_failed:
            return "dns_failed";
        case UpstreamError::connect_failed:
            return "connect_failed";
        case UpstreamError::connect_timeout:
            return "connect_timeout";
    }
    return "connect_failed";
}

UpstreamConnector::UpstreamConnector(std::map<std::string, Address> overrides,
                                     std::chrono::milliseconds connect_timeout)
    : overrides_(std::move(overrides))
    , connect_timeout_(connect_timeout) {}

Address UpstreamConnector::route(std::string_view host, std::uint16_t port) const {
    if (auto it = overrides_.find(format_authority(host, port)); it != overrides_.end()) {
        return it->second;
    }
    if (auto it = overrides_.find(std::string(host)); it != overrides_.end()) {
        return it->second;
    }
    return Address{std::string(host), port};
}

asio::awaitable<Connected> UpstreamConnector::connect(std::string_view host,
                                                      std::uint16_t port) const {
    Connected result;
    const Address address = route(host, port);
    auto executor = co_await asio::this_coro::executor;
    tcp::resolver::results_type endpoints;
    error_code ec;
    const auto literal = asio::ip::make_address(address.host, ec);
    if (!ec) {
        endpoints = tcp::resolver::results_type::create(tcp::endpoint(literal, address.port),
                                                        address.host, std::to_string(port));
    } else {
        tcp::resolver resolver(executor);
        auto [rec, found] =
            co_await resolver.async_resolve(address.host, std::to_string(address.port),
                                            tcp::resolver::numeric_service, use_nothrow);
        if (rec || found.empty()) {
            result.error = UpstreamError::dns_failed;
            result.peer = format_authority(address.host, address.port);
            co_return result;
        }
        endpoints = std::move(found);
    }
    TcpStream stream(executor);
    stream.expires_after(connect_timeout_);
    auto [cec, endpoint] = co_await stream.async_connect(endpoints, use_nothrow);
    result.peer = format_authority(endpoint.address().to_string(), endpoint.port());
    if (cec) {
        result.error = cec == beast::error::timeout ? UpstreamError::connect_timeout
                                                    : UpstreamError::connect_failed;
        co_return result;
    }
    stream.expires_never();
    stream.socket().set_option(tcp::no_delay(true), ec);  // best effort: latency only
    result.stream.emplace(std::move(stream));
    co_return result;
}

}  // namespace uaudit::http
