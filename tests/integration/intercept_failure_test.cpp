// TLS interception when something is refused or cut (SPEC §7, §8): intercept: none, upstream
// certificates uaudit must refuse (or may not check), clients refusing uaudit's certificate or
// not speaking TLS, ports outside connect_ports, tunnels still open at stop.

#include "support/intercept_fixture.hpp"
#include "tls/certificate_authority.hpp"

#include <boost/asio/write.hpp>
#include <catch2/catch.hpp>

using namespace uaudit::test;
namespace json = boost::json;
using uaudit::config::Config;

namespace {
const std::string& host = intercept_host;
}  // namespace

TEST_CASE("intercept: none tunnels blindly: the client sees the origin's own certificate",
          "[intercept][curl]") {
    InterceptFixture it({}, [](Config& c) {
        c.intercept = uaudit::config::Intercept::none;
        c.events.out_of_scope = uaudit::config::OutOfScopeEvents::each;
        // A CA as `uaudit ca init` would have made it: with intercept none it is not used.
        REQUIRE(uaudit::tls::CertificateAuthority::create(uaudit::tls::ca_paths(c), {}, false));
    });
    auto origin_trusted = it.curl("--cacert " + shell_quote(it.origin().ca_file().string()) +
                                  " -w '\\n%{http_code}' " + shell_quote(machines_url));
    CHECK(origin_trusted.status == 0);
    CHECK(origin_trusted.output == "hello from tls upstream\n200");
    auto uaudit_trusted = it.curl_trusting(shell_quote(machines_url));
    CHECK(uaudit_trusted.status == 60);  // CURLE_PEER_FAILED_VERIFICATION

    CHECK(it.origin().requests().size() == 1);
    it.proxy().stop();
    CHECK(it.proxy().events("request").empty());
    CHECK(it.proxy().events("tls_client_rejected").empty());
    const auto tunnels = it.proxy().events("out_of_scope");
    REQUIRE(tunnels.size() == 2);
    for (const auto& t : tunnels) {
        CHECK(str(t.at("via")) == "tunnel");
        CHECK(str(t.at("method")) == "CONNECT");
        CHECK(str(t.at("host")) == host);
        CHECK(t.at("port").as_int64() == 443);
        CHECK(t.at("status").as_int64() == 200);
    }
}

TEST_CASE("intercept: none: a tunnel still open at stop is recorded", "[intercept]") {
    // The client saw `200 Connection established`: a clean stop must not lose the tunnel
    // (SPEC §8: every request a client saw answered has exactly one record, or is counted in
    // out_of_scope_summary). Two upstreams: the TLS origin, which hangs up when uaudit closes
    // its side, and one that accepts (kernel backlog) and never answers nor closes, so the
    // tunnel is still open when the drain timeout ends the run.
    uaudit::asio::io_context silent_ioc;
    uaudit::tcp::acceptor silent(silent_ioc, {uaudit::asio::ip::make_address("127.0.0.1"), 0});
    for (const bool silent_upstream : {false, true}) {
        for (const auto mode :
             {uaudit::config::OutOfScopeEvents::each, uaudit::config::OutOfScopeEvents::summary}) {
            const bool each = mode == uaudit::config::OutOfScopeEvents::each;
            CAPTURE(silent_upstream, each);
            InterceptFixture it({}, [&](Config& c) {
                c.intercept = uaudit::config::Intercept::none;
                c.events.out_of_scope = mode;
                c.limits.drain_timeout = std::chrono::milliseconds(500);
                if (silent_upstream) {
                    c.resolve[host + ":443"] = {"127.0.0.1", silent.local_endpoint().port()};
                }
            });
            uaudit::asio::io_context ioc;
            uaudit::tcp::socket socket(ioc);
            socket.connect({uaudit::asio::ip::make_address("127.0.0.1"), it.proxy().port()});
            CHECK(send_connect(socket, host + ":443") ==
                  "HTTP/1.1 200 Connection established\r\n\r\n");
            it.proxy().stop();
            if (each) {
                const auto tunnels = it.proxy().events("out_of_scope");
                CHECK(tunnels.size() == 1);
                for (const auto& tunnel : tunnels) {
                    CHECK(str(tunnel.at("via")) == "tunnel");
                    CHECK(str(tunnel.at("host")) == host);
                    CHECK(tunnel.at("status").as_int64() == 200);
                }
            } else {
                const auto summaries = it.proxy().events("out_of_scope_summary");
                CHECK(summaries.size() == 1);
                for (const auto& summary : summaries) {
                    CHECK(str(summary.at("host")) == host);
                    CHECK(summary.at("tunnels").as_int64() == 1);
                }
            }
        }
    }
}

