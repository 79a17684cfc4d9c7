#pragma once
// Real TLS handshakes without sockets: a client and a server SSL joined by an OpenSSL BIO
// pair, driven step by step, with failures recorded the way Asio's engine reports them.

#include "tls/handshake_error.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <string>
#include <string_view>

namespace uaudit::tls::test {

/// How one side's handshake went.
struct HandshakeSide {
    bool done = false;
    bool failed = false;
    HandshakeError error;  // when failed

    bool finished() const { return done || failed; }
};

class MemoryLink {
public:
    HandshakeSide client;
    HandshakeSide server;

    /// Joins `client` and `server` (each takes one end of the pair) and sets their roles.
    MemoryLink(SSL* client_ssl, SSL* server_ssl)
        : client_(client_ssl)
        , server_(server_ssl) {
        BIO_new_bio_pair(&client_bio_, 0, &server_bio_, 0);
        SSL_set_bio(client_, client_bio_, client_bio_);
        SSL_set_bio(server_, server_bio_, server_bio_);
        SSL_set_connect_state(client_);
        SSL_set_accept_state(server_);
    }

    /// Runs both handshakes until each has completed or failed (a side that fails sends its
    /// alert, which the other side then reads). True when both completed.
    bool handshake() {
        for (int round = 0; round < 50 && !(client.finished() && server.finished()); ++round) {
            step_client();
            step_server();
        }
        return client.done && server.done;
    }

    void step_client() { step(client_, client); }
    void step_server() { step(server_, server); }

    /// The client's transport closes for writing: once the server has read what was sent,
    /// it sees end of file.
    void close_client_writes() { BIO_ctrl(client_bio_, BIO_C_SHUTDOWN_WR, 0, nullptr); }

    /// Application data both ways. TLS 1.3 session tickets arrive after the handshake and
    /// are read with the first application data, so resumption tests call this.
    bool exchange(std::string_view message = "ping") {
        return send(server_, client_, message) && send(client_, server_, message);
    }

private:
    static void step(SSL* ssl, HandshakeSide& side) {
        if (side.finished()) {
            return;
        }
        ERR_clear_error();
        const int rc = SSL_do_handshake(ssl);
        if (rc == 1) {
            side.done = true;
            return;
        }
        const int error = SSL_get_error(ssl, rc);
        if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) {
            return;
        }
        side.failed = true;
        side.error = handshake_error_from_ssl(error, ERR_get_error());  // the oldest, as Asio
        ERR_clear_error();
    }

    static bool send(SSL* from, SSL* to, std::string_view message) {
        if (SSL_write(from, message.data(), static_cast<int>(message.size())) !=
            static_cast<int>(message.size())) {
            return false;
        }
        std::string received(message.size(), '\0');
        const int n = SSL_read(to, received.data(), static_cast<int>(received.size()));
        return n == static_cast<int>(message.size()) && received == message;
    }

    SSL* client_;
    SSL* server_;
    BIO* client_bio_ = nullptr;
    BIO* server_bio_ = nullptr;
};

}  // namespace uaudit::tls::test
