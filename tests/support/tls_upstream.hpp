#pragma once
// An in-process HTTPS origin for the interception tests: binds 127.0.0.1:0, speaks TLS with a
// certificate of its own test CA (never uaudit's), serves on its own threads (one per
// connection, blocking Beast over Asio.SSL) and records every request it receives.
// Behaviour by path:
//   /status/<n>     that status (no body for 204/304)
//   anything else   200 with `TlsUpstreamOptions::body`, keep-alive as the client asks

#include "core/asio.hpp"
#include "support/fake_upstream.hpp"

#include <boost/asio/ssl/context.hpp>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace uaudit::test {

/// Which certificate an origin presents.
enum class OriginCert {
    trusted,    // signed by the test CA, valid now, for the configured names
    untrusted,  // the same, but signed by a second CA nobody is told about
    expired,    // signed by the test CA, for the names, but expired a day ago
    wrong_name  // signed by the test CA, valid, for wrong-name.example.test only
};

/// A test CA and one leaf certificate it (or, for OriginCert::untrusted, another CA) signed,
/// written as PEM files into a fresh temporary directory (removed on destruction): what the
/// in-process origin and a real server such as nginx present.
class OriginPki {
public:
    /// Throws std::runtime_error when OpenSSL cannot make the keys or certificates.
    explicit OriginPki(std::vector<std::string> names = {"api.securitycenter.microsoft.com"},
                       OriginCert kind = OriginCert::trusted);
    ~OriginPki();
    OriginPki(const OriginPki&) = delete;
    OriginPki& operator=(const OriginPki&) = delete;

    /// The test CA's certificate (the trust anchor to give `tls.upstream_ca_file` or
    /// `curl --cacert`). For OriginCert::untrusted it is NOT the CA that signed the leaf.
    const std::filesystem::path& ca_file() const { return ca_file_; }
    /// The leaf certificate and its unencrypted private key (mode 0600).
    const std::filesystem::path& cert_file() const { return cert_file_; }
    const std::filesystem::path& key_file() const { return key_file_; }
    const std::filesystem::path& dir() const { return dir_; }

private:
    std::filesystem::path dir_;
    std::filesystem::path ca_file_;
    std::filesystem::path cert_file_;
    std::filesystem::path key_file_;
};

struct TlsUpstreamOptions {
    /// The DNS names in the leaf's subjectAltName (ignored for OriginCert::wrong_name).
    std::vector<std::string> names{"api.securitycenter.microsoft.com"};
    OriginCert cert = OriginCert::trusted;
    std::string body = "hello from tls upstream";
};

class TlsUpstream {
public:
    explicit TlsUpstream(TlsUpstreamOptions options = {});
    ~TlsUpstream();
    TlsUpstream(const TlsUpstream&) = delete;
    TlsUpstream& operator=(const TlsUpstream&) = delete;

    std::uint16_t port() const { return port_; }
    const OriginPki& pki() const { return pki_; }
    /// Shorthand for pki().ca_file().
    const std::filesystem::path& ca_file() const { return pki_.ca_file(); }
    const std::string& body() const { return options_.body; }

    std::vector<SeenRequest> requests() const;
    /// Waits (up to 5 s) until `count` requests have been seen.
    bool wait_for_requests(std::size_t count) const;
    /// Accepted TCP connections, completed TLS handshakes (server side), how many of those
    /// resumed a session (SSL_session_reused), and handshakes that failed.
    std::uint64_t connections() const { return connections_.load(); }
    std::uint64_t handshakes() const { return handshakes_.load(); }
    std::uint64_t resumed() const { return resumed_.load(); }
    std::uint64_t failed_handshakes() const { return failed_handshakes_.load(); }

private:
    void accept_loop();
    void serve(std::shared_ptr<tcp::socket> socket, std::uint64_t number);

    TlsUpstreamOptions options_;
    OriginPki pki_;
    std::unique_ptr<asio::ssl::context> context_;
    asio::io_context ioc_;
    tcp::acceptor acceptor_;
    std::uint16_t port_ = 0;
    std::atomic<bool> stopping_{false};
    std::atomic<std::uint64_t> connections_{0};
    std::atomic<std::uint64_t> handshakes_{0};
    std::atomic<std::uint64_t> resumed_{0};
    std::atomic<std::uint64_t> failed_handshakes_{0};
    mutable std::mutex mutex_;
    mutable std::condition_variable seen_;
    std::vector<SeenRequest> requests_;
    std::vector<std::thread> threads_;
    std::vector<std::shared_ptr<tcp::socket>> sockets_;
    std::thread acceptor_thread_;
};

}  // namespace uaudit::test
