// The forward-proxy session: one coroutine per client connection, reading request heads
// with limits and deciding what each request is (SPEC §7).

#include "server/client_process.hpp"
#include "server/connection.hpp"

#include <boost/asio/post.hpp>
#include <boost/beast/core/string.hpp>

namespace uaudit::server {
namespace {

namespace bh = beast::http;

bool proxy_auth_ok(const ServerState& state, const bh::request_header<>& head) {
    if (!state.proxy_credentials) {
        return true;
    }
    const auto it = head.find(bh::field::proxy_authorization);
    if (it == head.end()) {
        return false;
    }
    std::string_view value = it->value();
    const auto space = value.find(' ');
    if (space == std::string_view::npos || !beast::iequals(value.substr(0, space), "basic")) {
        return false;
    }
    std::string_view credentials = value.substr(space + 1);
    while (!credentials.empty() && credentials.front() == ' ') {
        credentials.remove_prefix(1);
    }
    while (!credentials.empty() && (credentials.back() == ' ' || credentials.back() == '\t')) {
        credentials.remove_suffix(1);
    }
    return credentials == *state.proxy_credentials;
}

}  // namespace

namespace {

// v4-mapped IPv6 (a dual-stack listener) as the plain IPv4 the client's socket has.
asio::ip::address unmapped(const asio::ip::address& address) {
    if (address.is_v6() && address.to_v6().is_v4_mapped()) {
        return asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6());
    }
    return address;
}

void copy_address(const asio::ip::address& address, std::array<unsigned char, 16>& out) {
    if (address.is_v4()) {
        const auto bytes = address.to_v4().to_bytes();
        std::copy(bytes.begin(), bytes.end(), out.begin());
    } else {
        const auto bytes = address.to_v6().to_bytes();
        std::copy(bytes.begin(), bytes.end(), out.begin());
    }
}

}  // namespace

void Connection::start_process_lookup() {
    const auto client_address = unmapped(peer.address());
    const auto server_address = unmapped(local.address());
    if (!client_address.is_loopback() || client_address.is_v4() != server_address.is_v4()) {
        return;
    }
    SocketEnds ends;
    ends.ipv6 = client_address.is_v6();
    copy_address(client_address, ends.client_address);
    ends.client_port = peer.port();
    copy_address(server_address, ends.server_address);
    ends.server_port = local.port();
    auto lookup = std::make_shared<ProcessLookup>();
    process_lookup = lookup;
    // The finder's thread only fills the slot: no Asio object is shared across threads.
    state.process_finder.find(ends, [lookup](std::optional<audit::ClientProcess> found) {
        lookup->value = std::move(found);
        lookup->done.store(true, std::memory_order_release);
    });
}

asio::awaitable<std::optional<audit::ClientProcess>> Connection::client_process() {
    if (!process_lookup) {
        co_return std::nullopt;
    }
    // Normally done long before (a netlink query and a readlink scan, well under a
    // millisecond); else checked every millisecond, for 2 s at most.
    if (!process_lookup->done.load(std::memory_order_acquire)) {
        asio::steady_timer pause(stream.get_executor());
        for (int i = 0; i < 2000 && !process_lookup->done.load(std::memory_order_acquire); ++i) {
            pause.expires_after(std::chrono::milliseconds(1));
            co_await pause.async_wait(use_nothrow);
        }
    }
    if (!process_lookup->done.load(std::memory_order_acquire)) {
        co_return std::nullopt;
    }
    co_return process_lookup->value;
}

template <class Client>
asio::awaitable<std::uint64_t> write_local(Connection& conn, Client& client,
                                           StringResponse& response) {
    auto& tcp = beast::get_lowest_layer(client);
    tcp.expires_after(conn.state.config.limits.idle_timeout);
    auto [ec, n] = co_await bh::async_write(client, response, use_nothrow);
    tcp.expires_never();
    co_return ec ? 0 : n;
}

