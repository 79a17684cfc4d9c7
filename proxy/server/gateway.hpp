#pragma once
// Gateway routes (SPEC §4 `routes`, §7): a listener for products that can set a base URL but
// no proxy. Origin-form requests, over HTTP or over TLS with the route's own certificate, go to
// the route's upstream with Host set to it, audited like the rest (`via: gateway`).

#include "core/asio.hpp"
#include "http/target.hpp"
#include "http/tls_stream.hpp"
#include "server/state.hpp"

#include <memory>
#include <string>

namespace uaudit::server {

struct GatewayRoute {
    std::string name;                         // "routes[0]", for messages
    http::Target upstream;                    // scheme, host, port
    std::shared_ptr<asio::ssl::context> tls;  // null: the listener speaks plain HTTP
};

/// Builds the route from its configuration: parses the upstream and loads the certificate and
/// key of a TLS listener. Throws std::runtime_error naming the route and the problem.
GatewayRoute make_gateway_route(const config::Config& config, std::size_t index);

/// Serves one connection of a route's listener until it closes.
asio::awaitable<void> serve_gateway(tcp::socket socket, ServerState& state,
                                    const GatewayRoute& route);

}  // namespace uaudit::server
