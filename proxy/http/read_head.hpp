#pragma once
// Reading one request head with the limits of SPEC §4/§12.9: the wait for the first byte is
// bounded by `idle_timeout` (a kept-alive connection may stay quiet), the whole head must
// then arrive within `header_timeout` and fit in `max_header_bytes`. The raw head is checked
// for obs-fold before Beast's parser sees it (the parser would silently unfold it).

#include "core/asio.hpp"
#include "http/framing.hpp"

#include <boost/beast/http/parser.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace uaudit::http {

enum class HeadStatus {
    ok,
    closed,          // the peer closed (or reset) before sending a byte: normal end
    idle_timeout,    // no byte within idle_timeout: normal end of keep-alive
    header_timeout,  // the head did not complete within header_timeout (408)
    too_large,       // the head exceeds max_header_bytes (431)
    malformed,       // not a valid HTTP/1.x request head (400), `reason` says why
    bad_framing,     // conflicting Content-Length / Transfer-Encoding (400, smuggling)
    aborted,         // the peer closed or failed in the middle of the head
};

struct HeadLimits {
    std::uint64_t max_header_bytes = 64 * 1024;
    std::chrono::milliseconds header_timeout{10000};
    std::chrono::milliseconds idle_timeout{60000};
};

struct HeadResult {
    HeadStatus status = HeadStatus::ok;
    std::string reason;                                  // for malformed
    std::size_t bytes = 0;                               // bytes of the head consumed from `buffer`
    std::chrono::steady_clock::time_point first_byte{};  // when the head started
};

namespace detail {
template <class Stream>
void expire_after(Stream& stream, std::chrono::milliseconds timeout) {
    if constexpr (requires { beast::get_lowest_layer(stream).expires_after(timeout); }) {
        beast::get_lowest_layer(stream).expires_after(timeout);
    }
}

template <class Stream>
void expire_never(Stream& stream) {
    if constexpr (requires { beast::get_lowest_layer(stream).expires_never(); }) {
        beast::get_lowest_layer(stream).expires_never();
    }
}
}  // namespace detail

/// Reads a request head from `stream` (bytes already in `buffer` are used first, e.g. a
/// pipelined request) and feeds exactly the head to `parser`; the body stays in `buffer`.
/// Set `parser.body_limit(boost::none)` first and check Content-Length after the head (a
/// limit hit inside the head would hide the parsed fields). Never throws on peer input.
template <class Stream, class Parser>
asio::awaitable<HeadResult> read_request_head(Stream& stream, beast::flat_buffer& buffer,
                                              Parser& parser, const HeadLimits& limits) {
    HeadResult result;
    std::size_t scanned = 0;
    bool started = false;
    auto deadline = std::chrono::steady_clock::now() + limits.idle_timeout;
    const auto start_head = [&] {
        started = true;
        result.first_byte = std::chrono::steady_clock::now();
        deadline = result.first_byte + limits.header_timeout;
    };
    // One deadline timer per head that cancels the read (beast::tcp_stream's own expiry would
    // close the socket, and then no 408 could be written). Armed twice at most: for the first
    // byte (idle_timeout), then for the whole head (header_timeout).
    // The handler may run after this frame is gone (expired just as the read completed), so
    // what it touches lives in a shared watch that the frame retires on its way out.
    struct Watch {
        bool active = true;
        bool timed_out = false;
    };
    struct Retire {
        Watch& watch;
        ~Retire() { watch.active = false; }
    };
    auto watch = std::make_shared<Watch>();
    const Retire retire{*watch};
    asio::steady_timer timer(co_await asio::this_coro::executor);
    auto armed = std::chrono::steady_clock::time_point::min();
    const auto arm = [&](std::chrono::steady_clock::time_point when) {
        armed = when;
        timer.expires_at(when);
        // Runs on this coroutine's executor (the strand), so never concurrently with it.
        if constexpr (requires { beast::get_lowest_layer(stream).socket(); }) {
            timer.async_wait([watch, &stream](error_code ec) {
                if (!ec && watch->active) {
                    watch->timed_out = true;
                    error_code ignored;
                    beast::get_lowest_layer(stream).socket().cancel(ignored);
                }
            });
        }
    };
    for (;;) {
        // RFC 9112 §2.2: empty lines before the request line are ignored.
        while (buffer.size() >= 2 && scanned == 0) {
            const auto* p = static_cast<const char*>(buffer.data().data());
            if (p[0] == '\r' && p[1] == '\n') {
                buffer.consume(2);
            } else {
                break;
            }
        }
        if (buffer.size() > 0 && !started) {
            start_head();
        }
        const std::string_view data(static_cast<const char*>(buffer.data().data()), buffer.size());
        const std::size_t from = scanned > 3 ? scanned - 3 : 0;
        const std::size_t end = data.find("\r\n\r\n", from);
        if (end != std::string_view::npos) {
            const std::size_t head_size = end + 4;
            if (head_size > limits.max_header_bytes) {
                result.status = HeadStatus::too_large;
                co_return result;
            }
            if (auto reason = check_raw_head(data.substr(0, head_size))) {
                result.status = HeadStatus::malformed;
                result.reason = std::move(*reason);
                co_return result;
            }
            error_code ec;
            const std::size_t used = parser.put(asio::buffer(data.data(), head_size), ec);
            if (ec == beast::http::error::header_limit) {
                result.status = HeadStatus::too_large;
                co_return result;
            }
            if (ec == beast::http::error::bad_content_length ||
                ec == beast::http::error::multiple_content_length ||
                ec == beast::http::error::bad_transfer_encoding) {
                result.status = HeadStatus::bad_framing;
                result.reason = ec.message();
                co_return result;
            }
            if (ec || !parser.is_header_done() || used != head_size) {
                result.status = HeadStatus::malformed;
                result.reason = ec ? ec.message() : std::string("incomplete request head");
                co_return result;
            }
            buffer.consume(head_size);
            result.bytes = head_size;
            co_return result;
        }
        if (data.size() >= limits.max_header_bytes) {
            result.status = HeadStatus::too_large;
            co_return result;
        }
        scanned = data.size();
        const std::size_t want = std::min<std::size_t>(
            16 * 1024, static_cast<std::size_t>(limits.max_header_bytes) + 4 - data.size());
        if (watch->timed_out) {
            result.status = started ? HeadStatus::header_timeout : HeadStatus::idle_timeout;
            co_return result;
        }
        if (deadline != armed) {
            arm(deadline);
        }
        auto [ec, n] = co_await stream.async_read_some(buffer.prepare(want), use_nothrow);
        if (ec == asio::error::operation_aborted && watch->timed_out) {
            ec = beast::error::timeout;
        }
        buffer.commit(n);
        if (ec) {
            if (ec == beast::error::timeout) {
                result.status = started ? HeadStatus::header_timeout : HeadStatus::idle_timeout;
            } else {
                result.status =
                    (started || buffer.size() > 0) ? HeadStatus::aborted : HeadStatus::closed;
            }
            co_return result;
        }
    }
}

}  // namespace uaudit::http
