#include "audit/endpoint.hpp"

#include <catch2/catch.hpp>

#include <random>

using uaudit::audit::classify_endpoint;
using uaudit::audit::normalize_endpoint;

TEST_CASE("normalize_endpoint replaces identifiers by typed placeholders", "[audit][endpoint]") {
    struct Row {
        const char* path;
        const char* endpoint;
    };
    const Row rows[] = {
        {"/api/machines", "/api/machines"},
        {"/api/machines/1e5bc9d7e413ddd7902c2932e418702b84d0cc07", "/api/machines/{sha1}"},
        {"/api/machines/1E5BC9D7E413DDD7902C2932E418702B84D0CC07/isolate",
         "/api/machines/{sha1}/isolate"},
        {"/api/files/87662bc3d60e4200ceaf7aae249d1c343f4b83c9bbbe36b4e4d5b0e3e7f6a0c4",
         "/api/files/{sha256}"},
        {"/api/files/87662BC3D60E4200CEAF7AAE249D1C343F4B83C9BBBE36B4E4D5B0E3E7F6A0C4/stats",
         "/api/files/{sha256}/stats"},
        {"/api/machineactions/2e9da30d-27f6-4208-81f2-9cd3d67893ba", "/api/machineactions/{guid}"},
        {"/api/machineactions/2E9DA30D-27F6-4208-81F2-9CD3D67893BA/cancel",
         "/api/machineactions/{guid}/cancel"},
        {"/api/machineactions/{2e9da30d-27f6-4208-81f2-9cd3d67893ba}",
         "/api/machineactions/{guid}"},
        {"/api/machineactions/%7B2e9da30d-27f6-4208-81f2-9cd3d67893ba%7d",
         "/api/machineactions/{guid}"},
        {"/api/alerts/da637308392288907382_-880718168", "/api/alerts/{alertId}"},
        {"/api/alerts/ed637308392288907382_880718168/files", "/api/alerts/{alertId}/files"},
        {"/api/alerts/fa637308392288907382_-1", "/api/alerts/{alertId}"},
        {"/api/alerts/636688558380765161_2136280442/machine", "/api/alerts/{alertId}/machine"},
        {"/v1.0/security/incidents/2972395", "/v1.0/security/incidents/{n}"},
        {"/api/investigations/42", "/api/investigations/{n}"},
        {"/v1.0/users('abc@x.com')", "/v1.0/users('{id}')"},
        {"/v1.0/security/alerts_v2('da637308392288907382_-880718168')",
         "/v1.0/security/alerts_v2('{alertId}')"},
        {"/beta/security/tiIndicators(2e9da30d-27f6-4208-81f2-9cd3d67893ba)",
         "/beta/security/tiIndicators({guid})"},
        {"/api/machines/findbyip(ip='10.1.1.1',timestamp=2024-05-01T00:00:00Z)",
         "/api/machines/findbyip(ip='{id}',timestamp={id})"},
        {"/api/machineactions/2e9da30d-27f6-4208-81f2-9cd3d67893ba/"
         "GetLiveResponseResultDownloadLink(index=0)",
         "/api/machineactions/{guid}/GetLiveResponseResultDownloadLink(index={n})"},
        {"/v1.0/security/microsoft.graph.security.runHuntingQuery()",
         "/v1.0/security/microsoft.graph.security.runHuntingQuery()"},
        {"/v1.0/users('o''brien@x.com')", "/v1.0/users('{id}')"},
        {"/v1.0/users('a,b')", "/v1.0/users('{id}')"},
        {"/v1.0/users('unbalanced)", "/v1.0/users('unbalanced)"},
        {"/API/Machines/SoftwareInventoryExport", "/API/Machines/SoftwareInventoryExport"},
        {"/api/alerts?$filter=alertCreationTime+gt+2024-01-01", "/api/alerts"},
        {"/api/alerts#fragment", "/api/alerts"},
        {"/api/machines/", "/api/machines/"},
        {"//api//machines", "//api//machines"},
        {"/", "/"},
        {"", ""},
        {"/api/vulnerabilities/CVE-2021-44228", "/api/vulnerabilities/CVE-2021-44228"},
        {"/api/users/contoso%5Cuser1/alerts", "/api/users/contoso%5Cuser1/alerts"},
        // near misses stay literal
        {"/api/machines/1e5bc9d7e413ddd7902c2932e418702b84d0cc0",
         "/api/machines/1e5bc9d7e413ddd7902c2932e418702b84d0cc0"},
        {"/api/machines/1e5bc9d7e413ddd7902c2932e418702b84d0ccg7",
         "/api/machines/1e5bc9d7e413ddd7902c2932e418702b84d0ccg7"},
        {"/api/alerts/xx637308392288907382_-880718168",
         "/api/alerts/xx637308392288907382_-880718168"},
        {"/api/alerts/da_1", "/api/alerts/da_1"},
        {"/api/alerts/12_", "/api/alerts/12_"},
        {"/v1.0", "/v1.0"},
    };
    for (const auto& row : rows) {
        CAPTURE(row.path);
        CHECK(normalize_endpoint(row.path) == row.endpoint);
    }
}

