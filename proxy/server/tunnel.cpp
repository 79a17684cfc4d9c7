#include "server/tunnel.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/write.hpp>

#include <array>

namespace uaudit::server {
namespace {

using Clock = std::chrono::steady_clock;

asio::awaitable<void> pump(tcp::socket& from, tcp::socket& to, std::uint64_t& count,
                           Clock::time_point& last) {
    std::array<char, 16 * 1024> data{};
    for (;;) {
        auto [ec, n] = co_await from.async_read_some(asio::buffer(data), use_nothrow);
        if (n > 0) {
            last = Clock::now();
            auto [wec, written] =
                co_await asio::async_write(to, asio::buffer(data.data(), n), use_nothrow);
            count += written;
            last = Clock::now();
            if (wec) {
                ec = wec;
            }
        }
        if (ec) {
            error_code ignored;  // the peer may be gone already
            if (ec == asio::error::eof) {
                // Pass the end on as a half-close, so the other direction can still finish.
                to.shutdown(tcp::socket::shutdown_send, ignored);
            } else {
                // Reset, or closed by a stop: the other direction ends too, so that the tunnel
                // is recorded now rather than when a silent peer finally speaks.
                to.close(ignored);
            }
            co_return;
        }
    }
}

// Returns (never throws) when nothing moved for `idle`; cancelled when the pumps end first.
asio::awaitable<bool> watchdog(const Clock::time_point& last, std::chrono::milliseconds idle) {
    asio::steady_timer timer(co_await asio::this_coro::executor);
    for (;;) {
        const auto deadline = last + idle;
        if (Clock::now() >= deadline) {
            co_return true;
        }
        timer.expires_at(deadline);
        auto [ec] = co_await timer.async_wait(use_nothrow);
        if (ec) {
            co_return false;
        }
    }
}

}  // namespace

asio::awaitable<TunnelResult> run_tunnel(TcpStream& client, beast::flat_buffer& client_buffer,
                                         TcpStream& upstream, std::chrono::milliseconds idle) {
    using namespace asio::experimental::awaitable_operators;
    TunnelResult result;
    client.expires_never();
    upstream.expires_never();
    if (client_buffer.size() > 0) {
        auto [ec, n] =
            co_await asio::async_write(upstream.socket(), client_buffer.data(), use_nothrow);
        result.client_to_upstream += n;
        client_buffer.consume(client_buffer.size());
        if (ec) {
            co_return result;
        }
    }
    auto last = Clock::now();
    auto outcome =
        co_await ((pump(client.socket(), upstream.socket(), result.client_to_upstream, last) &&
                   pump(upstream.socket(), client.socket(), result.upstream_to_client, last)) ||
                  watchdog(last, idle));
    result.idle_timeout = outcome.index() == 1 && std::get<1>(outcome);
    co_return result;
}

}  // namespace uaudit::server
