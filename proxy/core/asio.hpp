#pragma once
// Asio and Beast for the whole project: namespace aliases and the completion token every
// coroutine uses. Asio and Beast are compiled once, in asio_impl.cpp (target uaudit_asio,
// BOOST_ASIO_SEPARATE_COMPILATION / BOOST_BEAST_SEPARATE_COMPILATION): include this header
// only from targets that link uaudit_asio.

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>

namespace uaudit {

namespace asio = boost::asio;
namespace beast = boost::beast;

using error_code = boost::system::error_code;
using tcp = asio::ip::tcp;

/// Coroutine completion token that returns errors as the first tuple element instead of
/// throwing: `auto [ec, n] = co_await stream.async_read_some(buf, use_nothrow);`.
/// Network and peer failures are expected, so the data plane never throws on them.
constexpr auto use_nothrow = asio::as_tuple(asio::use_awaitable);

/// A TCP stream with Beast's per-operation deadlines (`expires_after`).
using TcpStream = beast::tcp_stream;

}  // namespace uaudit