TEST_CASE("classify_endpoint names the documented operation", "[audit][endpoint]") {
    struct Row {
        const char* method;
        const char* target;
        const char* endpoint;
        const char* operation;  // nullptr: undocumented
    };
    const Row rows[] = {
        {"POST", "/api/machines/1e5bc9d7e413ddd7902c2932e418702b84d0cc07/isolate",
         "/api/machines/{sha1}/isolate", "POST /api/machines/{id}/isolate"},
        {"GET", "/api/machines/1e5bc9d7e413ddd7902c2932e418702b84d0cc07", "/api/machines/{sha1}",
         "GET /api/machines/{id}"},
        {"GET", "/api/machines/DESKTOP-42", "/api/machines/{id}", "GET /api/machines/{id}"},
        {"GET", "/API/Machines/SoftwareInventoryExport", "/API/Machines/SoftwareInventoryExport",
         "GET /api/machines/SoftwareInventoryExport"},
        {"GET", "/api/vulnerabilities/CVE-2021-44228", "/api/vulnerabilities/{cveId}",
         "GET /api/vulnerabilities/{cveId}"},
        {"GET", "/api/alerts/da637308392288907382_-880718168/files", "/api/alerts/{alertId}/files",
         "GET /api/alerts/{id}/files"},
        {"GET", "/api/machines/findbyip(ip='10.1.1.1',timestamp=2024-05-01T00:00:00Z)",
         "/api/machines/findbyip(ip='{id}',timestamp={id})",
         "GET /api/machines/findbyip(ip='{IP}',timestamp={TimeStamp})"},
        {"GET", "/api/machines/findbytag?tag=prod&useStartsWithFilter=true",
         "/api/machines/findbytag",
         "GET /api/machines/findbytag?tag={tag}&useStartsWithFilter={true/false}"},
        {"GET", "/api/alerts/", "/api/alerts/", "GET /api/alerts"},
        {"GET", "/api/unknown/42", "/api/unknown/{n}", nullptr},
        {"DELETE", "/api/machines/1e5bc9d7e413ddd7902c2932e418702b84d0cc07", "/api/machines/{sha1}",
         nullptr},
    };
    for (const auto& row : rows) {
        CAPTURE(row.method, row.target);
        const auto info = classify_endpoint(row.method, row.target);
        CHECK(info.endpoint == row.endpoint);
        if (row.operation == nullptr) {
            CHECK_FALSE(info.operation.has_value());
        } else {
            CHECK(info.operation == std::optional<std::string>(row.operation));
        }
    }
}

TEST_CASE("two machine ids group under one endpoint and operation", "[audit][endpoint]") {
    const auto a =
        classify_endpoint("POST", "/api/machines/1e5bc9d7e413ddd7902c2932e418702b84d0cc07/isolate");
    const auto b =
        classify_endpoint("post", "/api/machines/0123456789ABCDEF0123456789abcdef01234567/isolate");
    CHECK(a.endpoint == b.endpoint);
    CHECK(a.operation == b.operation);
    CHECK(a.operation == std::optional<std::string>("POST /api/machines/{id}/isolate"));
}

TEST_CASE("endpoint functions never throw on arbitrary bytes", "[audit][endpoint]") {
    std::mt19937 random(42);
    const std::string alphabet = "/(),'=_-{}%7Bda0123456789abcdefABCDEF?#\xff ";
    for (int i = 0; i < 5000; ++i) {
        std::string path;
        const auto length = random() % 60;
        for (std::uint32_t j = 0; j < length; ++j) {
            path += alphabet[random() % alphabet.size()];
        }
        CHECK_NOTHROW(normalize_endpoint(path));
        CHECK_NOTHROW(classify_endpoint("GET", path));
        CHECK_NOTHROW(classify_endpoint("POST", "/api" + path));
    }
}