template <class Client>
asio::awaitable<void> refuse(Connection& conn, Client& client, const Exchange* exchange,
                             unsigned status, std::string_view code, std::string_view message,
                             bool keep_alive) {
    audit::RefusedRecord record;
    record.ts = exchange != nullptr ? exchange->ts : std::chrono::system_clock::now();
    record.id = audit::new_event_id();
    record.instance = conn.state.instance;
    record.client = conn.client;
    record.status = status;
    record.error = std::string(code);
    unsigned version = 11;
    if (exchange != nullptr && exchange->parser.is_header_done()) {
        const auto& req = exchange->parser.get();
        record.method = std::string(req.method_string());
        version = exchange->version;
        std::string error;
        const auto target = req.method() == bh::verb::connect
                                ? http::parse_authority_target(req.target(), error)
                                : http::parse_absolute_target(req.target(), error);
        if (target) {
            record.host = target->host;
            record.port = target->port;
        }
    }
    auto response = json_error(status, code, message, version, keep_alive);
    if (status == 407) {
        response.set(bh::field::proxy_authenticate, "Basic realm=\"uaudit\"");
    }
    co_await write_local(conn, client, response);
    conn.state.metrics.count_refused();
    conn.state.record(record);
}

template <class Client>
asio::awaitable<bool> read_next_request(Connection& conn, Client& client, Exchange& exchange) {
    ServerState& state = conn.state;
    const auto& limits = state.config.limits;
    const http::HeadLimits head_limits{limits.max_header_bytes, limits.header_timeout,
                                       limits.idle_timeout};
    exchange.parser.header_limit(
        static_cast<std::uint32_t>(std::min<std::uint64_t>(limits.max_header_bytes, 0xffffffffu)));
    exchange.parser.body_limit(boost::none);
    if (conn.session != nullptr) {
        conn.session->idle = conn.buffer.size() == 0;
    }
    exchange.head =
        co_await http::read_request_head(client, conn.buffer, exchange.parser, head_limits);
    if (conn.session != nullptr) {
        conn.session->idle = false;
    }
    const auto now_steady = std::chrono::steady_clock::now();
    exchange.started = exchange.head.first_byte == std::chrono::steady_clock::time_point{}
                           ? now_steady
                           : exchange.head.first_byte;
    exchange.ts = std::chrono::system_clock::now() -
                  std::chrono::duration_cast<std::chrono::system_clock::duration>(now_steady -
                                                                                  exchange.started);
    const auto status = exchange.head.status;
    if (status == http::HeadStatus::ok) {
        co_return true;
    }
    if (status == http::HeadStatus::closed || status == http::HeadStatus::idle_timeout ||
        status == http::HeadStatus::aborted) {
        co_return false;  // nothing was answered, so nothing is recorded
    }
    const ExchangeGuard in_flight(state.metrics);
    switch (status) {
        case http::HeadStatus::header_timeout:
            co_await refuse(conn, client, nullptr, 408, "header_timeout",
                            "the request head did not arrive within limits.header_timeout", false);
            break;
        case http::HeadStatus::too_large:
            co_await refuse(conn, client, nullptr, 431, "header_too_large",
                            "the request head exceeds limits.max_header_bytes", false);
            break;
        case http::HeadStatus::bad_framing:
            co_await refuse(conn, client, nullptr, 400, "request_smuggling",
                            "ambiguous request framing: " + exchange.head.reason, false);
            break;
        default:
            co_await refuse(conn, client, nullptr, 400, "malformed_request",
                            "malformed request head: " + exchange.head.reason, false);
            break;
    }
    co_return false;
}

