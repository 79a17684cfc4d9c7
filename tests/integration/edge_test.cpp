// Errors uaudit answers itself (from raw sockets), and real clients: curl and python requests.

#include "support/proxy_fixture.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>

using namespace uaudit::test;
namespace json = boost::json;

namespace {
const std::string in_scope = std::string("http://") + in_scope_host + "/api/alerts";

std::string status_line(const std::string& answer) {
    return answer.substr(0, answer.find("\r\n"));
}

std::string json_error_code(const std::string& answer) {
    const auto body = answer.find("\r\n\r\n");
    if (body == std::string::npos) {
        return "";
    }
    return std::string(json::parse(answer.substr(body + 4)).as_object().at("error").as_string());
}
}  // namespace

TEST_CASE("malformed and smuggling-shaped requests get 400 and a refused record", "[integration]") {
    ProxyFixture fx;
    const std::string ua = std::string("User-Agent: ") + compliant_ua + "\r\n";
    struct Row {
        std::string wire;
        const char* status;
        const char* code;
    };
    const Row rows[] = {
        {"POST " + in_scope + " HTTP/1.1\r\nHost: h\r\n" + ua +
             "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
         "HTTP/1.1 400", "request_smuggling"},
        {"POST " + in_scope +
             " HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!",
         "HTTP/1.1 400", "request_smuggling"},
        {"POST " + in_scope +
             " HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n"
             "Content-Length: 5\r\n\r\n0\r\n\r\n",
         "HTTP/1.1 400", "request_smuggling"},
        {"GET " + in_scope + " HTTP/1.1\r\nHost: h\r\nX-A: a\r\n folded\r\n\r\n", "HTTP/1.1 400",
         "malformed_request"},
        {"POST " + in_scope + " HTTP/1.1\r\nHost: h\r\n" + ua +
             "Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n",
         "HTTP/1.1 400", "malformed_request"},
        {"POST " + in_scope + " HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n\r\n",
         "HTTP/1.1 400", "request_smuggling"},
        {"GET /api/alerts HTTP/1.1\r\nHost: h\r\n\r\n", "HTTP/1.1 400", "bad_target"},
        {"GET https://h/ HTTP/1.1\r\nHost: h\r\n\r\n", "HTTP/1.1 400", "bad_target"},
        {"NOT HTTP AT ALL\r\n\r\n", "HTTP/1.1 400", "malformed_request"},
        {"CONNECT tunnel.test:22 HTTP/1.1\r\nHost: tunnel.test:22\r\nConnection: close\r\n\r\n",
         "HTTP/1.1 403", "port_not_allowed"},
    };
    for (const auto& row : rows) {
        CAPTURE(row.wire);
        const auto answer = raw_exchange(fx.port(), row.wire);
        CHECK(status_line(answer).rfind(row.status, 0) == 0);
        if (row.code != nullptr) {
            CHECK(json_error_code(answer) == row.code);
        }
    }
    CHECK(fx.upstream().requests().size() <= 1);  // only the bad-chunk POST may reach it
    const auto refused = fx.events("refused");
    CHECK(refused.size() >= 9);
    for (const auto& r : refused) {
        CHECK(r.at("status").is_int64());
        CHECK(r.at("error").is_string());
    }
}

TEST_CASE("limits: 431 for a big head, 413 for a big body, 408 for a slow head", "[integration]") {
    ProxyFixture fx([](uaudit::config::Config& c) {
        c.limits.max_header_bytes = 4096;
        c.limits.max_body_bytes = 10;
        c.limits.header_timeout = std::chrono::milliseconds(300);
    });
    const std::string ua = std::string("User-Agent: ") + compliant_ua + "\r\n";
    auto answer = raw_exchange(fx.port(), "GET " + in_scope + " HTTP/1.1\r\nX-Big: " +
                                              std::string(5000, 'a') + "\r\n\r\n");
    CHECK(status_line(answer) == "HTTP/1.1 431 Request Header Fields Too Large");
    CHECK(json_error_code(answer) == "header_too_large");

    answer = raw_exchange(fx.port(), "POST " + in_scope + " HTTP/1.1\r\nHost: h\r\n" + ua +
                                         "Content-Length: 11\r\n\r\nhello world");
    CHECK(status_line(answer) == "HTTP/1.1 413 Payload Too Large");
    CHECK(json_error_code(answer) == "body_too_large");

    answer = raw_exchange(fx.port(), "POST " + in_scope + " HTTP/1.1\r\nHost: h\r\n" + ua +
                                         "Transfer-Encoding: chunked\r\n\r\n"
                                         "6\r\nhello \r\n6\r\nworld!\r\n0\r\n\r\n");
    CHECK(status_line(answer) == "HTTP/1.1 413 Payload Too Large");

    answer = raw_exchange(fx.port(), "GET " + in_scope + " HTTP/1.1\r\nHost: h\r\n");
    CHECK(status_line(answer) == "HTTP/1.1 408 Request Timeout");
    const auto refused = fx.events("refused");
    REQUIRE(refused.size() == 3);
    CHECK(refused[0].at("status").as_int64() == 431);
    CHECK(refused[1].at("status").as_int64() == 413);
    CHECK(refused[2].at("status").as_int64() == 408);
    const auto requests = fx.events("request");
    REQUIRE(requests.size() == 1);  // the chunked one was judged, then hit the limit
    CHECK(requests[0].at("status").as_int64() == 413);
    CHECK(std::string(requests[0].at("error").as_string()) == "body_too_large");
}

