#include "report/client_library.hpp"

#include <catch2/catch.hpp>

namespace report = uaudit::report;

TEST_CASE("client libraries are recognized from the User-Agent", "[report][library]") {
    const std::string expected = "MdePartner-Contoso-ContosoCognito/1.0.0";
    const std::vector<std::pair<std::string, std::string>> table{
        {"python-requests/2.31.0", "python-requests"},
        {"Go-http-client/1.1", "go-http-client"},
        {"Go-http-client/2.0", "go-http-client"},
        {"curl/8.5.0", "curl"},
        {"Mozilla/5.0 (Windows NT 10.0; Microsoft Windows 10.0.19045; en-US) PowerShell/7.4.0",
         "powershell"},
        {"Mozilla/5.0 (Windows NT; Windows NT 10.0; en-US) WindowsPowerShell/5.1.19041.3803",
         "powershell"},
        {"Java-http-client/17.0.9", "java-httpclient"},
        {"Apache-HttpClient/4.5.14 (Java/17.0.9)", "apache-httpclient"},
        {"okhttp/4.12.0", "okhttp"},
        {"Java/1.8.0_392", "java-urlconnection"},
        {"axios/1.6.2", "node-axios"},
        {"got (https://github.com/sindresorhus/got)", "node-got"},
        {"node-fetch/1.0 (+https://github.com/bitinn/node-fetch)", "node-fetch"},
        {"node", "node-fetch"},
        {"undici", "node-fetch"},
        {"azsdk-python-identity/1.15.0 Python/3.11.6 (Linux-6.1.0-x86_64-with-glibc2.36)",
         "azure-sdk-python"},
        {"azsdk-js-identity/4.0.0 core-rest-pipeline/1.12.3 Node/v20.10.0 OS/(x64-Linux)",
         "azure-sdk-js"},
        {"azsdk-go-azidentity/v1.5.0 (go1.21.5; linux)", "azure-sdk-go"},
        {"azsdk-java-azure-identity/1.11.1 (17.0.9; Linux; 6.1.0)", "azure-sdk-java"},
        {"azsdk-net-Identity/1.10.4 (.NET 8.0.0; Linux)", "azure-sdk-net"},
        {"python-httpx/0.27.0", "python-httpx"},
        {"Python/3.11 aiohttp/3.9.1", "python-aiohttp"},
        {"Python-urllib/3.11", "python-urllib"},
    };
    for (const auto& [ua, id] : table) {
        CAPTURE(ua);
        const auto library = report::recognize_client_library(ua, "", expected);
        REQUIRE(library);
        CHECK(library->id == id);
        CHECK_FALSE(library->from_process);
        CHECK(library->snippet.find(expected) != std::string::npos);
    }
    CHECK_FALSE(report::recognize_client_library(std::string("ContosoAgent/2.0"), "", expected));
}

TEST_CASE("without a header the client process is the hint", "[report][library]") {
    const auto dotnet = report::recognize_client_library(std::nullopt, "dotnet", "X/1");
    REQUIRE(dotnet);
    CHECK(dotnet->id == "dotnet-httpclient");
    CHECK(dotnet->from_process);
    CHECK(dotnet->snippet.find("UserAgent.ParseAdd(\"X/1\")") != std::string::npos);
    const auto pwsh = report::recognize_client_library(std::nullopt, "pwsh", "X/1");
    REQUIRE(pwsh);
    CHECK(pwsh->id == "powershell");
    CHECK_FALSE(report::recognize_client_library(std::nullopt, "", "X/1"));
    CHECK_FALSE(report::recognize_client_library(std::nullopt, "sync-agent", "X/1"));
}

TEST_CASE("snippets use the template when the identity is not exact", "[report][library]") {
    const std::string templ = "MdePartner-{CompanyName}-{ProductName}/{Version}";
    const auto go = report::recognize_client_library(std::string("Go-http-client/1.1"), "", templ);
    REQUIRE(go);
    CHECK(go->snippet.find("req.Header.Set(\"User-Agent\", \"" + templ + "\")") !=
          std::string::npos);
    // Quotes in a value can never break out of the snippet's string literal.
    const auto curl = report::recognize_client_library(std::string("curl/8"), "", "a'\"$b");
    REQUIRE(curl);
    CHECK(curl->snippet.find("curl -A 'ab'") != std::string::npos);
}
