// The proxy in-process in front of a fake upstream, driven by a Beast client: modes, verdicts,
// records, bodies, keep-alive, HTTP/1.0, CONNECT.

#include "support/proxy_fixture.hpp"

#include <boost/asio/connect.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <catch2/catch.hpp>

using namespace uaudit::test;
namespace bh = boost::beast::http;
namespace json = boost::json;

namespace {
const std::string in_scope_url = std::string("http://") + in_scope_host + "/api/machines";

std::string str(const json::value& v) {
    return std::string(v.as_string());
}
}  // namespace

TEST_CASE("audit mode forwards unchanged and records the verdict", "[integration]") {
    ProxyFixture fx;
    Client client(fx.port());
    struct Row {
        std::vector<std::string> uas;
        const char* verdict;
        const char* first_code;  // nullptr: no finding
    };
    const Row rows[] = {
        {{compliant_ua}, "compliant", nullptr},
        {{"python-requests/2.31"}, "noncompliant", "UA005"},
        {{}, "noncompliant", "UA001"},
        {{compliant_ua, "other/1.0"}, "noncompliant", "UA003"},
    };
    for (const auto& row : rows) {
        auto response = client.send(make_request(
            bh::verb::get,
            in_scope_url + "/0123456789abcdef0123456789abcdef01234567?$top=5&secret=s3cr3t",
            row.uas));
        CHECK(response.result_int() == 200);
        CHECK(response.body() == "hello from upstream");
    }
    const auto seen = fx.upstream().requests();
    REQUIRE(seen.size() == 4);
    CHECK(seen[0].target ==
          "/api/machines/0123456789abcdef0123456789abcdef01234567?$top=5&secret=s3cr3t");
    CHECK(seen[0].values("User-Agent") == std::vector<std::string>{compliant_ua});
    CHECK(seen[1].values("User-Agent") == std::vector<std::string>{"python-requests/2.31"});
    CHECK(seen[2].values("User-Agent").empty());
    CHECK(seen[3].values("User-Agent").size() == 2);
    CHECK(seen[0].values("Host") == std::vector<std::string>{in_scope_host});
    // One connection to the upstream carried all four: keep-alive on both sides.
    CHECK(fx.upstream().connections() == 1);

    const auto records = fx.events("request");
    REQUIRE(records.size() == 4);
    for (std::size_t i = 0; i < 4; ++i) {
        CAPTURE(i);
        const auto& r = records[i];
        CHECK(r.at("v").as_int64() == 1);
        CHECK(str(r.at("verdict")) == rows[i].verdict);
        CHECK(str(r.at("action")) == "pass");
        CHECK(str(r.at("method")) == "GET");
        CHECK(str(r.at("scheme")) == "http");
        CHECK(str(r.at("host")) == in_scope_host);
        CHECK(r.at("port").as_int64() == 80);
        CHECK(str(r.at("path")) == "/api/machines/0123456789abcdef0123456789abcdef01234567");
        CHECK(str(r.at("endpoint")) == "/api/machines/{sha1}");
        CHECK(r.at("query_keys") == json::array{"$top", "secret"});
        CHECK(r.at("status").as_int64() == 200);
        CHECK(r.at("error").is_null());
        CHECK(str(r.at("via")) == "forward");
        CHECK(str(r.at("instance")) == "it");
        CHECK(r.at("bytes_in").as_int64() > 50);
        CHECK(r.at("bytes_out").as_int64() > 19);
        CHECK(r.at("upstream_ms").is_number());
        CHECK(r.at("ua_fields").as_int64() == static_cast<std::int64_t>(rows[i].uas.size()));
        if (rows[i].first_code == nullptr) {
            CHECK(r.at("findings").as_array().empty());
        } else {
            REQUIRE_FALSE(r.at("findings").as_array().empty());
            CHECK(str(r.at("findings").as_array()[0].at("code")) == rows[i].first_code);
        }
        // client_process: this very test process owns the client socket.
        REQUIRE(r.at("client_process").is_object());
        CHECK(r.at("client_process").at("pid").as_int64() == ::getpid());
    }
    CHECK(records[2].at("ua").is_null());
    CHECK(records[2].at("ua_sent").is_null());
    CHECK(str(records[1].at("ua_sent")) == "python-requests/2.31");
    CHECK(records[3].contains("ua_values"));
    CHECK_FALSE(records[0].contains("ua_values"));
    CHECK(str(records[0].at("client")).rfind("127.0.0.1:", 0) == 0);
    CHECK(fx.event_log_text().find("s3cr3t") == std::string::npos);
}

