#include "audit/scope.hpp"

#include <catch2/catch.hpp>

namespace {

using uaudit::audit::Scope;
using uaudit::config::ScopeConfig;
using uaudit::config::ScopeEntry;

const Scope& default_scope() {
    static const Scope scope = Scope::create(ScopeConfig{});
    return scope;
}

}  // namespace

TEST_CASE("default scope covers every host family of SPEC 5", "[audit][scope]") {
    struct Row {
        const char* host;
        const char* path;
        bool in_scope;
    };
    const Row rows[] = {
        // current MDE / Defender XDR, global, regional dot form, dash form
        {"api.security.microsoft.com", "/api/machines", true},
        {"API.Security.Microsoft.COM", "/api/alerts", true},
        {"api.security.microsoft.com.", "/api/alerts", true},
        {"us.api.security.microsoft.com", "/api/machines", true},
        {"eu.api.security.microsoft.com", "/api/machines", true},
        {"uk.api.security.microsoft.com", "/api/machines", true},
        {"au.api.security.microsoft.com", "/api/machines", true},
        {"swa.api.security.microsoft.com", "/api/machines", true},
        {"ina.api.security.microsoft.com", "/api/machines", true},
        {"aea.api.security.microsoft.com", "/api/machines", true},
        {"api-us.security.microsoft.com", "/api/machines", true},
        {"api-eu.security.microsoft.com", "/api/machines", true},
        {"api-uk.security.microsoft.com", "/api/machines", true},
        // legacy MDE
        {"api.securitycenter.microsoft.com", "/api/machines", true},
        {"api-us.securitycenter.microsoft.com", "/api/machines", true},
        {"api-eu3.securitycenter.microsoft.com", "/api/machines", true},
        {"api.securitycenter.windows.com", "/api/alerts", true},
        {"api-uk.securitycenter.windows.com", "/api/alerts", true},
        // legacy SIEM
        {"wdatp-alertexporter-eu.windows.com", "/api/alerts", true},
        {"wdatp-alertexporter-us.securitycenter.windows.com", "/api/alerts", true},
        // US government
        {"api-gcc.securitycenter.microsoft.us", "/api/machines", true},
        {"api-gov.securitycenter.microsoft.us", "/api/machines", true},
        {"api-gcc.security.microsoft.us", "/api/machines", true},
        {"api-gov.security.microsoft.us", "/api/machines", true},
        {"wdatp-alertexporter-us.securitycenter.windows.us", "/api/alerts", true},
        // Graph security paths only
        {"graph.microsoft.com", "/v1.0/security/alerts_v2", true},
        {"graph.microsoft.com", "/v1.0/security", true},
        {"graph.microsoft.com", "/beta/security", true},
        {"graph.microsoft.com", "/beta/security/tiIndicators", true},
        {"graph.microsoft.com", "/V1.0/Security/Incidents", true},
        {"graph.microsoft.com", "/v1.0/security/alerts_v2?$top=10", true},
        {"graph.microsoft.us", "/v1.0/security/incidents", true},
        {"dod-graph.microsoft.us", "/beta/security/alerts", true},
        {"microsoftgraph.chinacloudapi.cn", "/v1.0/security/alerts_v2", true},
        {"graph.microsoft.com", "/v1.0/users", false},
        {"graph.microsoft.com", "/v1.0/me", false},
        {"graph.microsoft.com", "/v1.0/securityx", false},
        {"graph.microsoft.com", "/v2.0/security/alerts", false},
        {"graph.microsoft.com", "/", false},
        // near misses and hosts deliberately out of scope
        {"api.security.microsoft.com.evil.test", "/api/machines", false},
        {"evilapi.security.microsoft.com", "/api/machines", false},
        {"x.us.api.security.microsoft.com", "/api/machines", false},
        {"api-.security.microsoft.com", "/api/machines", false},
        {"security.microsoft.com", "/api/machines", false},
        {"api.security.microsoft.co", "/api/machines", false},
        {"login.microsoftonline.com", "/contoso.onmicrosoft.com/oauth2/token", false},
        {"login.windows.net", "/contoso/oauth2/token", false},
        {"login.microsoftonline.us", "/contoso/oauth2/v2.0/token", false},
        {"x.blob.core.windows.net", "/package.zip", false},
        {"graph.microsoft.com.evil.test", "/v1.0/security/alerts", false},
        {"wdatp-alertexporter-eu.evil.com", "/api/alerts", false},
        {"", "/api/machines", false},
    };
    for (const auto& row : rows) {
        CAPTURE(row.host, row.path);
        CHECK(default_scope().in_scope(row.host, row.path) == row.in_scope);
    }
}