asio::awaitable<void> serve_forward(tcp::socket socket, ServerState& state) {
    error_code ec;
    const auto peer = socket.remote_endpoint(ec);
    const auto local = socket.local_endpoint(ec);
    Connection conn(state, TcpStream(std::move(socket)), endpoint_text(peer), peer, local);
    state.metrics.connection_opened();
    RegistryGuard guard{state, std::make_shared<SessionHandle>()};
    guard.handle->stream = &conn.stream;
    conn.session = guard.handle.get();
    state.sessions.add(guard.handle, conn.stream.get_executor());

    if (!state.client_allowed(peer.address())) {
        const ExchangeGuard in_flight(state.metrics);
        co_await refuse(conn, nullptr, 403, "client_not_allowed",
                        "this client address is not in access.allow_clients", false);
        conn.stream.socket().shutdown(tcp::socket::shutdown_both, ec);
        co_return;
    }
    conn.start_process_lookup();
    const auto& limits = state.config.limits;
    while (!state.stopping) {
        Exchange exchange;
        if (!co_await read_next_request(conn, conn.stream, exchange)) {
            co_return;
        }
        std::optional<ExchangeGuard> in_flight;
        in_flight.emplace(state.metrics);
        auto& req = exchange.parser.get();
        exchange.version = req.version() >= 11 ? 11 : 10;
        exchange.keep_alive = req.keep_alive();
        // A request with a body we do not read must end the connection.
        const bool bodyless = exchange.parser.is_done();

        if (!proxy_auth_ok(state, req)) {
            co_await refuse(conn, &exchange, 407, "proxy_auth_required",
                            "proxy authentication required (Basic)",
                            bodyless && exchange.keep_alive);
            if (!bodyless || !exchange.keep_alive) {
                co_return;
            }
            continue;
        }
        std::string error;
        if (req.method() == bh::verb::connect) {
            const auto target = http::parse_authority_target(req.target(), error);
            if (!target) {
                co_await refuse(conn, &exchange, 400, "bad_target", error, false);
                co_return;
            }
            const auto& ports = state.config.connect_ports;
            if (std::find(ports.begin(), ports.end(), target->port) == ports.end()) {
                co_await refuse(conn, &exchange, 403, "port_not_allowed",
                                "CONNECT to port " + std::to_string(target->port) +
                                    " is not allowed (connect_ports)",
                                bodyless && exchange.keep_alive);
                if (!bodyless || !exchange.keep_alive) {
                    co_return;
                }
                continue;
            }
            in_flight.reset();  // a tunnel counts its own exchanges
            co_await connect_exchange(conn, exchange, *target);
            co_return;
        }
        const auto target = http::parse_absolute_target(req.target(), error);
        if (!target) {
            co_await refuse(conn, &exchange, 400, "bad_target", error, false);
            co_return;
        }
        if (auto reason = http::check_request_framing(req)) {
            co_await refuse(conn, &exchange, 400, "request_smuggling", *reason, false);
            co_return;
        }
        if (limits.max_body_bytes > 0 && exchange.parser.content_length() &&
            *exchange.parser.content_length() > limits.max_body_bytes) {
            co_await refuse(conn, &exchange, 413, "body_too_large",
                            "the request body exceeds limits.max_body_bytes", false);
            co_return;
        }
        if (!co_await forward_exchange<TcpStream, TcpStream>(conn, conn.stream, exchange, *target,
                                                             audit::Via::forward)) {
            co_return;
        }
    }
}

template asio::awaitable<std::uint64_t> write_local(Connection&, TcpStream&, StringResponse&);
template asio::awaitable<std::uint64_t> write_local(Connection&, http::InterceptStream&,
                                                    StringResponse&);
template asio::awaitable<void> refuse(Connection&, TcpStream&, const Exchange*, unsigned,
                                      std::string_view, std::string_view, bool);
template asio::awaitable<void> refuse(Connection&, http::InterceptStream&, const Exchange*,
                                      unsigned, std::string_view, std::string_view, bool);
template asio::awaitable<bool> read_next_request(Connection&, http::InterceptStream&, Exchange&);

}  // namespace uaudit::server
