#include "config/load.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <optional>
#include <string>

using namespace uaudit::config;
using namespace std::chrono_literals;

TEST_CASE("durations", "[config][values]") {
    const std::pair<const char*, std::optional<Duration>> cases[] = {
        {"500ms", 500ms},
        {"10s", 10s},
        {"5m", 5min},
        {"2h", 2h},
        {"30d", std::chrono::hours(24 * 30)},
        {"0", 0ms},
        {"0s", 0ms},
        {"300s", 300s},
        {"", std::nullopt},
        {"10", std::nullopt},
        {"10x", std::nullopt},
        {"-1s", std::nullopt},
        {"+1s", std::nullopt},
        {"1.5s", std::nullopt},
        {"s", std::nullopt},
        {"10 s", std::nullopt},
        {"10S", std::nullopt},
        {"999999999999999999d", std::nullopt},  // overflows milliseconds
    };
    for (const auto& [text, expected] : cases) {
        INFO("'" << text << "'");
        CHECK(parse_duration(text) == expected);
    }
}

TEST_CASE("sizes", "[config][values]") {
    const std::pair<const char*, std::optional<std::uint64_t>> cases[] = {
        {"0", 0},
        {"1024", 1024},
        {"64KiB", 64 * 1024},
        {"100MiB", 100ull * 1024 * 1024},
        {"1GiB", 1ull << 30},
        {"2TiB", 2ull << 40},
        {"64kib", 64 * 1024},
        {"10KB", 10'000},
        {"5MB", 5'000'000},
        {"1GB", 1'000'000'000},
        {"12B", 12},
        {"", std::nullopt},
        {"KiB", std::nullopt},
        {"-1", std::nullopt},
        {"1.5MiB", std::nullopt},
        {"64 KiB", std::nullopt},
        {"12XB", std::nullopt},
        {"999999999999999999TiB", std::nullopt},
    };
    for (const auto& [text, expected] : cases) {
        INFO("'" << text << "'");
        CHECK(parse_size(text) == expected);
    }
}

TEST_CASE("host:port", "[config][values]") {
    const std::pair<const char*, std::optional<HostPort>> cases[] = {
        {"127.0.0.1:8080", HostPort{"127.0.0.1", 8080}},
        {"localhost:1", HostPort{"localhost", 1}},
        {"Proxy.Corp:3128", HostPort{"proxy.corp", 3128}},
        {"0.0.0.0:65535", HostPort{"0.0.0.0", 65535}},
        {"[::1]:9090", HostPort{"::1", 9090}},
        {"[fe80::1:2]:443", HostPort{"fe80::1:2", 443}},
        {"127.0.0.1", std::nullopt},
        {"127.0.0.1:", std::nullopt},
        {":8080", std::nullopt},
        {"127.0.0.1:0", std::nullopt},
        {"127.0.0.1:65536", std::nullopt},
        {"127.0.0.1:99999", std::nullopt},
        {"127.0.0.1:80a", std::nullopt},
        {"::1:8080", std::nullopt},
        {"[::1]", std::nullopt},
        {"[::1:8080", std::nullopt},
        {"[::1]8080", std::nullopt},
        {"[not-v6]:80", std::nullopt},
        {"a b:80", std::nullopt},
        {"a..b:80", std::nullopt},
    };
    for (const auto& [text, expected] : cases) {
        INFO("'" << text << "'");
        CHECK(parse_host_port(text) == expected);
    }
    CHECK(HostPort{"::1", 9090}.to_string() == "[::1]:9090");
    CHECK(HostPort{"127.0.0.1", 8080}.to_string() == "127.0.0.1:8080");
}

TEST_CASE("CIDR parsing", "[config][values]") {
    const std::pair<const char*, const char*> good[] = {
        {"127.0.0.0/8", "127.0.0.0/8"},
        {"10.1.2.3/8", "10.0.0.0/8"},
        {"192.168.1.7", "192.168.1.7/32"},
        {"0.0.0.0/0", "0.0.0.0/0"},
        {"::1/128", "::1/128"},
        {"::1", "::1/128"},
        {"fd00:ab::1/16", "fd00::/16"},
        {"::/0", "::/0"},
        {"10.0.0.0/12", "10.0.0.0/12"},
        {"10.31.0.0/12", "10.16.0.0/12"},
    };
    for (const auto& [text, shown] : good) {
        INFO(text);
        const auto cidr = parse_cidr(text);
        REQUIRE(cidr);
        CHECK(cidr->to_string() == shown);
    }
    for (const char* text : {"10.0.0.0/33", "::/129", "foo/8", "10.0.0.0/", "10.0.0.0/-1",
                             "10.0.0/8", "", "/8", "10.0.0.0/8/8"}) {
        INFO(text);
        CHECK_FALSE(parse_cidr(text));
    }
}

TEST_CASE("Cidr::contains for IPv4 and IPv6", "[config][values]") {
    struct Case {
        const char* cidr;
        const char* address;
        bool contained;
    };
    const Case cases[] = {
        {"127.0.0.0/8", "127.0.0.1", true},
        {"127.0.0.0/8", "127.255.255.254", true},
        {"127.0.0.0/8", "128.0.0.1", false},
        {"127.0.0.0/8", "::1", false},
        {"127.0.0.0/8", "::ffff:127.0.0.1", true},  // IPv4 peer on a dual-stack socket
        {"10.16.0.0/12", "10.31.255.255", true},
        {"10.16.0.0/12", "10.32.0.0", false},
        {"192.168.1.7/32", "192.168.1.7", true},
        {"192.168.1.7/32", "192.168.1.8", false},
        {"0.0.0.0/0", "8.8.8.8", true},
        {"::1/128", "::1", true},
        {"::1/128", "::2", false},
        {"::1/128", "127.0.0.1", false},
        {"fd00::/8", "fd12:3456::1", true},
        {"fd00::/8", "fe80::1", false},
        {"2001:db8::/33", "2001:db8:7fff::1", true},
        {"2001:db8::/33", "2001:db8:8000::1", false},
        {"::/0", "2001:db8::1", true},
        {"::/0", "not an address", false},
        {"127.0.0.0/8", "", false},
    };
    for (const auto& c : cases) {
        INFO(c.cidr << " contains " << c.address);
        const auto cidr = parse_cidr(c.cidr);
        REQUIRE(cidr);
        CHECK(cidr->contains(c.address) == c.contained);
    }
}

TEST_CASE("enum names", "[config][values]") {
    CHECK(to_string(Mode::audit) == "audit");
    CHECK(to_string(Mode::rewrite) == "rewrite");
    CHECK(to_string(Mode::enforce) == "enforce");
    CHECK(to_string(RewriteStrategy::prepend) == "prepend");
    CHECK(to_string(Intercept::none) == "none");
    CHECK(to_string(Fsync::every) == "every");
    CHECK(to_string(OutOfScopeEvents::each) == "each");
}
