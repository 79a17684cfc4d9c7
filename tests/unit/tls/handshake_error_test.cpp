#include "tls/handshake_error.hpp"

#include <boost/system/error_code.hpp>
#include <catch2/catch.hpp>
#include <openssl/ssl.h>

#include <string>

using namespace uaudit::tls;
using Kind = HandshakeError::Kind;

namespace {

// Stand-ins for Asio's categories, which this module recognizes by name (it does not link
// Asio); the names are those of boost/asio/ssl/impl/error.ipp and boost/asio/impl/error.ipp.
// error_category's destructor is protected and non-virtual by design (categories are never
// deleted through a base pointer), which -Wnon-virtual-dtor cannot know.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnon-virtual-dtor"
class NamedCategory : public boost::system::error_category {
public:
    explicit NamedCategory(const char* name)
        : name_(name) {}
    const char* name() const noexcept override { return name_; }
    std::string message(int value) const override {
        return std::string(name_) + " " + std::to_string(value);
    }

private:
    const char* name_;
};
#pragma GCC diagnostic pop

const NamedCategory asio_ssl("asio.ssl");
const NamedCategory asio_ssl_stream("asio.ssl.stream");
const NamedCategory asio_misc("asio.misc");

}  // namespace

TEST_CASE("handshake error: from Asio error codes", "[tls][handshake]") {
    const auto openssl = handshake_error_from(boost::system::error_code(0x0A000086, asio_ssl));
    CHECK(openssl.kind == Kind::openssl);
    CHECK(openssl.code == 0x0A000086UL);
    // OpenSSL 3 system errors have the top bit set; Asio stores them as a negative int.
    const auto system =
        handshake_error_from(boost::system::error_code(-2147483647 - 1 + 104, asio_ssl));
    CHECK(system.code == 0x80000068UL);

    CHECK(handshake_error_from(boost::system::error_code(1, asio_ssl_stream)).kind ==
          Kind::closed);  // stream_truncated
    CHECK(handshake_error_from(boost::system::error_code(2, asio_misc)).kind == Kind::closed);
    const auto reset = handshake_error_from(
        boost::system::errc::make_error_code(boost::system::errc::connection_reset));
    CHECK(reset.kind == Kind::closed);
    CHECK(reset.message == "Connection reset by peer");

    const auto unspecified = handshake_error_from(boost::system::error_code(2, asio_ssl_stream));
    CHECK(unspecified.kind == Kind::other);
    CHECK(unspecified.message == "asio.ssl.stream 2");
    const auto not_eof = handshake_error_from(boost::system::error_code(1, asio_misc));
    CHECK(not_eof.kind == Kind::other);
    const auto timeout =
        handshake_error_from(boost::system::errc::make_error_code(boost::system::errc::timed_out));
    CHECK(timeout.kind == Kind::other);
    CHECK(timeout.message == "Connection timed out");
}

TEST_CASE("handshake error: from raw OpenSSL results", "[tls][handshake]") {
    CHECK(handshake_error_from_ssl(SSL_ERROR_SSL, 42).kind == Kind::openssl);
    CHECK(handshake_error_from_ssl(SSL_ERROR_SSL, 42).code == 42);
    CHECK(handshake_error_from_ssl(SSL_ERROR_SYSCALL, 7).kind == Kind::openssl);
    CHECK(handshake_error_from_ssl(SSL_ERROR_SYSCALL, 0).kind == Kind::closed);
    CHECK(handshake_error_from_ssl(SSL_ERROR_ZERO_RETURN, 0).kind == Kind::closed);
    const auto odd = handshake_error_from_ssl(SSL_ERROR_WANT_X509_LOOKUP, 0);
    CHECK(odd.kind == Kind::other);
    CHECK(odd.message == "unexpected SSL_get_error result 4");
}
