// Gateway routes (SPEC §4 `routes`): origin-form requests on a route's own listener, over
// plain HTTP and over HTTPS with the route's certificate, go to the route's upstream with Host
// set to it, audited with `via: gateway`. Driven by curl.

#include "support/proxy_fixture.hpp"
#include "support/uaudit_child.hpp"

#include <catch2/catch.hpp>

using namespace uaudit::test;
namespace fs = std::filesystem;

namespace {

std::string str(const boost::json::value& v) {
    return std::string(v.as_string());
}

}  // namespace

TEST_CASE("gateway routes over HTTP and HTTPS forward to the route's upstream",
          "[integration][gateway]") {
    const std::uint16_t plain_port = free_port();
    const std::uint16_t tls_port = free_port();
    const fs::path pki = fs::temp_directory_path() / ("uaudit-gw-" + std::to_string(::getpid()));
    fs::create_directories(pki);
    // The route's own certificate, made with the openssl tool (a self-signed one for the
    // name the product would use as its base URL).
    const auto made = run_command(
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 "
        "-subj /CN=gateway.test -addext subjectAltName=DNS:gateway.test -keyout " +
        (pki / "gw.key").string() + " -out " + (pki / "gw.crt").string() + " 2>&1");
    REQUIRE(made.status == 0);
    {
        ProxyFixture fx([&](uaudit::config::Config& c) {
            uaudit::config::Route plain;
            plain.listen = {"127.0.0.1", plain_port};
            plain.upstream = std::string("http://") + in_scope_host;
            uaudit::config::Route tls;
            tls.listen = {"127.0.0.1", tls_port};
            tls.upstream = std::string("http://") + in_scope_host;
            tls.tls =
                uaudit::config::RouteTls{(pki / "gw.crt").string(), (pki / "gw.key").string()};
            c.routes = {plain, tls};
        });
        const auto over_http =
            run_command("curl -sS -A 'bad-agent' http://127.0.0.1:" + std::to_string(plain_port) +
                        "/api/machines?x=1");
        CHECK(over_http.status == 0);
        CHECK(over_http.output == "hello from upstream");
        const auto over_https = run_command(
            "curl -sS -A '" + std::string(compliant_ua) + "' --cacert " +
            (pki / "gw.crt").string() + " --resolve gateway.test:" + std::to_string(tls_port) +
            ":127.0.0.1 https://gateway.test:" + std::to_string(tls_port) + "/api/alerts");
        CHECK(over_https.status == 0);
        CHECK(over_https.output == "hello from upstream");

        // The upstream got origin-form requests with Host set to the route's upstream.
        REQUIRE(fx.upstream().wait_for_requests(2));
        const auto seen = fx.upstream().requests();
        CHECK(seen[0].target == "/api/machines?x=1");
        CHECK(seen[0].values("host") == std::vector<std::string>{in_scope_host});
        CHECK(seen[1].target == "/api/alerts");
        CHECK(seen[1].values("host") == std::vector<std::string>{in_scope_host});

        const auto records = fx.events("request");
        REQUIRE(records.size() == 2);
        CHECK(str(records[0].at("via")) == "gateway");
        CHECK(str(records[0].at("host")) == in_scope_host);
        CHECK(str(records[0].at("verdict")) == "noncompliant");
        CHECK(str(records[1].at("via")) == "gateway");
        CHECK(str(records[1].at("path")) == "/api/alerts");
        CHECK(str(records[1].at("verdict")) == "compliant");
    }
    std::error_code ec;
    fs::remove_all(pki, ec);
}
