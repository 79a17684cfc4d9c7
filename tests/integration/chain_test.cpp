// upstream_proxy (SPEC §4): uaudit chained behind another proxy, here a second uaudit that
// asks for Basic credentials: plain requests go to it in absolute-form, tunnels as CONNECT.

#include "support/proxy_fixture.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>

using namespace uaudit::test;
namespace bh = boost::beast::http;

namespace {

std::string str(const boost::json::value& v) {
    return std::string(v.as_string());
}

// The outer proxy (what the client talks to), chained to `inner` with `credentials`.
ProxyFixture chained_to(const ProxyFixture& inner, const std::string& credentials) {
    const std::string url = "http://" + credentials + "127.0.0.1:" + std::to_string(inner.port());
    return ProxyFixture([&](uaudit::config::Config& c) {
        c.upstream_proxy = url;
        // Tunnels name tunnel.test:443 to the inner proxy, which resolves it itself.
        c.resolve.erase("tunnel.test:443");
        c.intercept = uaudit::config::Intercept::none;
        c.events.out_of_scope = uaudit::config::OutOfScopeEvents::each;
    });
}

}  // namespace

TEST_CASE("upstream_proxy: plain requests in absolute-form with Basic auth, tunnels by CONNECT",
          "[integration][chain]") {
    ::setenv("UAUDIT_TEST_CHAIN_PASSWORD", "s3cret", 1);
    ProxyFixture inner([](uaudit::config::Config& c) {
        c.access.proxy_auth = uaudit::config::ProxyAuth{"alice", "UAUDIT_TEST_CHAIN_PASSWORD"};
        c.intercept = uaudit::config::Intercept::none;
        c.events.out_of_scope = uaudit::config::OutOfScopeEvents::each;
    });
    ProxyFixture outer = chained_to(inner, "alice:s3cret@");

    Client client(outer.port());
    const auto response = client.send(
        make_request(bh::verb::get, std::string("http://") + in_scope_host + "/api/machines?x=1"));
    CHECK(response.result_int() == 200);
    CHECK(response.body() == "hello from upstream");
    // `resolve` applies to what is asked of the chained proxy (SPEC §4): the outer proxy asks
    // the inner one for its own origin's address, so that origin answers, through the inner.
    REQUIRE(outer.upstream().wait_for_requests(1));
    CHECK(outer.upstream().requests()[0].target == "/api/machines?x=1");
    CHECK(inner.upstream().requests().empty());
    const auto outer_records = outer.events("request");
    REQUIRE(outer_records.size() == 1);
    CHECK(str(outer_records[0].at("host")) == in_scope_host);
    CHECK(outer_records[0].at("status").as_int64() == 200);
    // The inner proxy saw an absolute-form request for 127.0.0.1:PORT, with the credentials.
    const auto inner_requests = inner.events("out_of_scope");
    REQUIRE(inner_requests.size() == 1);
    CHECK(str(inner_requests[0].at("method")) == "GET");
    CHECK(str(inner_requests[0].at("host")) == "127.0.0.1");
    CHECK(inner_requests[0].at("port").as_int64() == outer.upstream().port());
    CHECK(inner_requests[0].at("status").as_int64() == 200);

    const auto answer =
        raw_exchange(outer.port(),
                     "CONNECT tunnel.test:443 HTTP/1.1\r\nHost: tunnel.test:443\r\n\r\n"
                     "GET /close HTTP/1.1\r\nHost: tunnel.test\r\n\r\n");
    CHECK(answer.rfind("HTTP/1.1 200 Connection established\r\n\r\n", 0) == 0);
    CHECK(answer.find("\r\n\r\nbye") != std::string::npos);
    // The inner proxy carried the tunnel, to its own origin.
    inner.stop();  // the tunnel's record is written when it ends
    const auto inner_tunnels = inner.events("out_of_scope");
    REQUIRE(inner_tunnels.size() == 2);
    CHECK(str(inner_tunnels[1].at("method")) == "CONNECT");
    CHECK(str(inner_tunnels[1].at("host")) == "tunnel.test");
    CHECK(inner_tunnels[1].at("port").as_int64() == 443);
    REQUIRE(inner.upstream().wait_for_requests(1));
    CHECK(inner.upstream().requests()[0].target == "/close");
}

TEST_CASE("upstream_proxy refusing the credentials gives 502 saying so", "[integration][chain]") {
    ::setenv("UAUDIT_TEST_CHAIN_PASSWORD", "s3cret", 1);
    ProxyFixture inner([](uaudit::config::Config& c) {
        c.access.proxy_auth = uaudit::config::ProxyAuth{"alice", "UAUDIT_TEST_CHAIN_PASSWORD"};
        c.intercept = uaudit::config::Intercept::none;
    });
    ProxyFixture outer = chained_to(inner, "alice:wrong@");
    const auto answer = raw_exchange(
        outer.port(), "CONNECT tunnel.test:443 HTTP/1.1\r\nHost: tunnel.test:443\r\n\r\n");
    CHECK(answer.rfind("HTTP/1.1 502 ", 0) == 0);
    CHECK(answer.find("the upstream proxy answered CONNECT with 407") != std::string::npos);
}