TEST_CASE("upstream certificate failures answer 502 with the cause", "[intercept][curl]") {
    struct Row {
        const char* name;
        OriginCert cert;
        bool trust_origin;
        const char* message_start;
    };
    const std::string upstream = "upstream " + host + ":443 certificate ";
    const Row rows[] = {
        {"signed by another CA", OriginCert::untrusted, true, "is not trusted (unknown CA: "},
        {"no upstream_ca_file", OriginCert::trusted, false, "is not trusted (unknown CA: "},
        {"wrong name", OriginCert::wrong_name, true, "does not match the host name ("},
        {"expired", OriginCert::expired, true, "has expired ("},
    };
    for (const auto& row : rows) {
        CAPTURE(row.name);
        TlsUpstreamOptions options;
        options.cert = row.cert;
        InterceptFixture it(options, {}, row.trust_origin);
        auto result = it.curl_trusting(shell_quote(machines_url));
        CHECK(result.status == 0);
        const auto [body, status] = body_and_status(result.output);
        CHECK(status == "502");
        const auto answer = json::parse(body).as_object();
        CHECK(str(answer.at("error")) == "tls_verify_failed");
        CHECK(str(answer.at("message")).rfind(upstream + row.message_start, 0) == 0);
        CHECK(it.origin().requests().empty());
        CHECK(it.origin().handshakes() == 0);
        const auto records = it.proxy().events("request");
        REQUIRE(records.size() == 1);
        CHECK(records[0].at("status").as_int64() == 502);
        CHECK(str(records[0].at("error")) == "tls_verify_failed");
        CHECK(it.metrics().find("uaudit_upstream_errors_total{reason=\"tls_verify_failed\"} 1") !=
              std::string::npos);
    }
}

TEST_CASE("upstream_verify: false forwards to an untrusted or misnamed upstream",
          "[intercept][curl]") {
    const std::pair<const char*, OriginCert> rows[] = {
        {"signed by another CA", OriginCert::untrusted},
        {"wrong name", OriginCert::wrong_name},
        {"expired", OriginCert::expired},
    };
    for (const auto& [name, cert] : rows) {
        CAPTURE(name);
        TlsUpstreamOptions options;
        options.cert = cert;
        InterceptFixture it(
            options, [](Config& c) { c.tls.upstream_verify = false; }, false);
        auto result = it.curl_trusting(shell_quote(machines_url));
        CHECK(result.status == 0);
        CHECK(result.output == "hello from tls upstream\n200");
        CHECK(it.origin().requests().size() == 1);
        const auto records = it.proxy().events("request");
        REQUIRE(records.size() == 1);
        CHECK(records[0].at("status").as_int64() == 200);
        CHECK(records[0].at("error").is_null());
    }
}

TEST_CASE("a client that does not trust the uaudit CA is recorded as tls_client_rejected",
          "[intercept][curl]") {
    InterceptFixture it;
    // The system store only (CURL_CA_BUNDLE unset): uaudit's CA is not in it.
    auto result =
        run_command("env -u CURL_CA_BUNDLE -u SSL_CERT_FILE curl -sS --noproxy '' -x " +
                    it.proxy().proxy_url() + " " + shell_quote(machines_url) + " 2>/dev/null");
    CHECK(result.status == 60);  // CURLE_PEER_FAILED_VERIFICATION
    const auto rejected = it.wait_events("tls_client_rejected", 1);
    REQUIRE(rejected.size() == 1);
    CHECK(str(rejected[0].at("reason")) == "unknown_ca");
    CHECK(str(rejected[0].at("host")) == host);
    CHECK(rejected[0].at("port").as_int64() == 443);
    CHECK(str(rejected[0].at("client")).rfind("127.0.0.1:", 0) == 0);
    CHECK(it.proxy().events("request").empty());
    CHECK(it.origin().connections() == 0);
    CHECK(metric(it.metrics(), "uaudit_tls_client_rejected_total") == "1");
}

TEST_CASE("plain HTTP after an intercepted CONNECT is closed and recorded as not_tls",
          "[intercept]") {
    InterceptFixture it;
    uaudit::asio::io_context ioc;
    uaudit::tcp::socket socket(ioc);
    socket.connect({uaudit::asio::ip::make_address("127.0.0.1"), it.proxy().port()});
    CHECK(send_connect(socket, host + ":443") == "HTTP/1.1 200 Connection established\r\n\r\n");
    bool closed = false;
    uaudit::asio::write(socket, uaudit::asio::buffer(std::string("GET / HTTP/1.1\r\n\r\n")));
    const auto after = receive(socket, std::chrono::seconds(5), closed);
    CHECK(closed);
    CHECK(after.empty());
    const auto rejected = it.wait_events("tls_client_rejected", 1);
    REQUIRE(rejected.size() == 1);
    CHECK(str(rejected[0].at("reason")) == "not_tls");
    CHECK(str(rejected[0].at("host")) == host);
    CHECK(rejected[0].at("port").as_int64() == 443);
    CHECK(it.origin().connections() == 0);
}

TEST_CASE("CONNECT to the intercepted host on a port outside connect_ports is refused",
          "[intercept]") {
    InterceptFixture it;
    const auto answer = raw_exchange(
        it.proxy().port(), "CONNECT " + host + ":8443 HTTP/1.1\r\nHost: " + host + ":8443\r\n\r\n");
    CHECK(answer.substr(0, answer.find("\r\n")) == "HTTP/1.1 403 Forbidden");
    const auto body = answer.substr(answer.find("\r\n\r\n") + 4);
    CHECK(str(json::parse(body).as_object().at("error")) == "port_not_allowed");
    const auto refused = it.proxy().events("refused");
    REQUIRE(refused.size() == 1);
    CHECK(str(refused[0].at("method")) == "CONNECT");
    CHECK(str(refused[0].at("host")) == host);
    CHECK(refused[0].at("port").as_int64() == 8443);
    CHECK(refused[0].at("status").as_int64() == 403);
    CHECK(str(refused[0].at("error")) == "port_not_allowed");
    CHECK(it.origin().connections() == 0);
}