TEST_CASE("intercepts() is any entry's host, whatever the path", "[audit][scope]") {
    const auto& scope = default_scope();
    CHECK(scope.intercepts("graph.microsoft.com"));
    CHECK(scope.intercepts("GRAPH.microsoft.com"));
    CHECK(scope.intercepts("api-us.security.microsoft.com"));
    CHECK(scope.intercepts("wdatp-alertexporter-us.securitycenter.windows.us"));
    CHECK_FALSE(scope.intercepts("login.microsoftonline.com"));
    CHECK_FALSE(scope.intercepts("x.blob.core.windows.net"));
    CHECK_FALSE(scope.intercepts("api.security.microsoft.com.evil.test"));
    CHECK_FALSE(scope.intercepts("example.com"));
}

TEST_CASE("default table lists every family", "[audit][scope]") {
    const auto& entries = Scope::default_entries();
    REQUIRE(entries.size() == 18);
    auto has = [&entries](const char* host, std::size_t paths) {
        for (const auto& entry : entries) {
            if (entry.host == host) {
                return entry.paths.size() == paths;
            }
        }
        return false;
    };
    CHECK(has("api.security.microsoft.com", 0));
    CHECK(has("*.api.security.microsoft.com", 0));
    CHECK(has("api-*.security.microsoft.com", 0));
    CHECK(has("api-*.securitycenter.windows.com", 0));
    CHECK(has("wdatp-alertexporter-*.securitycenter.windows.com", 0));
    CHECK(has("wdatp-alertexporter-us.*.windows.us", 0));
    CHECK(has("graph.microsoft.com", 2));
    CHECK(has("microsoftgraph.chinacloudapi.cn", 2));
    for (const auto& entry : entries) {
        CHECK(entry.host.find("login.") == std::string::npos);
        CHECK(entry.host.find("blob.core") == std::string::npos);
    }
}

TEST_CASE("custom entries add to the default when it is listed", "[audit][scope]") {
    ScopeConfig config;
    config.entries = {ScopeEntry{"api.contoso-mock.test", {}},
                      ScopeEntry{"login.microsoftonline.com", {"/*/oauth2/*"}}};
    const auto scope = Scope::create(config);
    CHECK(scope.in_scope("api.contoso-mock.test", "/anything"));
    CHECK(scope.in_scope("login.microsoftonline.com", "/contoso/oauth2/token"));
    CHECK_FALSE(scope.in_scope("login.microsoftonline.com", "/common/discovery/keys"));
    CHECK(scope.intercepts("login.microsoftonline.com"));
    CHECK(scope.in_scope("api.security.microsoft.com", "/api/machines"));
    CHECK(scope.summary() ==
          "default MDE/Graph hosts (18 patterns) + 2 custom (api.contoso-mock.test, "
          "login.microsoftonline.com /*/oauth2/*)");
}

TEST_CASE("a scope without default replaces the default table", "[audit][scope]") {
    ScopeConfig config;
    config.include_default = false;
    config.entries = {ScopeEntry{"**.contoso-mock.test", {}},
                      ScopeEntry{"graph.microsoft.com", {"/v1.0/security/*"}}};
    const auto scope = Scope::create(config);
    CHECK(scope.in_scope("api.contoso-mock.test", "/api/machines"));
    CHECK(scope.in_scope("a.b.contoso-mock.test", "/"));
    CHECK_FALSE(scope.in_scope("contoso-mock.test", "/"));
    CHECK_FALSE(scope.in_scope("api.security.microsoft.com", "/api/machines"));
    CHECK_FALSE(scope.intercepts("api.security.microsoft.com"));
    CHECK(scope.in_scope("graph.microsoft.com", "/v1.0/security/alerts_v2"));
    CHECK_FALSE(scope.in_scope("graph.microsoft.com", "/beta/security/alerts"));
    CHECK(scope.summary() ==
          "2 custom (**.contoso-mock.test, graph.microsoft.com /v1.0/security/*)");

    const auto empty = Scope::create(ScopeConfig{false, {}});
    CHECK_FALSE(empty.in_scope("api.security.microsoft.com", "/api/machines"));
    CHECK(empty.summary() == "nothing (scope is empty: every request passes as out-of-scope)");
    CHECK(default_scope().summary() == "default MDE/Graph hosts (18 patterns)");
}

TEST_CASE("a bad pattern throws invalid_argument", "[audit][scope]") {
    CHECK_THROWS_AS(Scope::create(ScopeConfig{false, {ScopeEntry{"", {}}}}), std::invalid_argument);
    CHECK_THROWS_AS(Scope::create(ScopeConfig{false, {ScopeEntry{"a..b", {}}}}),
                    std::invalid_argument);
}