TEST_CASE("rewrite mode replaces or prepends the User-Agent of noncompliant requests",
          "[integration]") {
    for (const auto strategy :
         {uaudit::config::RewriteStrategy::replace, uaudit::config::RewriteStrategy::prepend}) {
        ProxyFixture fx([&](uaudit::config::Config& c) {
            c.mode = uaudit::config::Mode::rewrite;
            c.rewrite.user_agent = compliant_ua;
            c.rewrite.strategy = strategy;
        });
        Client client(fx.port());
        CHECK(client.send(make_request(bh::verb::get, in_scope_url, {"curl/8.0"})).result_int() ==
              200);
        CHECK(client.send(make_request(bh::verb::get, in_scope_url, {})).result_int() == 200);
        CHECK(client.send(make_request(bh::verb::get, in_scope_url, {"a/1", "b/2"})).result_int() ==
              200);
        CHECK(client.send(make_request(bh::verb::get, in_scope_url)).result_int() == 200);
        const auto seen = fx.upstream().requests();
        REQUIRE(seen.size() == 4);
        const bool prepend = strategy == uaudit::config::RewriteStrategy::prepend;
        const std::string token = compliant_ua;
        CHECK(seen[0].values("User-Agent") ==
              std::vector<std::string>{prepend ? token + " curl/8.0" : token});
        CHECK(seen[1].values("User-Agent") == std::vector<std::string>{token});
        CHECK(seen[2].values("User-Agent") ==
              std::vector<std::string>{prepend ? token + " a/1 b/2" : token});
        CHECK(seen[3].values("User-Agent") == std::vector<std::string>{token});
        const auto records = fx.events("request");
        REQUIRE(records.size() == 4);
        CHECK(str(records[0].at("action")) == "rewrite");
        CHECK(str(records[0].at("ua")) == "curl/8.0");
        CHECK(str(records[0].at("verdict")) == "noncompliant");
        CHECK(str(records[0].at("ua_sent")) == seen[0].values("User-Agent")[0]);
        CHECK(str(records[3].at("action")) == "pass");
    }
}

TEST_CASE("enforce mode blocks noncompliant requests without touching the upstream",
          "[integration]") {
    ProxyFixture fx([](uaudit::config::Config& c) {
        c.mode = uaudit::config::Mode::enforce;
        c.enforce.status = 403;
        c.identity.version = "1.0.0";
    });
    Client client(fx.port());
    auto blocked = client.send(make_request(bh::verb::post, in_scope_url, {"curl/8.0"}, "{}"));
    CHECK(blocked.result_int() == 403);
    CHECK(blocked[bh::field::content_type] == "application/json");
    const auto body = json::parse(blocked.body()).as_object();
    CHECK(str(body.at("error")) == "noncompliant_user_agent");
    CHECK(str(body.at("expected")) == compliant_ua);
    CHECK_FALSE(str(body.at("message")).empty());
    REQUIRE_FALSE(body.at("findings").as_array().empty());
    CHECK(str(body.at("findings").as_array()[0].at("code")) == "UA005");
    // The connection stays usable (the small body was read away) and compliant calls pass.
    auto passed = client.send(make_request(bh::verb::get, in_scope_url));
    CHECK(passed.result_int() == 200);
    const auto seen = fx.upstream().requests();
    REQUIRE(seen.size() == 1);
    CHECK(seen[0].values("User-Agent") == std::vector<std::string>{compliant_ua});
    const auto records = fx.events("request");
    REQUIRE(records.size() == 2);
    CHECK(str(records[0].at("action")) == "block");
    CHECK(records[0].at("status").as_int64() == 403);
    CHECK(records[0].at("ua_sent").is_null());
    CHECK(records[0].at("upstream_ms").is_null());
    CHECK(str(records[1].at("action")) == "pass");
}

