#include "config/pattern.hpp"

#include <catch2/catch.hpp>

#include <string>

using uaudit::config::HostPattern;
using uaudit::config::PathPattern;

namespace {

struct MatchCase {
    const char* pattern;
    const char* input;
    bool matches;
};

HostPattern host_pattern(const char* text) {
    std::string error;
    auto pattern = HostPattern::parse(text, error);
    INFO(text << ": " << error);
    REQUIRE(pattern);
    return *pattern;
}

PathPattern path_pattern(const char* text) {
    std::string error;
    auto pattern = PathPattern::parse(text, error);
    INFO(text << ": " << error);
    REQUIRE(pattern);
    return *pattern;
}

}  // namespace

TEST_CASE("host patterns match labels as SPEC §5 and §12.10 say", "[config][pattern]") {
    const MatchCase cases[] = {
        // exact names, case-insensitive
        {"api.security.microsoft.com", "api.security.microsoft.com", true},
        {"api.security.microsoft.com", "API.Security.Microsoft.COM", true},
        {"API.SECURITY.microsoft.com", "api.security.microsoft.com", true},
        {"api.security.microsoft.com", "api.security.microsoft.com.", true},
        {"api.security.microsoft.com", "xapi.security.microsoft.com", false},
        {"api.security.microsoft.com", "api.security.microsoft.co", false},
        {"api.security.microsoft.com", "", false},
        // `*` = exactly one non-empty label
        {"*.api.security.microsoft.com", "eu.api.security.microsoft.com", true},
        {"*.api.security.microsoft.com", "US.api.security.microsoft.com", true},
        {"*.api.security.microsoft.com", "api.security.microsoft.com", false},
        {"*.api.security.microsoft.com", "a.b.api.security.microsoft.com", false},
        {"*.api.security.microsoft.com", ".api.security.microsoft.com", false},
        // `*` inside a label = a non-empty run within that label
        {"api-*.security.microsoft.com", "api-us.security.microsoft.com", true},
        {"api-*.security.microsoft.com", "API-EU.security.microsoft.com", true},
        {"api-*.security.microsoft.com", "api-.security.microsoft.com", false},
        {"api-*.security.microsoft.com", "api.security.microsoft.com", false},
        {"api-*.security.microsoft.com", "api-us.x.security.microsoft.com", false},
        {"api-*.securitycenter.microsoft.com", "api-gcc.securitycenter.microsoft.com", true},
        {"wdatp-alertexporter-*.windows.com", "wdatp-alertexporter-eu.windows.com", true},
        {"wdatp-alertexporter-*.windows.com", "wdatp-alertexporter-.windows.com", false},
        {"wdatp-alertexporter-us.*.windows.us", "wdatp-alertexporter-us.gov.windows.us", true},
        {"wdatp-alertexporter-us.*.windows.us", "wdatp-alertexporter-us.windows.us", false},
        {"wdatp-alertexporter-us.*.windows.us", "wdatp-alertexporter-us.a.b.windows.us", false},
        {"a*b*c.test", "axbyc.test", true},
        {"a*b*c.test", "abc.test", false},
        {"*-api.test", "eu-api.test", true},
        // `**` = one or more labels
        {"**.example.com", "a.example.com", true},
        {"**.example.com", "a.b.c.example.com", true},
        {"**.example.com", "example.com", false},
        {"**.example.com", "a.example.org", false},
        {"api.**.test", "api.x.y.test", true},
        {"api.**.test", "api.test", false},
        {"**", "anything.at.all", true},
        {"*", "localhost", true},
        {"*", "a.b", false},
    };
    for (const auto& c : cases) {
        INFO(c.pattern << " vs '" << c.input << "'");
        CHECK(host_pattern(c.pattern).matches(c.input) == c.matches);
    }
}

