#include "audit/catalog.hpp"

#include "audit/detail/embedded.hpp"

#include <catch2/catch.hpp>

#include <set>

using uaudit::audit::OperationCatalog;

TEST_CASE("the embedded catalog loads every row", "[audit][catalog]") {
    const auto& catalog = OperationCatalog::embedded();
    const auto& ops = catalog.operations();
    // 144 rows; two Graph beta rows name 2 and 3 methods.
    CHECK(ops.size() == 147);
    CHECK(ops.front().family == "MDE");
    CHECK(ops.front().name() == "GET /api/alerts");
    CHECK(ops.back().name() == "POST /{tenantId}/oauth2/v2.0/token");
    CHECK(ops.back().family == "Entra token");
    std::set<std::string> names;
    for (const auto& op : ops) {
        CHECK(!op.source.empty());
        CHECK(op.path_template.front() == '/');
        names.insert(op.name());
    }
    CHECK(names.size() == ops.size());  // no duplicate operation
    CHECK(names.count("GET /beta/security/tiIndicators") == 1);
    CHECK(names.count("POST /beta/security/tiIndicators") == 1);
    CHECK(names.count("DELETE /beta/security/tiIndicators/{tiIndicator-id}") == 1);
}

TEST_CASE("catalog matching", "[audit][catalog]") {
    struct Row {
        const char* method;
        const char* target;
        const char* operation;  // nullptr: no match
    };
    const Row rows[] = {
        {"GET", "/api/machines", "GET /api/machines"},
        {"get", "/API/MACHINES", "GET /api/machines"},
        {"GET", "/api/machines/1e5bc9d7e413ddd7902c2932e418702b84d0cc07", "GET /api/machines/{id}"},
        {"PATCH", "/api/machines/1e5bc9d7e413ddd7902c2932e418702b84d0cc07",
         "PATCH /api/machines/{machineId}"},
        {"GET", "/api/machines/SoftwareInventoryExport",
         "GET /api/machines/SoftwareInventoryExport"},
        {"GET", "/api/machines/softwareinventoryexport",
         "GET /api/machines/SoftwareInventoryExport"},
        {"GET", "/api/machines/BrowserExtensionsInventoryByMachine",
         "GET /api/Machines/BrowserExtensionsInventoryByMachine"},
        {"GET", "/api/vulnerabilities/machinesVulnerabilities",
         "GET /api/vulnerabilities/machinesVulnerabilities"},
        {"GET", "/api/vulnerabilities/CVE-2024-1234", "GET /api/vulnerabilities/{cveId}"},
        {"GET", "/api/alerts", "GET /api/alerts"},
        {"GET", "/api/alerts?$top=10", "GET /api/alerts"},
        {"GET", "/api/alerts?sinceTimeUtc=2024-01-01T00:00:00Z",
         "GET /api/alerts?sinceTimeUtc={ISO8601}"},
        {"GET", "/api/alerts?SINCETIMEUTC=2024-01-01", "GET /api/alerts?sinceTimeUtc={ISO8601}"},
        {"POST", "/api/alerts/batchUpdate", "POST /api/alerts/batchUpdate"},
        {"POST", "/api/alerts/createAlertByReference", "POST /api/alerts/CreateAlertByReference"},
        {"GET", "/api/alerts/batchUpdate", "GET /api/alerts/{id}"},
        {"GET", "/api/machines/findbyip(ip='10.1.1.1',timestamp=2024-05-01T00:00:00Z)",
         "GET /api/machines/findbyip(ip='{IP}',timestamp={TimeStamp})"},
        {"GET", "/api/machines/findbyip(ip=%2710.1.1.1%27,timestamp=2024-05-01T00:00:00Z)",
         "GET /api/machines/findbyip(ip='{IP}',timestamp={TimeStamp})"},
        {"GET", "/api/machines/find(timestamp=2024-05-01T00:00:00Z,key=10.1.1.1)",
         "GET /api/machines/find(timestamp={time},key={IP})"},
        {"GET", "/api/machines/findbyip(ip='',timestamp=x)", "GET /api/machines/{id}"},
        {"GET", "/api/machines/findbytag?tag=prod",
         "GET /api/machines/findbytag?tag={tag}&useStartsWithFilter={true/false}"},
        {"GET",
         "/api/machineactions/2e9da30d-27f6-4208-81f2-9cd3d67893ba/"
         "GetLiveResponseResultDownloadLink(index=0)",
         "GET /api/machineactions/{id}/GetLiveResponseResultDownloadLink(index={command-index})"},
        {"GET", "/beta/security/tiIndicators", "GET /beta/security/tiIndicators"},
        {"POST", "/beta/security/tiIndicators", "POST /beta/security/tiIndicators"},
        {"DELETE", "/beta/security/tiIndicators/abc",
         "DELETE /beta/security/tiIndicators/{tiIndicator-id}"},
        {"POST", "/beta/security/tiIndicators/submitTiIndicators",
         "POST /beta/security/tiIndicators/submitTiIndicators"},
        {"POST", "/v1.0/security/runHuntingQuery", "POST /v1.0/security/runHuntingQuery"},
        {"PATCH", "/v1.0/security/alerts_v2/da637308392288907382_-880718168",
         "PATCH /v1.0/security/alerts_v2/{alertId}"},
        {"POST", "/contoso.onmicrosoft.com/oauth2/v2.0/token",
         "POST /{tenantId}/oauth2/v2.0/token"},
        {"POST", "/2e9da30d-27f6-4208-81f2-9cd3d67893ba/oauth2/token",
         "POST /{tenantId}/oauth2/token"},
        {"GET", "/api/machines/", "GET /api/machines"},
        // no match
        {"PUT", "/api/machines", nullptr},
        {"GET", "/api/machines/a/b/c/d", nullptr},
        {"GET", "/api//machines", nullptr},
        {"GET", "/v1.0/users", nullptr},
        {"GET", "/api/machines//isolate", nullptr},
        {"GET", "api/machines", nullptr},
        {"GET", "", nullptr},
        {"DELETE", "/v1.0/security/incidents/1", nullptr},
    };
    const auto& catalog = OperationCatalog::embedded();
    for (const auto& row : rows) {
        CAPTURE(row.method, row.target);
        const auto operation = catalog.match(row.method, row.target);
        if (row.operation == nullptr) {
            CHECK_FALSE(operation.has_value());
        } else {
            CHECK(operation == std::optional<std::string>(row.operation));
        }
    }
}