TEST_CASE("out-of-scope requests pass untouched and are only counted", "[integration]") {
    ProxyFixture fx;
    {
        Client client(fx.port());
        for (int i = 0; i < 3; ++i) {
            CHECK(client.send(make_request(bh::verb::get, "http://example.test/any?x=1", {}))
                      .result_int() == 200);
        }
        // A Graph host outside the security paths is out of scope too.
    }
    CHECK(fx.upstream().requests().size() == 3);
    fx.stop();
    CHECK(fx.events("request").empty());
    const auto summaries = fx.events("out_of_scope_summary");
    REQUIRE(summaries.size() == 1);
    CHECK(str(summaries[0].at("host")) == "example.test");
    CHECK(summaries[0].at("port").as_int64() == 80);
    CHECK(summaries[0].at("requests").as_int64() == 3);
    CHECK(summaries[0].at("bytes_out").as_int64() > 3 * 19);
    const auto stop = fx.events("run_stop");
    REQUIRE(stop.size() == 1);
    CHECK(fx.events("run_start").size() == 1);
}

TEST_CASE("bodies stream both ways: chunked upload, chunked and large downloads, HEAD, 204",
          "[integration]") {
    ProxyFixture fx;
    Client client(fx.port());
    // Chunked upload, written by hand so the proxy sees real chunks.
    {
        uaudit::asio::io_context ioc;
        uaudit::tcp::socket socket(ioc);
        socket.connect({uaudit::asio::ip::make_address("127.0.0.1"), fx.port()});
        const std::string wire = std::string("POST ") + in_scope_url +
                                 " HTTP/1.1\r\nHost: x\r\nUser-Agent: " + compliant_ua +
                                 "\r\nTransfer-Encoding: chunked\r\n\r\n"
                                 "4\r\nabcd\r\n3\r\nefg\r\n0\r\n\r\n";
        uaudit::asio::write(socket, uaudit::asio::buffer(wire));
        uaudit::beast::flat_buffer buffer;
        Response response;
        bh::read(socket, buffer, response);
        CHECK(response.result_int() == 200);
    }
    REQUIRE(fx.upstream().wait_for_requests(1));
    CHECK(fx.upstream().requests()[0].body == "abcdefg");

    auto chunked = client.send(
        make_request(bh::verb::get, std::string("http://") + in_scope_host + "/chunked"));
    CHECK(chunked.body() == "part1part2part3");
    auto big = client.send(
        make_request(bh::verb::get, std::string("http://") + in_scope_host + "/big/3000000"));
    CHECK(big.body().size() == 3000000);
    auto head = client.send(make_request(bh::verb::head, in_scope_url));
    CHECK(head.result_int() == 200);
    CHECK(head[bh::field::content_length] == "19");
    auto empty = client.send(
        make_request(bh::verb::get, std::string("http://") + in_scope_host + "/status/204"));
    CHECK(empty.result_int() == 204);
    auto after = client.send(make_request(bh::verb::get, in_scope_url));
    CHECK(after.body() == "hello from upstream");
    const auto records = fx.events("request");
    REQUIRE(records.size() == 6);
    CHECK(records[2].at("bytes_out").as_int64() > 3000000);
}

TEST_CASE("HTTP/1.0 clients get a body they can read and the connection closes", "[integration]") {
    ProxyFixture fx;
    const auto answer = raw_exchange(
        fx.port(), std::string("GET http://") + in_scope_host +
                       "/chunked HTTP/1.0\r\nUser-Agent: " + compliant_ua + "\r\n\r\n");
    CHECK(answer.rfind("HTTP/1.0 200", 0) == 0);
    CHECK(answer.find("Transfer-Encoding") == std::string::npos);
    CHECK(answer.substr(answer.size() - 15) == "part1part2part3");
    const auto seen = fx.upstream().requests();
    REQUIRE(seen.size() == 1);
    CHECK(seen[0].version == 11);
    CHECK(seen[0].target == "/chunked");
}

