#pragma once
// Streaming relay of one HTTP/1.x message (head already parsed by `parser`) from one stream to
// another with `buffer_body` and a fixed buffer: a body is never held whole in memory, whatever
// its framing (Content-Length, chunked, or until close for responses). The serializer frames
// the forwarded body from the (possibly edited) head: `chunked` re-chunks, a Content-Length is
// copied byte for byte.

#include "core/asio.hpp"
#include "http/read_head.hpp"

#include <boost/asio/write.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/write.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <span>
#include <string>

namespace uaudit::http {

/// Outcome of a relay: which side failed, and how many bytes moved.
struct RelayResult {
    error_code read_error;   // reading from the source (peer gone, bad chunk, body_limit, ...)
    error_code write_error;  // writing to the sink
    std::uint64_t bytes_read = 0;     // bytes the parser consumed from the source (the body)
    std::uint64_t bytes_written = 0;  // bytes written to the sink (head and body)

    bool ok() const { return !read_error && !write_error; }
};

template <bool IsRequest>
using BufferParser = beast::http::parser<IsRequest, beast::http::buffer_body>;

namespace detail {
/// The HTTP/1.1 head of `message` as Beast's serializer writes it: start line, fields in
/// order, blank line.
template <bool IsRequest, class Body>
void format_head(const beast::http::message<IsRequest, Body>& message, std::string& out) {
    const unsigned version = message.version();
    const char version_text[] = {'H', 'T',
                                 'T', 'P',
                                 '/', static_cast<char>('0' + version / 10),
                                 '.', static_cast<char>('0' + version % 10)};
    if constexpr (IsRequest) {
        out.append(message.method_string()).append(" ").append(message.target()).append(" ");
        out.append(version_text, sizeof version_text).append("\r\n");
    } else {
        out.append(version_text, sizeof version_text).append(" ");
        out.append(std::to_string(message.result_int())).append(" ");
        const auto reason = message.reason();
        out.append(reason.empty() ? beast::http::obsolete_reason(message.result()) : reason);
        out.append("\r\n");
    }
    for (const auto& field : message) {
        out.append(field.name_string()).append(": ").append(field.value()).append("\r\n");
    }
    out.append("\r\n");
}

/// Moves body bytes already in `src_buffer` into `chunk` through `parser`, without I/O.
/// Returns the bytes of `chunk` filled; `ec` is set on a malformed body.
template <bool IsRequest>
std::size_t fill_from_buffer(beast::flat_buffer& src_buffer, BufferParser<IsRequest>& parser,
                             std::span<char> chunk, std::uint64_t& bytes_read, error_code& ec) {
    auto& body = parser.get().body();
    body.data = chunk.data();
    body.size = chunk.size();
    while (src_buffer.size() > 0 && body.size > 0 && !parser.is_done()) {
        const std::size_t used = parser.put(src_buffer.data(), ec);
        src_buffer.consume(used);
        bytes_read += used;
        if (ec == beast::http::error::need_buffer) {
            ec = {};
            break;
        }
        if (ec || used == 0) {
            break;
        }
    }
    return chunk.size() - body.size;
}
}  // namespace detail

/// Writes `parser.get()`'s head to `dst` and then, unless `head_only`, streams the body from
/// `src` (through `src_buffer`, which may already hold body bytes) to `dst` through `chunk`
/// (scratch space, reused by the caller). Each read and write is bounded by `io_timeout`
/// (streams without deadlines, e.g. beast::test::stream, ignore it). `head_only` is for
/// messages that have no body on the wire (responses to HEAD, 1xx/204/304). Body bytes that
/// are already buffered go out in the same write as the head: one system call for a small
/// message instead of two.
template <class Src, class Dst, bool IsRequest>
asio::awaitable<RelayResult> relay_message(Src& src, beast::flat_buffer& src_buffer,
                                           BufferParser<IsRequest>& parser, Dst& dst,
                                           std::chrono::milliseconds io_timeout,
                                           std::span<char> chunk, bool head_only = false) {
    RelayResult result;
    auto& message = parser.get();
    beast::http::serializer<IsRequest, beast::http::buffer_body> serializer{message};

    // Prepared body bytes for the next write; the head goes with the first of them.
    bool body_ready = false;
    if (head_only) {
        detail::expire_after(dst, io_timeout);
        auto [ec, n] = co_await beast::http::async_write_header(dst, serializer, use_nothrow);
        result.bytes_written += n;
        result.write_error = ec;
        co_return result;
    }
    if (parser.is_done()) {
        message.body().data = nullptr;
        message.body().size = 0;
        message.body().more = false;
        body_ready = true;
    } else if (src_buffer.size() > 0) {
        error_code ec;
        const std::size_t filled =
            detail::fill_from_buffer(src_buffer, parser, chunk, result.bytes_read, ec);
        if (ec) {
            result.read_error = ec;
            co_return result;
        }
        message.body().data = filled > 0 ? chunk.data() : nullptr;
        message.body().size = filled;
        message.body().more = !parser.is_done();
        body_ready = filled > 0 || parser.is_done();
    }
    if (body_ready && parser.is_done() && !message.chunked()) {
        // The whole message is here and its framing stays as it is: one contiguous head and
        // the body in a single gather write, instead of the serializer's buffer per field part.
        std::string head;
        detail::format_head(message, head);
        const std::array<asio::const_buffer, 2> buffers{
            asio::buffer(head), asio::const_buffer(message.body().data, message.body().size)};
        detail::expire_after(dst, io_timeout);
        auto [ec, n] = co_await asio::async_write(dst, buffers, use_nothrow);
        result.bytes_written += n;
        result.write_error = ec;
        detail::expire_never(dst);
        co_return result;
    }
    if (!body_ready) {
        // Nothing of the body is here yet: the head goes alone, so that the peer sees it now.
        detail::expire_after(dst, io_timeout);
        auto [ec, n] = co_await beast::http::async_write_header(dst, serializer, use_nothrow);
        result.bytes_written += n;
        if (ec) {
            result.write_error = ec;
            co_return result;
        }
    }
    do {
        if (!body_ready) {
            if (!parser.is_done()) {
                message.body().data = chunk.data();
                message.body().size = chunk.size();
                detail::expire_after(src, io_timeout);
                auto [ec, n] =
                    co_await beast::http::async_read_some(src, src_buffer, parser, use_nothrow);
                result.bytes_read += n;
                if (ec == beast::http::error::need_buffer) {
                    ec = {};
                }
                if (ec) {
                    result.read_error = ec;
                    co_return result;
                }
                // A read can end on a chunk header with no body byte yet: no data then, as
                // Beast would frame an empty piece as the last chunk.
                const std::size_t filled = chunk.size() - message.body().size;
                message.body().size = filled;
                message.body().data = filled > 0 ? chunk.data() : nullptr;
                message.body().more = !parser.is_done();
            } else {
                message.body().data = nullptr;
                message.body().size = 0;
                message.body().more = false;
            }
        }
        body_ready = false;
        detail::expire_after(dst, io_timeout);
        auto [ec, n] = co_await beast::http::async_write(dst, serializer, use_nothrow);
        result.bytes_written += n;
        if (ec == beast::http::error::need_buffer) {
            ec = {};
        }
        if (ec) {
            result.write_error = ec;
            co_return result;
        }
    } while (!parser.is_done() || !serializer.is_done());
    detail::expire_never(dst);
    co_return result;
}

/// Reads and drops the rest of a message body (e.g. of a request answered locally), at most
/// `max_bytes`; false when the body was larger or the read failed (close the connection then).
template <class Src, bool IsRequest>
asio::awaitable<bool> discard_body(Src& src, beast::flat_buffer& src_buffer,
                                   BufferParser<IsRequest>& parser, std::uint64_t max_bytes,
                                   std::chrono::milliseconds io_timeout, std::uint64_t& bytes_read,
                                   std::span<char> chunk) {
    std::uint64_t total = 0;
    while (!parser.is_done()) {
        parser.get().body().data = chunk.data();
        parser.get().body().size = chunk.size();
        detail::expire_after(src, io_timeout);
        auto [ec, n] = co_await beast::http::async_read(src, src_buffer, parser, use_nothrow);
        bytes_read += n;
        total += n;
        if (ec == beast::http::error::need_buffer) {
            ec = {};
        }
        if (ec || total > max_bytes) {
            co_return false;
        }
    }
    co_return true;
}

}  // namespace uaudit::http
