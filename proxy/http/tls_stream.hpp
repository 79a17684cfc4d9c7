#pragma once
// The TLS stream types of interception (SPEC §7): uaudit's own connections to real hosts, and
// the server side it speaks to a client inside an intercepted CONNECT (over the client's TCP
// stream, which the connection keeps owning).

#include "core/asio.hpp"

#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>

namespace uaudit::http {

/// uaudit -> real host.
using TlsStream = asio::ssl::stream<TcpStream>;

/// client -> uaudit, inside an intercepted CONNECT.
using InterceptStream = asio::ssl::stream<TcpStream&>;

}  // namespace uaudit::http
