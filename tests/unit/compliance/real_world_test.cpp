// User-Agent strings real HTTP clients send, alone and with the partner token before or
// after them.

#include "compliance/rules.hpp"
#include "compliance_cases.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

namespace uaudit::compliance::test {
namespace {

const std::string token = "MdePartner-Contoso-ContosoCognito/1.0.0";

// What common clients send by default; none names a partner.
const std::vector<std::string> clients = {
    "python-requests/2.31.0",
    "Go-http-client/1.1",
    "Go-http-client/2.0",
    "curl/8.5.0",
    "Mozilla/5.0 (Windows NT; Windows NT 10.0; en-US) WindowsPowerShell/5.1.22621.2506",
    "Mozilla/5.0 (Windows NT 10.0; Microsoft Windows 10.0.22631; en-US) PowerShell/7.4.0",
    "Microsoft.Graph",
    "azsdk-net-Identity/1.10.4 (.NET 6.0.25; Microsoft Windows 10.0.22631)",
    "azsdk-python-identity/1.15.0 Python/3.11.7 (Linux-6.2.0-1018-azure-x86_64-with-glibc2.35)",
    "azsdk-java-azure-identity/1.11.1 (17.0.9; Linux; 6.2.0)",
    "okhttp/4.12.0",
    "axios/1.6.2",
    "Java-http-client/17.0.9",
    "Apache-HttpClient/4.5.14 (Java/17.0.9)",
    "node",
    "undici",
    "node-fetch/1.0 (+https://github.com/bitinn/node-fetch)",
    "python-urllib3/2.1.0",
    "Python-urllib/3.11",
    "Python/3.11 aiohttp/3.9.1",
    "Wget/1.21.3",
    "PostmanRuntime/7.36.0",
    "HTTPie/3.2.2",
    "Dart/3.2 (dart:io)",
    "Faraday v2.7.12",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Safari/537.36 Edg/120.0.0.0",
};

TEST_CASE("default client User-Agents have no partner token", "[compliance][real-world]") {
    for (const auto& client : clients) {
        CAPTURE(client);
        check_verdict(evaluate_one(client, {}), {client, {"UA005"}, false, "UA005", std::nullopt});
    }
}

TEST_CASE("the partner token first, the client after it", "[compliance][real-world]") {
    for (const auto& client : clients) {
        CAPTURE(client);
        check_verdict(evaluate_one(token + " " + client, {}),
                      {"", {"UA008"}, true, "UA008", token});
    }
}

TEST_CASE("the partner token after the client", "[compliance][real-world]") {
    for (const auto& client : clients) {
        CAPTURE(client);
        check_verdict(evaluate_one(client + " " + token, {}),
                      {"", {"UA007"}, false, "UA007", token + " " + client});
    }
}

TEST_CASE("mistakes seen in partner code", "[compliance][real-world]") {
    check_rows(
        {
            // .NET assembly versions have four parts.
            {"MdePartner-Contoso-ContosoCognito/1.0.0.0", {"UA009"}, false},
            // The product name with spaces, as in a display name.
            {"MdePartner-Contoso-Contoso Cognito/1.0.0", {"UA008", "UA009"}, false},
            // A PowerShell helper that appended the token to the default string.
            {"Mozilla/5.0 (Windows NT; Windows NT 10.0; en-US) WindowsPowerShell/5.1.22621.2506 " +
                 token,
             {"UA007"},
             false},
            // An empty version from a build variable that was not set.
            {"MdePartner-Contoso-ContosoCognito/", {"UA004", "UA009"}, false},
            // A template left unfilled.
            {"MdePartner-{CompanyName}-{ProductName}/{Version}",
             {"UA004", "UA009", "UA012"},
             false},
            // The old Defender ATP form with the client's default string behind it.
            {"MdatpPartner-Contoso-ContosoCognito/1.0.0 python-requests/2.31.0",
             {"UA008", "UA014"},
             false,
             "UA014",
             token + " python-requests/2.31.0"},
        },
        {});
    check_rows({{"MdePartner-Contoso-ContosoCognito/1.0.0.0", {}, true}},
               format_options(VersionFormat::dotted));
}

}  // namespace
}  // namespace uaudit::compliance::test
