#pragma once
// uaudit in front of an in-process HTTPS origin for the interception tests (SPEC §7):
// `api.securitycenter.microsoft.com:443` resolves to the origin, whose test CA uaudit trusts
// through tls.upstream_ca_file; clients trust uaudit's own CA (`ca.crt` in the data dir).

#include "support/proxy_fixture.hpp"
#include "support/run_process.hpp"
#include "support/tls_upstream.hpp"

#include <boost/json.hpp>

#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace uaudit::test {

inline const std::string intercept_host = in_scope_host;
inline const std::string intercept_base_url = "https://" + intercept_host;
inline const std::string machines_url = intercept_base_url + "/api/machines?$top=1";

class InterceptFixture {
public:
    /// `tweak` edits the configuration after the origin is wired in; without `trust_origin`
    /// tls.upstream_ca_file stays empty (the origin's CA is then unknown to uaudit).
    explicit InterceptFixture(TlsUpstreamOptions options = {},
                              const std::function<void(config::Config&)>& tweak = {},
                              bool trust_origin = true);

    TlsUpstream& origin() { return origin_; }
    ProxyFixture& proxy() { return fx_; }
    /// The interception CA `run` created in the data directory.
    std::filesystem::path uaudit_ca() const { return fx_.dir() / "ca.crt"; }

    /// curl through the proxy with `args` after the proxy options; stderr is dropped.
    CommandResult curl(const std::string& args);
    /// curl trusting the uaudit CA, printing the body, a newline and the status code.
    CommandResult curl_trusting(const std::string& args);

    /// GET /metrics from the admin listener.
    std::string metrics();

    /// The records of `kind`, waiting up to 5 s for `count` of them: a failed handshake is
    /// recorded when uaudit notices it, which can be after the client has exited.
    std::vector<boost::json::object> wait_events(std::string_view kind, std::size_t count);

private:
    TlsUpstream origin_;
    ProxyFixture fx_;
};

/// A JSON string value as std::string.
std::string str(const boost::json::value& value);

/// The value of an unlabelled metric in Prometheus text ("" when absent).
std::string metric(const std::string& text, const std::string& name);

/// Splits curl's "<body>\n<status>" (from -w '\n%{http_code}').
std::pair<std::string, std::string> body_and_status(const std::string& output);

void write_text(const std::filesystem::path& path, const std::string& text);

/// Bytes from `socket` until `until` has arrived (when not empty), the peer closes, or
/// `timeout` passes without data; `closed` says whether the peer closed.
std::string receive(tcp::socket& socket, std::chrono::milliseconds timeout, bool& closed,
                    std::string_view until = {});

/// Writes "CONNECT host:port" on `socket` and returns what the proxy answers, up to the end of
/// its head.
std::string send_connect(tcp::socket& socket, const std::string& authority);

}  // namespace uaudit::test
