#include "http/connector.hpp"

#include "http/target.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/url/parse.hpp>
#include <openssl/evp.h>

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

std::optional<ProxyChain> parse_upstream_proxy(std::string_view url, std::string& error) {
    auto parsed = boost::urls::parse_uri(url);
    if (!parsed || parsed->scheme() != "http" || !parsed->has_authority() ||
        parsed->host().empty()) {
        error = "upstream_proxy must look like http://[user:password@]host:port";
        return std::nullopt;
    }
    ProxyChain chain;
    chain.address.host = parsed->host_address();
    if (!chain.address.host.empty() && chain.address.host.front() == '[') {
        chain.address.host = chain.address.host.substr(1, chain.address.host.size() - 2);
    }
    chain.address.port = parsed->has_port() ? parsed->port_number() : std::uint16_t{3128};
    if (parsed->has_userinfo()) {
        const std::string credentials = parsed->user() + ":" + parsed->password();
        std::string encoded(4 * ((credentials.size() + 2) / 3) + 1, '\0');
        const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(encoded.data()),
                                      reinterpret_cast<const unsigned char*>(credentials.data()),
                                      static_cast<int>(credentials.size()));
        encoded.resize(static_cast<std::size_t>(n));
        chain.authorization = "Basic " + encoded;
    }
    return chain;
}

UpstreamConnector::UpstreamConnector(std::map<std::string, Address> overrides,
                                     std::chrono::milliseconds connect_timeout,
                                     std::optional<ProxyChain> chain)
    : overrides_(std::move(overrides))
    , connect_timeout_(connect_timeout)
    , chain_(std::move(chain)) {}

Address UpstreamConnector::route(std::string_view host, std::uint16_t port) const {
    if (auto it = overrides_.find(format_authority(host, port)); it != overrides_.end()) {
        return it->second;
    }
    if (auto it = overrides_.find(std::string(host)); it != overrides_.end()) {
        return it->second;
    }
    return Address{std::string(host), port};
}

asio::awaitable<Connected> UpstreamConnector::connect(std::string_view host, std::uint16_t port,
                                                      Purpose purpose) const {
    const Address address = route(host, port);
    if (!chain_) {
        co_return co_await connect_to(address);
    }
    auto through = co_await connect_to(chain_->address);
    if (!through.stream || purpose == Purpose::request) {
        co_return through;
    }
    co_return co_await open_tunnel(std::move(through), address);
}

asio::awaitable<Connected> UpstreamConnector::open_tunnel(Connected through,
                                                          const Address& target) const {
    namespace bh = beast::http;
    auto& stream = *through.stream;
    const std::string authority = format_authority(target.host, target.port);
    bh::request<bh::empty_body> request(bh::verb::connect, authority, 11);
    request.set(bh::field::host, authority);
    if (!chain_->authorization.empty()) {
        request.set(bh::field::proxy_authorization, chain_->authorization);
    }
    stream.expires_after(connect_timeout_);
    auto [wec, written] = co_await bh::async_write(stream, request, use_nothrow);
    Connected result;
    result.peer = through.peer;
    if (wec) {
        result.error = wec == beast::error::timeout ? UpstreamError::connect_timeout
                                                    : UpstreamError::connect_failed;
        co_return result;
    }
    // Byte by byte up to the blank line, so that nothing the host sends after the head is
    // swallowed here (the head is small and this happens once per tunnel).
    std::string head;
    while (head.size() < 16 * 1024 && !head.ends_with("\r\n\r\n")) {
        char byte = 0;
        auto [rec, n] = co_await stream.async_read_some(asio::buffer(&byte, 1), use_nothrow);
        if (rec) {
            result.error = rec == beast::error::timeout ? UpstreamError::connect_timeout
                                                        : UpstreamError::connect_failed;
            result.detail = "the upstream proxy closed during CONNECT";
            co_return result;
        }
        head.push_back(byte);
    }
    stream.expires_never();
    // "HTTP/1.1 200 ..." : the status is the second word.
    const auto space = head.find(' ');
    const std::string status = space == std::string::npos ? "" : head.substr(space + 1, 3);
    if (status != "200") {
        result.error = UpstreamError::connect_failed;
        result.detail = "the upstream proxy answered CONNECT with " +
                        (status.empty() ? std::string("a malformed response") : status);
        co_return result;
    }
    result.stream.emplace(std::move(*through.stream));
    co_return result;
}

asio::awaitable<Connected> UpstreamConnector::connect_to(const Address& address) const {
    Connected result;
    const std::uint16_t port = address.port;
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
