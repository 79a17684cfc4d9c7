#include "client.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <openssl/ssl.h>

#include <algorithm>
#include <limits>

namespace uaudit::load {
namespace {

using SslStream = beast::ssl_stream<TcpStream>;
using Request = beast::http::request<beast::http::empty_body>;

constexpr std::uint64_t body_limit = 64U * 1024U * 1024U;
// After a failed connection or request, the worker waits this long before the next one, so
// that a server refusing everything does not turn the run into a busy loop.
constexpr auto pause_after_failure = std::chrono::milliseconds(10);

/// What a connection does next.
enum class Next {
    again,      ///< the step succeeded: go on with this connection
    reconnect,  ///< this connection is done, cleanly (keep-alive off, or the server said close)
    failed,     ///< a failure was counted: open a new connection after a short pause
    stop,       ///< the run is over
};

// Bounds the next wait on `stream` by the timeout and by the end of the run.
void arm(TcpStream& stream, const Plan& plan, const RunControl& control) {
    stream.expires_at(std::min(Clock::now() + plan.timeout, control.deadline()));
}

// Counts a failure under `kind` (or timeout); a wait cut short by the end of the run is no
// failure: the request it belonged to is just not counted.
Next fail(Stats& stats, const RunControl& control, ErrorKind kind, const error_code& ec) {
    if (ec == beast::error::timeout) {
        if (Clock::now() >= control.deadline()) {
            return Next::stop;
        }
        kind = ErrorKind::timeout;
    }
    stats.add_error(kind);
    return Next::failed;
}

Request make_request(const Plan& plan) {
    Request request{beast::http::verb::get, plan.target, 11};
    request.set(beast::http::field::host, plan.host_field);
    request.set(beast::http::field::user_agent, "uaudit_load/1");
    for (const auto& [name, value] : plan.headers) {
        request.set(name, value);  // replaces a field of the same name, the User-Agent too
    }
    request.keep_alive(plan.keepalive);
    return request;
}

// TCP connect, then CONNECT when TLS goes through a proxy.
asio::awaitable<Next> open(TcpStream& stream, const Plan& plan, const RunControl& control,
                           Stats& stats) {
    arm(stream, plan, control);
    auto [ec] = co_await stream.async_connect(plan.endpoint, use_nothrow);
    if (ec) {
        co_return fail(stats, control, ErrorKind::connect, ec);
    }
    stream.socket().set_option(tcp::no_delay(true), ec);  // best effort: latency only
    if (!plan.tls || !plan.via_proxy) {
        co_return Next::again;
    }
    Request connect{beast::http::verb::connect, plan.authority, 11};
    connect.set(beast::http::field::host, plan.authority);
    arm(stream, plan, control);
    auto [wec, written] = co_await beast::http::async_write(stream, connect, use_nothrow);
    if (wec) {
        co_return fail(stats, control, ErrorKind::proxy, wec);
    }
    beast::flat_buffer buffer;
    beast::http::response_parser<beast::http::empty_body> parser;
    parser.skip(true);  // a 2xx answer to CONNECT has no body, whatever its fields say
    arm(stream, plan, control);
    auto [rec, read] = co_await beast::http::async_read(stream, buffer, parser, use_nothrow);
    if (rec) {
        co_return fail(stats, control, ErrorKind::proxy, rec);
    }
    const unsigned status = parser.get().result_int();
    // Bytes after the answer would belong to the TLS server, which never speaks first.
    if (status < 200 || status > 299 || buffer.size() != 0) {
        stats.add_error(ErrorKind::proxy);
        co_return Next::failed;
    }
    co_return Next::again;
}

// SNI (for names, not address literals, RFC 6066 §3) and the host name check.
bool prepare_tls(SslStream& stream, const Plan& plan) {
    error_code ec;
    asio::ip::make_address(plan.host, ec);
    const bool literal = !ec;
    // SSL_set_tlsext_host_name is a macro with a C cast; this is its expansion.
    if (!literal &&
        SSL_ctrl(stream.native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                 const_cast<char*>(plan.host.c_str())) != 1) {
        return false;
    }
    if (plan.verify) {
        stream.set_verify_callback(asio::ssl::host_name_verification(plan.host), ec);
        return !ec;
    }
    return true;
}

asio::awaitable<Next> handshake(SslStream& stream, const Plan& plan, const RunControl& control,
                                Stats& stats) {
    if (!prepare_tls(stream, plan)) {
        stats.add_error(ErrorKind::handshake);
        co_return Next::failed;
    }
    arm(beast::get_lowest_layer(stream), plan, control);
    auto [ec] = co_await stream.async_handshake(asio::ssl::stream_base::client, use_nothrow);
    if (ec) {
        co_return fail(stats, control, ErrorKind::handshake, ec);
    }
    co_return Next::again;
}

// One request and its response; latency from `started`.
template <class Stream>
asio::awaitable<Next> exchange(Stream& stream, beast::flat_buffer& buffer, const Request& request,
                               Clock::time_point started, const Plan& plan,
                               const RunControl& control, Stats& stats) {
    auto& lowest = beast::get_lowest_layer(stream);
    arm(lowest, plan, control);
    auto [wec, written] = co_await beast::http::async_write(stream, request, use_nothrow);
    if (wec) {
        co_return fail(stats, control, ErrorKind::write, wec);
    }
    beast::http::response_parser<beast::http::string_body> parser;
    parser.body_limit(body_limit);
    arm(lowest, plan, control);
    auto [rec, read] = co_await beast::http::async_read(stream, buffer, parser, use_nothrow);
    if (rec) {
        // Nothing at all on a connection that was fine: the server closed it (idle or
        // request limit) rather than answering badly.
        const bool nothing = !parser.got_some() && rec != beast::error::timeout;
        co_return fail(stats, control, nothing ? ErrorKind::closed : ErrorKind::read, rec);
    }
    const auto latency =
        std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - started);
    const auto& response = parser.get();
    ++stats.responses;
    stats.body_bytes += response.body().size();
    const unsigned status = response.result_int();
    if (status >= 200 && status <= 299) {
        ++stats.ok;
        stats.latencies_us.push_back(static_cast<std::uint32_t>(
            std::min<std::int64_t>(latency.count(), std::numeric_limits<std::uint32_t>::max())));
    } else {
        stats.add_error(ErrorKind::status);
    }
    const bool reuse = plan.keepalive && response.keep_alive();
    co_return reuse ? Next::again : Next::reconnect;
}

// Requests on one ready connection until it ends. The first request's slot is already
// claimed; with keep-alive off its latency starts at `started` (the connect).
template <class Stream>
asio::awaitable<Next> serve(Stream& stream, const Request& request, Clock::time_point started,
                            const Plan& plan, RunControl& control, Stats& stats) {
    ++stats.connections;
    beast::flat_buffer buffer;
    for (bool first = true;; first = false) {
        if (!first && !control.claim()) {
            co_return Next::stop;
        }
        if (!first || plan.keepalive) {
            started = Clock::now();
        }
        const Next next = co_await exchange(stream, buffer, request, started, plan, control, stats);
        if (next != Next::again) {
            // No TLS close_notify: waiting for the server's would add a round trip to every
            // connection, and a TCP close after a complete response ends HTTP/1.1 cleanly.
            co_return next;
        }
    }
}

asio::awaitable<void> pause(const RunControl& control) {
    asio::steady_timer timer(co_await asio::this_coro::executor);
    timer.expires_at(std::min(Clock::now() + pause_after_failure, control.deadline()));
    auto [ec] = co_await timer.async_wait(use_nothrow);
    (void)ec;  // the timer is never cancelled; its end is all that matters
}

}  // namespace

asio::awaitable<void> run_connection(const Plan& plan, asio::ssl::context& tls_context,
                                     RunControl& control, Stats& stats) {
    const auto executor = co_await asio::this_coro::executor;
    const Request request = make_request(plan);
    while (control.claim()) {
        const auto started = Clock::now();
        TcpStream transport(executor);
        Next next = co_await open(transport, plan, control, stats);
        if (next == Next::again && plan.tls) {
            SslStream stream(std::move(transport), tls_context);
            next = co_await handshake(stream, plan, control, stats);
            if (next == Next::again) {
                next = co_await serve(stream, request, started, plan, control, stats);
            }
        } else if (next == Next::again) {
            next = co_await serve(transport, request, started, plan, control, stats);
        }
        if (next == Next::stop) {
            co_return;
        }
        if (next == Next::failed) {
            co_await pause(control);
        }
    }
}

}  // namespace uaudit::load
