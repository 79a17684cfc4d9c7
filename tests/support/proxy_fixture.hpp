#pragma once
// The proxy running in-process on port 0 in front of a FakeUpstream, plus clients to drive it:
// a blocking Beast client, raw bytes, and child processes (curl, python3).
// Names routed to the fake upstream through `resolve`:
//   api.securitycenter.microsoft.com:80  in scope (default table)
//   example.test:80                       out of scope
//   tunnel.test:443                       CONNECT target

#include "config/config.hpp"
#include "core/asio.hpp"
#include "server/proxy_server.hpp"
#include "support/fake_upstream.hpp"

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/json.hpp>

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace uaudit::test {

inline constexpr const char* in_scope_host = "api.securitycenter.microsoft.com";
inline constexpr const char* compliant_ua = "MdePartner-Contoso-ContosoCognito/1.0.0";

using Request = beast::http::request<beast::http::string_body>;
using Response = beast::http::response<beast::http::string_body>;

class ProxyFixture {
public:
    /// `tweak` edits the configuration before the proxy starts.
    explicit ProxyFixture(const std::function<void(config::Config&)>& tweak = {});
    ~ProxyFixture();

    std::uint16_t port() const { return proxy_->port(); }
    std::string proxy_url() const { return "http://127.0.0.1:" + std::to_string(port()); }
    FakeUpstream& upstream() { return upstream_; }
    server::ProxyServer& proxy() { return *proxy_; }
    const std::filesystem::path& dir() const { return dir_; }

    /// Flushes the event log and parses every line.
    std::vector<boost::json::object> events();
    std::vector<boost::json::object> events(std::string_view kind);
    std::string event_log_text();

    /// Stops the proxy (graceful) and waits.
    void stop();

private:
    std::filesystem::path dir_;
    FakeUpstream upstream_;
    std::unique_ptr<server::ProxyServer> proxy_;
};

/// A blocking HTTP/1.x client connection to the proxy.
class Client {
public:
    explicit Client(std::uint16_t port);
    /// Sends `request` and reads the response (HEAD-aware). Throws on I/O errors.
    Response send(Request request);
    /// True when the proxy has closed this connection (peeks without blocking for long).
    bool closed_by_peer();

private:
    asio::io_context ioc_;
    TcpStream stream_;
    beast::flat_buffer buffer_;
};

/// A request for `url` with the given User-Agent values (none when empty).
Request make_request(beast::http::verb method, const std::string& url,
                     const std::vector<std::string>& user_agents = {compliant_ua},
                     std::string body = {});

/// Sends raw bytes to the proxy and returns everything it answers until it closes the
/// connection or `timeout` passes. `shutdown_send` half-closes after writing.
std::string raw_exchange(std::uint16_t port, const std::string& bytes,
                         std::chrono::milliseconds timeout = std::chrono::seconds(5),
                         bool shutdown_send = false);

/// Runs a shell command; returns its exit status and stdout.
struct CommandResult {
    int status = -1;
    std::string output;
};
CommandResult run_command(const std::string& command);

}  // namespace uaudit::test