TEST_CASE("proxy_auth answers 407 until Basic credentials come", "[integration]") {
    ::setenv("UAUDIT_IT_PASSWORD", "pa55", 1);
    ProxyFixture fx([](uaudit::config::Config& c) {
        c.access.proxy_auth = uaudit::config::ProxyAuth{"audit", "UAUDIT_IT_PASSWORD"};
    });
    const std::string request = "GET " + in_scope +
                                " HTTP/1.1\r\nHost: h\r\nUser-Agent: " + compliant_ua +
                                "\r\nConnection: close\r\n";
    auto answer = raw_exchange(fx.port(), request + "\r\n");
    CHECK(status_line(answer) == "HTTP/1.1 407 Proxy Authentication Required");
    CHECK(answer.find("Proxy-Authenticate: Basic realm=\"uaudit\"") != std::string::npos);
    answer =
        raw_exchange(fx.port(), request + "Proxy-Authorization: Basic YXVkaXQ6d3Jvbmc=\r\n\r\n");
    CHECK(status_line(answer) == "HTTP/1.1 407 Proxy Authentication Required");
    // audit:pa55
    answer =
        raw_exchange(fx.port(), request + "Proxy-Authorization: Basic YXVkaXQ6cGE1NQ==\r\n\r\n");
    CHECK(status_line(answer) == "HTTP/1.1 200 OK");
    REQUIRE(fx.upstream().wait_for_requests(1));
    CHECK_FALSE(fx.upstream().requests()[0].has("Proxy-Authorization"));
    CHECK(fx.event_log_text().find("YXVkaXQ6cGE1NQ") == std::string::npos);
}

TEST_CASE("clients outside allow_clients get 403", "[integration]") {
    ProxyFixture fx([](uaudit::config::Config& c) {
        c.access.allow_clients = {uaudit::config::Cidr{false, {10}, 8}};
    });
    const auto answer = raw_exchange(fx.port(), "GET " + in_scope + " HTTP/1.1\r\n\r\n");
    CHECK(status_line(answer) == "HTTP/1.1 403 Forbidden");
    CHECK(json_error_code(answer) == "client_not_allowed");
}

TEST_CASE("curl through the proxy: audit records, keep-alive, no secrets in the log",
          "[integration][curl]") {
    ProxyFixture fx;
    const std::string curl = "curl -sS --noproxy '' -x " + fx.proxy_url() + " ";
    auto result = run_command(curl +
                              "-H 'Authorization: Bearer TOPSECRET-TOKEN' "
                              "-H 'Cookie: session=COOKIE-SECRET' "
                              "'" +
                              in_scope +
                              "?$filter=QUERY-SECRET' "
                              "'" +
                              in_scope + "?again=1'");
    CHECK(result.status == 0);
    CHECK(result.output == "hello from upstreamhello from upstream");
    result = run_command(curl + "-A '" + compliant_ua + "' --data-binary 'x=1' '" + in_scope + "'");
    CHECK(result.status == 0);
    result = run_command(curl + "-o /dev/null -w '%{http_code}' 'http://example.test/'");
    CHECK(result.output == "200");

    const auto seen = fx.upstream().requests();
    REQUIRE(seen.size() == 4);
    CHECK(seen[0].values("Authorization") == std::vector<std::string>{"Bearer TOPSECRET-TOKEN"});
    CHECK(seen[1].connection == seen[0].connection);  // curl reused its connection
    CHECK(seen[2].body == "x=1");
    const auto records = fx.events("request");
    REQUIRE(records.size() == 3);
    CHECK(std::string(records[0].at("ua").as_string()).rfind("curl/", 0) == 0);
    CHECK(std::string(records[0].at("verdict").as_string()) == "noncompliant");
    CHECK(std::string(records[2].at("verdict").as_string()) == "compliant");
    REQUIRE(records[0].at("client_process").is_object());
    CHECK(std::string(records[0].at("client_process").at("exe").as_string()) == "curl");
    const auto log = fx.event_log_text();
    for (const char* secret : {"TOPSECRET", "COOKIE-SECRET", "QUERY-SECRET", "Bearer"}) {
        CAPTURE(secret);
        CHECK(log.find(secret) == std::string::npos);
    }
}