TEST_CASE("catalog parsing rejects unusable rows with the line", "[audit][catalog]") {
    const char* header = "api_family\tmethod\tpath_template\tid_kinds\tsource\n";
    CHECK(OperationCatalog::parse(header).operations().empty());
    CHECK(OperationCatalog::parse(std::string(header) + "\n# comment\nX\tGET\t/a/{b}\tk\ts\n")
              .operations()
              .size() == 1);
    try {
        (void)OperationCatalog::parse(std::string(header) + "X\tGET\n");
        FAIL("no exception");
    } catch (const std::invalid_argument& e) {
        CHECK(std::string(e.what()) ==
              "operation catalog line 2: expected at least 3 tab-separated columns");
    }
    CHECK_THROWS_AS(OperationCatalog::parse(std::string(header) + "X\tGET\tapi/x\n"),
                    std::invalid_argument);
    CHECK_THROWS_AS(OperationCatalog::parse(std::string(header) + "X\tGET\t/a/{b\n"),
                    std::invalid_argument);
    CHECK_THROWS_AS(OperationCatalog::parse(std::string(header) + "X\tGET/\t/a\n"),
                    std::invalid_argument);
}

TEST_CASE("placeholders inside a segment match in linear time", "[audit][catalog]") {
    const char* header = "api_family\tmethod\tpath_template\tid_kinds\tsource\n";
    const auto catalog = OperationCatalog::parse(
        std::string(header) + "X\tGET\t/f(a='{A}',b={B})\tk\ts\nX\tGET\t/{x}{y}-{z}\tk\ts\n");
    struct Row {
        const char* target;
        bool matches_f;
    };
    for (const auto& row :
         {Row{"/f(a='1',b=2)", true}, Row{"/F(A='x',B=y)", true}, Row{"/f(a='',b=2)", false},
          Row{"/f(a='1',b=)", false}, Row{"/f(a='1',b=2", false}, Row{"/f(a='1',b=2))", true},
          Row{"/f(a='1',b=2)x", false}, Row{"/f(a='1','b=2)", false}}) {
        CAPTURE(row.target);
        CHECK((catalog.match("GET", row.target) ==
               std::optional<std::string>("GET /f(a='{A}',b={B})")) == row.matches_f);
    }
    CHECK(catalog.match("GET", "/ab-c") == std::optional<std::string>("GET /{x}{y}-{z}"));
    CHECK_FALSE(catalog.match("GET", "/a-c").has_value());
    CHECK_FALSE(catalog.match("GET", "/ab-").has_value());

    // A hostile 64 KiB segment full of near-matches must not match (its cost is measured by
    // hand, never by a timed test).
    std::string hostile = "/f(a='";
    while (hostile.size() < 64 * 1024) {
        hostile += "',b=";
    }
    CHECK_FALSE(catalog.match("GET", hostile).has_value());
    CHECK(OperationCatalog::embedded().match("GET", "/api/machines/findbyip(ip='" + hostile) ==
          std::nullopt);
}
