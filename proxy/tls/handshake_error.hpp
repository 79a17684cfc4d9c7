#pragma once
// How a TLS handshake failed, in terms that need no Asio: the input of the upstream failure
// and client rejection classifiers. The server module gets a boost::system::error_code from a
// failed `ssl::stream::async_handshake`; handshake_error_from() turns it into this.

#include <boost/system/error_code.hpp>

#include <string>
#include <utility>

namespace uaudit::tls {

struct HandshakeError {
    enum class Kind {
        openssl,  // OpenSSL reported an error: `code` says which
        closed,   // the peer closed (or reset) the connection before the handshake finished
        other,    // anything else the transport reported: `message` says what
    };

    Kind kind = Kind::other;
    unsigned long code = 0;  // Kind::openssl: the packed OpenSSL error (ERR_get_error)
    std::string message;     // Kind::other (and closed): the transport's description

    static HandshakeError openssl(unsigned long code) { return {Kind::openssl, code, {}}; }
    static HandshakeError closed(std::string message = "connection closed") {
        return {Kind::closed, 0, std::move(message)};
    }
    static HandshakeError other(std::string message) {
        return {Kind::other, 0, std::move(message)};
    }
};

/// From the error_code of a failed Asio SSL handshake. Asio's categories are recognized by
/// name, so this module need not link Asio: "asio.ssl" carries the OpenSSL error code (as
/// `int`); "asio.ssl.stream" `stream_truncated` and "asio.misc" `eof` mean the peer closed
/// the connection, as do connection_reset and broken_pipe; everything else is `other`.
HandshakeError handshake_error_from(const boost::system::error_code& ec);

/// From a raw OpenSSL failure, the way Asio's engine reads it: `ssl_error` is SSL_get_error()
/// of the failed call and `code` the ERR_get_error() after it. SSL_ERROR_SSL is an OpenSSL
/// error; SSL_ERROR_SYSCALL without a code and SSL_ERROR_ZERO_RETURN mean the peer closed.
HandshakeError handshake_error_from_ssl(int ssl_error, unsigned long code);

}  // namespace uaudit::tls
