#include "tls/handshake_error.hpp"

#include <openssl/ssl.h>

#include <cstring>
#include <string>

namespace uaudit::tls {
namespace {

// The values of boost::asio::ssl::error::stream_truncated and boost::asio::error::eof
// (boost/asio/ssl/error.hpp, boost/asio/error.hpp).
constexpr int asio_stream_truncated = 1;
constexpr int asio_misc_eof = 2;

bool is_category(const boost::system::error_code& ec, const char* name) {
    return std::strcmp(ec.category().name(), name) == 0;
}

}  // namespace

HandshakeError handshake_error_from(const boost::system::error_code& ec) {
    if (is_category(ec, "asio.ssl")) {
        // Asio stores ERR_get_error() as int; OpenSSL 3 sets the top bit for system errors.
        return HandshakeError::openssl(static_cast<unsigned int>(ec.value()));
    }
    if ((is_category(ec, "asio.ssl.stream") && ec.value() == asio_stream_truncated) ||
        (is_category(ec, "asio.misc") && ec.value() == asio_misc_eof)) {
        return HandshakeError::closed();
    }
    if (ec == boost::system::errc::connection_reset || ec == boost::system::errc::broken_pipe) {
        return HandshakeError::closed(ec.message());
    }
    return HandshakeError::other(ec.message());
}

HandshakeError handshake_error_from_ssl(int ssl_error, unsigned long code) {
    if (ssl_error == SSL_ERROR_ZERO_RETURN || (ssl_error == SSL_ERROR_SYSCALL && code == 0)) {
        return HandshakeError::closed();
    }
    if (ssl_error == SSL_ERROR_SSL || ssl_error == SSL_ERROR_SYSCALL) {
        return HandshakeError::openssl(code);
    }
    return HandshakeError::other("unexpected SSL_get_error result " + std::to_string(ssl_error));
}

}  // namespace uaudit::tls