TEST_CASE("host patterns refuse malformed text", "[config][pattern]") {
    const std::pair<const char*, const char*> cases[] = {
        {"", "empty host pattern"},
        {"a..b", "empty label in host pattern 'a..b'"},
        {".example.com", "empty label in host pattern '.example.com'"},
        {"example.com.", "empty label in host pattern 'example.com.'"},
        {"exa mple.com",
         "invalid character 'space' in host pattern 'exa mple.com' (letters, digits, '-', '_', "
         "'.' and '*' only)"},
        {"example.com:443",
         "invalid character ':' in host pattern 'example.com:443' (letters, digits, '-', '_', "
         "'.' and '*' only)"},
        {"a/b",
         "invalid character '/' in host pattern 'a/b' (letters, digits, '-', '_', '.' and "
         "'*' only)"},
        {"api-**.test", "'**' must be a whole label in host pattern 'api-**.test'"},
    };
    for (const auto& [text, message] : cases) {
        std::string error;
        INFO(text);
        CHECK_FALSE(HostPattern::parse(text, error));
        CHECK(error == message);
    }
}

TEST_CASE("path patterns are case-insensitive segment globs", "[config][pattern]") {
    const MatchCase cases[] = {
        // trailing /* matches the parent and everything below it (SPEC §12.10)
        {"/v1.0/security/*", "/v1.0/security", true},
        {"/v1.0/security/*", "/v1.0/security/", true},
        {"/v1.0/security/*", "/v1.0/security/alerts", true},
        {"/v1.0/security/*", "/v1.0/security/a/b", true},
        {"/v1.0/security/*", "/V1.0/Security/Alerts_v2", true},
        {"/v1.0/security/*", "/v1.0/security/alerts?$top=10", true},
        {"/v1.0/security/*", "/v1.0/securityx", false},
        {"/v1.0/security/*", "/v1.0/secur", false},
        {"/v1.0/security/*", "/v1.0/users", false},
        {"/v1.0/security/*", "/beta/security/alerts", false},
        // no `*`: exact
        {"/api/machines", "/api/machines", true},
        {"/api/machines", "/API/Machines", true},
        {"/api/machines", "/api/machines/", false},
        {"/api/machines", "/api/machines/1", false},
        {"/api/machines", "/api/machines?x=1", true},
        // inner `*` stays within one segment
        {"/api/machines/*/vulnerabilities", "/api/machines/abc/vulnerabilities", true},
        {"/api/machines/*/vulnerabilities", "/api/machines/a/b/vulnerabilities", false},
        {"/api/*.json", "/api/x.json", true},
        {"/api/*.json", "/api/a/x.json", false},
        // a trailing `*` not after a slash takes the rest of the path
        {"/api/machine*", "/api/machines/1/x", true},
        {"/api/machine*", "/api/machine", true},
        {"/api/machine*", "/api/user", false},
        {"/", "/", true},
        {"/", "/a", false},
        {"/*", "/", true},
        {"/*", "/anything/below", true},
    };
    for (const auto& c : cases) {
        INFO(c.pattern << " vs '" << c.input << "'");
        CHECK(path_pattern(c.pattern).matches(c.input) == c.matches);
    }
}

TEST_CASE("path patterns refuse malformed text", "[config][pattern]") {
    const std::pair<const char*, const char*> cases[] = {
        {"", "empty path pattern"},
        {"v1.0/security/*", "path pattern 'v1.0/security/*' must start with '/'"},
        {"*", "path pattern '*' must start with '/'"},
        {"/a b", "invalid character 'space' in path pattern '/a b'"},
        {"/a?b=1", "invalid character '?' in path pattern '/a?b=1'"},
        {"/a#frag", "invalid character '#' in path pattern '/a#frag'"},
        {"/a\tb", "invalid character '\\x09' in path pattern '/a\tb'"},
    };
    for (const auto& [text, message] : cases) {
        std::string error;
        INFO(text);
        CHECK_FALSE(PathPattern::parse(text, error));
        CHECK(error == message);
    }
}

TEST_CASE("patterns keep their text as configured", "[config][pattern]") {
    CHECK(host_pattern("API-*.Security.microsoft.com").text() == "API-*.Security.microsoft.com");
    CHECK(path_pattern("/V1.0/Security/*").text() == "/V1.0/Security/*");
}