TEST_CASE("python requests through the proxy", "[integration][python]") {
    ProxyFixture fx([](uaudit::config::Config& c) { c.mode = uaudit::config::Mode::enforce; });
    const std::string script =
        "import requests,sys\n"
        "p={'http': sys.argv[1]}\n"
        "r=requests.get(sys.argv[2], proxies=p)\n"
        "print(r.status_code, r.json()['error'])\n"
        "r=requests.get(sys.argv[2], proxies=p, headers={'User-Agent': sys.argv[3]})\n"
        "print(r.status_code, r.text)\n";
    const auto path = fx.dir() / "client.py";
    {
        std::FILE* f = std::fopen(path.c_str(), "w");
        REQUIRE(f != nullptr);
        std::fputs(script.c_str(), f);
        std::fclose(f);
    }
    const auto result = run_command("/usr/bin/python3 " + path.string() + " " + fx.proxy_url() +
                                    " '" + in_scope + "' '" + compliant_ua + "'");
    CHECK(result.status == 0);
    CHECK(result.output == "403 noncompliant_user_agent\n200 hello from upstream\n");
    const auto records = fx.events("request");
    REQUIRE(records.size() == 2);
    CHECK(std::string(records[0].at("action").as_string()) == "block");
    REQUIRE(records[0].at("client_process").is_object());
    CHECK(std::string(records[0].at("client_process").at("cmd").as_string()) ==
          "python3 " + path.string());
}

TEST_CASE("upstream failures: 502 connect_failed, 504 upstream_timeout, recorded",
          "[integration]") {
    uaudit::asio::io_context silent_ioc;
    // Accepts in the kernel backlog, never answers.
    uaudit::tcp::acceptor silent(silent_ioc, {uaudit::asio::ip::make_address("127.0.0.1"), 0});
    std::uint16_t closed_port = 0;
    {
        uaudit::tcp::acceptor temporary(silent_ioc,
                                        {uaudit::asio::ip::make_address("127.0.0.1"), 0});
        closed_port = temporary.local_endpoint().port();
    }
    ProxyFixture fx([&](uaudit::config::Config& c) {
        c.scope.entries.push_back({"*.test", {}});
        c.resolve["silent.test:80"] = {"127.0.0.1", silent.local_endpoint().port()};
        c.resolve["gone.test:80"] = {"127.0.0.1", closed_port};
        c.limits.request_timeout = std::chrono::milliseconds(300);
    });
    const std::string ua = std::string("User-Agent: ") + compliant_ua + "\r\n";
    auto answer = raw_exchange(fx.port(), "GET http://gone.test/x HTTP/1.1\r\n" + ua + "\r\n");
    CHECK(status_line(answer) == "HTTP/1.1 502 Bad Gateway");
    CHECK(json_error_code(answer) == "connect_failed");
    answer = raw_exchange(fx.port(), "GET http://silent.test/x HTTP/1.1\r\n" + ua + "\r\n");
    CHECK(status_line(answer) == "HTTP/1.1 504 Gateway Timeout");
    CHECK(json_error_code(answer) == "upstream_timeout");
    const auto records = fx.events("request");
    REQUIRE(records.size() == 2);
    CHECK(std::string(records[0].at("error").as_string()) == "connect_failed");
    CHECK(records[0].at("status").as_int64() == 502);
    CHECK(std::string(records[1].at("error").as_string()) == "upstream_timeout");
    CHECK(records[1].at("status").as_int64() == 504);
}

TEST_CASE("pipelined requests, pooled upstream connections across clients", "[integration]") {
    ProxyFixture fx;
    const std::string one =
        "GET " + in_scope + " HTTP/1.1\r\nHost: h\r\nUser-Agent: " + compliant_ua + "\r\n\r\n";
    const std::string last = "GET " + in_scope +
                             " HTTP/1.1\r\nHost: h\r\nUser-Agent: " + compliant_ua +
                             "\r\nConnection: close\r\n\r\n";
    const auto answer = raw_exchange(fx.port(), one + one + last);
    std::size_t count = 0;
    for (auto pos = answer.find("HTTP/1.1 200 OK"); pos != std::string::npos;
         pos = answer.find("HTTP/1.1 200 OK", pos + 1)) {
        ++count;
    }
    CHECK(count == 3);
    // A second client connection is served from the pooled upstream connection.
    const auto again = raw_exchange(fx.port(), last);
    CHECK(status_line(again) == "HTTP/1.1 200 OK");
    CHECK(fx.upstream().requests().size() == 4);
    CHECK(fx.upstream().connections() == 1);
    CHECK(fx.events("request").size() == 4);
}

TEST_CASE("stop closes idle keep-alive connections without waiting for the drain timeout",
          "[integration]") {
    ProxyFixture fx(
        [](uaudit::config::Config& c) { c.limits.drain_timeout = std::chrono::seconds(5); });
    Client client(fx.port());
    CHECK(client.send(make_request(boost::beast::http::verb::get, in_scope)).result_int() == 200);
    const auto start = std::chrono::steady_clock::now();
    fx.stop();
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));
    CHECK(client.closed_by_peer());
    CHECK(fx.events("run_stop").size() == 1);
}