TEST_CASE("Expect: 100-continue gets an interim 100 and the body goes upstream", "[integration]") {
    ProxyFixture fx;
    uaudit::asio::io_context ioc;
    uaudit::tcp::socket socket(ioc);
    socket.connect({uaudit::asio::ip::make_address("127.0.0.1"), fx.port()});
    const std::string head = std::string("PUT ") + in_scope_url +
                             " HTTP/1.1\r\nHost: x\r\nUser-Agent: " + compliant_ua +
                             "\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n";
    uaudit::asio::write(socket, uaudit::asio::buffer(head));
    uaudit::beast::flat_buffer buffer;
    bh::response_parser<bh::empty_body> interim;
    bh::read_header(socket, buffer, interim);
    CHECK(interim.get().result_int() == 100);
    uaudit::asio::write(socket, uaudit::asio::buffer(std::string("hello")));
    Response response;
    bh::read(socket, buffer, response);
    CHECK(response.result_int() == 200);
    REQUIRE(fx.upstream().wait_for_requests(1));
    CHECK(fx.upstream().requests()[0].body == "hello");
}

TEST_CASE("CONNECT opens a blind tunnel that is counted", "[integration]") {
    ProxyFixture fx([](uaudit::config::Config& c) {
        c.events.out_of_scope = uaudit::config::OutOfScopeEvents::each;
    });
    const auto answer =
        raw_exchange(fx.port(),
                     "CONNECT tunnel.test:443 HTTP/1.1\r\nHost: tunnel.test:443\r\n\r\n"
                     "GET /close HTTP/1.1\r\nHost: tunnel.test\r\n\r\n");
    CHECK(answer.rfind("HTTP/1.1 200 Connection established\r\n\r\n", 0) == 0);
    CHECK(answer.find("\r\n\r\nbye") != std::string::npos);
    REQUIRE(fx.upstream().wait_for_requests(1));
    CHECK(fx.upstream().requests()[0].target == "/close");
    fx.stop();
    const auto tunnels = fx.events("out_of_scope");
    REQUIRE(tunnels.size() == 1);
    CHECK(str(tunnels[0].at("via")) == "tunnel");
    CHECK(str(tunnels[0].at("method")) == "CONNECT");
    CHECK(tunnels[0].at("status").as_int64() == 200);
    CHECK(tunnels[0].at("bytes_in").as_int64() == 42);
    CHECK(tunnels[0].at("bytes_out").as_int64() > 3);
}

TEST_CASE("admin endpoint serves healthz and metrics", "[integration]") {
    ProxyFixture fx;
    Client client(fx.port());
    client.send(make_request(bh::verb::get, in_scope_url, {"bad"}));
    REQUIRE(fx.proxy().admin_port());
    Client admin(*fx.proxy().admin_port());
    auto health = admin.send(make_request(bh::verb::get, "http://127.0.0.1/healthz", {}));
    CHECK(health.result_int() == 200);
    CHECK(health.body() == "ok\n");
    auto metrics = admin.send(make_request(bh::verb::get, "http://127.0.0.1/metrics", {}));
    CHECK(metrics.result_int() == 200);
    const auto& text = metrics.body();
    CHECK(text.find(
              "uaudit_requests_total{scope=\"in\",verdict=\"noncompliant\",action=\"pass\"} 1") !=
          std::string::npos);
    CHECK(text.find("uaudit_findings_total{code=\"UA005\"} 1") != std::string::npos);
    CHECK(text.find("uaudit_request_duration_seconds_count 1") != std::string::npos);
    CHECK(text.find("uaudit_event_log_errors_total 0") != std::string::npos);
    auto report = admin.send(make_request(bh::verb::get, "http://127.0.0.1/report", {}));
    CHECK(report.result_int() == 200);  // the content: report_live_test.cpp
}
