#include "http/target.hpp"

#include <catch2/catch.hpp>

using uaudit::http::parse_absolute_target;
using uaudit::http::parse_authority_target;

TEST_CASE("absolute-form targets parse into host, port, path and query", "[http][target]") {
    struct Row {
        const char* text;
        const char* host;
        unsigned port;
        const char* path;
        const char* query;  // nullptr = none
    };
    const Row rows[] = {
        {"http://api.securitycenter.microsoft.com/api/machines?$top=1",
         "api.securitycenter.microsoft.com", 80, "/api/machines", "$top=1"},
        {"http://Example.COM:8080", "example.com", 8080, "/", nullptr},
        {"http://[::1]:9000/x/%41?", "::1", 9000, "/x/%41", ""},
        {"http://127.0.0.1/a#frag", "127.0.0.1", 80, "/a", nullptr},
        {"HTTP://h/", "h", 80, "/", nullptr},
    };
    for (const auto& row : rows) {
        CAPTURE(row.text);
        std::string error;
        const auto target = parse_absolute_target(row.text, error);
        REQUIRE(target);
        CHECK(target->scheme == "http");
        CHECK(target->host == row.host);
        CHECK(target->port == row.port);
        CHECK(target->path == row.path);
        CHECK(target->query.has_value() == (row.query != nullptr));
        if (row.query != nullptr) {
            CHECK(*target->query == row.query);
        }
    }
}

TEST_CASE("bad absolute-form targets are refused with a reason", "[http][target]") {
    for (const char* text :
         {"/api/machines", "", "*", "https://h/", "ftp://h/", "http:///x", "http://h:0/",
          "http://h:70000/", "http://u:p@h/", "http://h x/", "http://[::1/"}) {
        CAPTURE(text);
        std::string error;
        CHECK_FALSE(parse_absolute_target(text, error));
        CHECK_FALSE(error.empty());
    }
    std::string error;
    CHECK_FALSE(parse_absolute_target("/x", error));
    CHECK(error.find("origin-form") != std::string::npos);
}

TEST_CASE("authority-form CONNECT targets need host and port", "[http][target]") {
    std::string error;
    auto target = parse_authority_target("API.Security.Microsoft.com:443", error);
    REQUIRE(target);
    CHECK(target->host == "api.security.microsoft.com");
    CHECK(target->port == 443);
    CHECK(target->authority() == "api.security.microsoft.com:443");

    target = parse_authority_target("[2001:db8::1]:8443", error);
    REQUIRE(target);
    CHECK(target->host == "2001:db8::1");
    CHECK(target->authority() == "[2001:db8::1]:8443");

    for (const char* text : {"host", "host:", ":443", "host:0", "host:99999", "u@host:443", ""}) {
        CAPTURE(text);
        CHECK_FALSE(parse_authority_target(text, error));
    }
}

TEST_CASE("query_keys keeps names only, in order, decoded", "[http][target]") {
    using uaudit::http::query_keys;
    CHECK(query_keys("") == std::vector<std::string>{});
    CHECK(query_keys("$top=10&$filter=x%20eq%201&flag") ==
          std::vector<std::string>{"$top", "$filter", "flag"});
    CHECK(query_keys("a%5Bb%5D=1&&=2&c+d=3") == std::vector<std::string>{"a[b]", "c d"});
    CHECK(query_keys("bad%zz=1") == std::vector<std::string>{"bad%zz"});
}
