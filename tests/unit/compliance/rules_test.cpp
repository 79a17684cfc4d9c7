// Rules UA001-UA014 under the default options, identities, version formats, strict mode and
// severity overrides. Each row asserts the exact codes and the verdict; the SPEC's examples
// also assert the exact suggestion.

#include "compliance/rules.hpp"

#include "compliance_cases.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

namespace uaudit::compliance::test {
namespace {

const std::string ok_token = "MdePartner-Contoso-X/1.0.0";

TEST_CASE("compliant tokens", "[compliance][rules]") {
    check_rows(
        {
            {"MdePartner-Contoso-ContosoCognito/1.0.0", {}, true},
            {"MdePartner-Contoso-X/1.0.0-rc.1+build.5", {}, true},
            {"MdePartner-Contoso-X/1.0.0-alpha", {}, true},
            {"MdePartner-Contoso-X/1.0.0+20240101", {}, true},
            {"MdePartner-Contoso-X/0.0.0", {}, true},
            {"MdePartner-Contoso-X/10.20.30-alpha.beta-1.0", {}, true},
            {"MdePartner-Con.toso-Pro_2/1.2.3", {}, true},
            {"MdePartner-" + std::string(64, 'C') + "-" + std::string(64, 'P') + "/1.0.0",
             {},
             true},
            {"  MdePartner-Contoso-X/1.0.0\t", {}, true},
        },
        {});
}

TEST_CASE("other elements after the token are a warning", "[compliance][rules]") {
    check_rows(
        {
            {ok_token + " python-requests/2.31.0", {"UA008"}, true, "UA008", ok_token},
            {ok_token + " (Linux)", {"UA008"}, true, "UA008", ok_token},
            {ok_token + "  (x)", {"UA008"}, true, "UA008", ok_token},
            {ok_token + " " + ok_token, {"UA008"}, true, "UA008", ok_token},
            {"MdePartner-Contoso-X/1.0.0-rc.1+build.5 Python/3.11.7",
             {"UA008"},
             true,
             "UA008",
             "MdePartner-Contoso-X/1.0.0-rc.1+build.5"},
        },
        {});
}

TEST_CASE("missing, empty and repeated headers", "[compliance][rules]") {
    const Options options;
    const std::vector<std::string_view> none;
    const Verdict missing = evaluate(none, options);
    check_verdict(missing, {"", {"UA001"}, false, "UA001", std::nullopt});

    check_rows(
        {
            {"", {"UA002"}, false, "UA002", std::nullopt},
            {"   ", {"UA002"}, false},
            {"\t \t", {"UA002"}, false},
        },
        options);

    struct FieldsRow {
        std::vector<std::string_view> fields;
        Row expected;
    };
    const std::vector<FieldsRow> rows = {
        {{ok_token, ok_token}, {"", {"UA003", "UA008"}, false, "UA003", ok_token}},
        {{"", ""}, {"", {"UA002", "UA003"}, false}},
        {{" ", ok_token}, {"", {"UA003"}, false, "UA003", ok_token}},
        {{"python-requests/2.31.0", ok_token},
         {"", {"UA003", "UA007"}, false, "UA007", ok_token + " python-requests/2.31.0"}},
        {{ok_token, "(extra)"}, {"", {"UA003", "UA008"}, false, "UA003", ok_token + " (extra)"}},
        {{"curl/8.5.0", "okhttp/4.12.0"}, {"", {"UA003", "UA005"}, false}},
        {{"mdepartner-Contoso-X/1.0.0", "Go-http-client/1.1"},
         {"", {"UA003", "UA006", "UA008"}, false, "UA006", ok_token + " Go-http-client/1.1"}},
    };
    for (const auto& row : rows) {
        CAPTURE(row.fields);
        check_verdict(evaluate(row.fields, options), row.expected);
    }
}

TEST_CASE("almost right tokens are UA006", "[compliance][rules]") {
    check_rows(
        {
            {"mdepartner-contoso-x/1.0.0", {"UA006"}, false, "UA006", "MdePartner-contoso-x/1.0.0"},
            {"MDEPARTNER-Contoso-X/1.0.0", {"UA006"}, false, "UA006", ok_token},
            {"MDEPartner-Contoso-X/1.0.0", {"UA006"}, false, "UA006", ok_token},
            {"Mdepartner-Contoso-X/1.0.0", {"UA006"}, false, "UA006", ok_token},
            {"mdepartner-Contoso-X/1.0",
             {"UA006", "UA009"},
             false,
             "UA006",
             "MdePartner-Contoso-X/1.0"},
            {"mdepartner-Contoso-X/1.0", {"UA006", "UA009"}, false, "UA009", std::nullopt},
            {"MdePartner_Contoso-X/1.0.0", {"UA006"}, false, "UA006", ok_token},
            {"MdePartner.Contoso-X/1.0.0", {"UA006"}, false, "UA006", ok_token},
            {"MdePartnerContoso-X/1.0.0", {"UA006"}, false, "UA006", ok_token},
            {"mdepartner_Contoso-X/1.0.0", {"UA006"}, false, "UA006", ok_token},
            {"MdePartner-Contoso-X 1.0.0", {"UA006"}, false, "UA006", ok_token},
            {"MdePartner-Contoso-X 1.0.0 (Windows)",
             {"UA006", "UA008"},
             false,
             "UA006",
             ok_token + " (Windows)"},
            {"MdePartner-Contoso-X v1.0.0", {"UA006", "UA009"}, false, "UA009", ok_token},
            {"mdepartner-contoso-x/1.0.0 python-requests/2.31.0",
             {"UA006", "UA008"},
             false,
             "UA006",
             "MdePartner-contoso-x/1.0.0 python-requests/2.31.0"},
            {"mdepartner/1.0.0", {"UA006", "UA012"}, false},
        },
        {});
}

TEST_CASE("outdated and unofficial prefixes are UA014", "[compliance][rules]") {
    check_rows(
        {
            {"MdatpPartner-Contoso-X/1.0.0", {"UA014"}, false, "UA014", ok_token},
            {"MDATPPARTNER-Contoso-X/1.0.0", {"UA014"}, false, "UA014", ok_token},
            {"mdatppartner-Contoso-X/1.0.0", {"UA014"}, false, "UA014", ok_token},
            {"M365DPartner-Contoso-X/1.0.0", {"UA014"}, false, "UA014", ok_token},
            {"M365dPartner-Contoso-X/1.0.0", {"UA014"}, false, "UA014", ok_token},
            {"m365dpartner_Contoso-X/1.0.0", {"UA014"}, false, "UA014", ok_token},
            {"MdatpPartner-Contoso-X 1.0.0", {"UA014"}, false, "UA014", ok_token},
            {"MdatpPartner-Contoso-X/v1", {"UA009", "UA014"}, false},
            {"python-requests/2.31.0 M365DPartner-Contoso-X/1.0.0",
             {"UA007", "UA014"},
             false,
             "UA014",
             ok_token + " python-requests/2.31.0"},
        },
        {});
}

TEST_CASE("versions under semver", "[compliance][rules]") {
    check_rows(
        {
            {"MdePartner-Contoso-X/v1.0.0", {"UA009"}, false, "UA009", ok_token},
            {"MdePartner-Contoso-X/V1.0.0", {"UA009"}, false, "UA009", ok_token},
            {"MdePartner-Contoso-X", {"UA009"}, false, "UA009", std::nullopt},
            {"MdePartner-Contoso-X/1.0", {"UA009"}, false, "UA009", std::nullopt},
            {"MdePartner-Contoso-X/01.0.0", {"UA009"}, false},
            {"MdePartner-Contoso-X/1.00.0", {"UA009"}, false},
            {"MdePartner-Contoso-X/1.0.0-01", {"UA009"}, false},
            {"MdePartner-Contoso-X/1.0.0-rc..1", {"UA009"}, false},
            {"MdePartner-Contoso-X/1.0.0-", {"UA009"}, false},
            {"MdePartner-Contoso-X/1.0.0+", {"UA009"}, false},
            {"MdePartner-Contoso-X/1.0.0+a+b", {"UA009"}, false},
            {"MdePartner-Contoso-X/1.0.0.0", {"UA009"}, false},
            {"MdePartner-Contoso-X/latest", {"UA009"}, false},
            {"MdePartner-Contoso-X/v", {"UA009"}, false},
            {"MdePartner-Contoso-X/vv1.0.0", {"UA009"}, false, "UA009", std::nullopt},
        },
        {});
}

TEST_CASE("company and product must be told apart", "[compliance][rules]") {
    check_rows(
        {
            {"MdePartner-Contoso-Cognito-Pro/1.0.0", {"UA012"}, false, "UA012", std::nullopt},
            {"MdePartner-ContosoX/1.0.0", {"UA012"}, false},
            {"MdePartner--X/1.0.0", {"UA012"}, false},
            {"MdePartner-Contoso-/1.0.0", {"UA012"}, false},
            {"MdePartner-/1.0.0", {"UA012"}, false},
            {"MdePartner/1.0.0", {"UA012"}, false},
            {"MdePartner-" + std::string(65, 'C') + "-X/1.0.0", {"UA012"}, false},
            {"MdePartner-Contoso-" + std::string(65, 'P') + "/1.0.0", {"UA012"}, false},
            {"MdePartner-Con+toso-X/1.0.0", {"UA012"}, false},
            {"MdePartner-Contoso-X!/1.0.0", {"UA012"}, false},
            {"MdePartner-Contoso-Cognito-Pro", {"UA009", "UA012"}, false},
        },
        {});
}

TEST_CASE("position of the token", "[compliance][rules]") {
    check_rows(
        {
            {"python-requests/2.31.0 " + ok_token,
             {"UA007"},
             false,
             "UA007",
             ok_token + " python-requests/2.31.0"},
            {"a/1 " + ok_token + " b/2", {"UA007", "UA008"}, false, "UA007", ok_token + " a/1 b/2"},
            {"a/1 " + ok_token + " b/2", {"UA007", "UA008"}, false, "UA008", ok_token},
            {"mdepartner-a-b/1.0.0 " + ok_token, {"UA007"}, false, "UA007", ok_token},
            {"a (x) " + ok_token, {"UA007"}, false, "UA007", ok_token + " a (x)"},
            {"python-requests/2.31.0", {"UA005"}, false, "UA005", std::nullopt},
            {"python-requests/2.31.0 (MdePartner-Contoso-X/1.0.0)", {"UA005"}, false},
        },
        {});
}

TEST_CASE("header length", "[compliance][rules]") {
    const std::string prefix = ok_token + " (";
    const std::string at_limit = prefix + std::string(256 - prefix.size() - 1, 'x') + ")";
    REQUIRE(at_limit.size() == 256);
    const std::string over = prefix + std::string(256 - prefix.size(), 'x') + ")";
    check_rows(
        {
            {at_limit, {"UA008"}, true},
            {over, {"UA008", "UA013"}, true, "UA013", ok_token},
            {"curl/" + std::string(300, '1'), {"UA005", "UA013"}, false, "UA013", std::nullopt},
        },
        {});
}

TEST_CASE("grammar failures are UA004, the token is still judged", "[compliance][rules]") {
    using namespace std::string_literals;
    check_rows(
        {
            {"(comment) " + ok_token, {"UA004"}, false, "UA004", ok_token + " (comment)"},
            {ok_token + " (unterminated", {"UA004", "UA008"}, false, "UA004", ok_token},
            {ok_token + "(x)", {"UA004", "UA008"}, false, "UA004", ok_token + " (x)"},
            {ok_token + " \x01", {"UA004"}, false, "UA004", ok_token},
            {ok_token + " (caf\xc3\xa9)", {"UA004", "UA008"}, false, "UA004", ok_token},
            {"MdePartner-Contoso-X/", {"UA004", "UA009"}, false},
            {"MdePartner-Contoso-X/ 1.0.0", {"UA004", "UA006"}, false, "UA004", ok_token},
            {"mdepartner-Contoso-X/1.0.0 \"quoted\"",
             {"UA004", "UA006", "UA008"},
             false,
             "UA006",
             ok_token},
            {"MdePartner-Contos\xc3\xb6-X/1.0.0", {"UA004", "UA012"}, false},
            {"\0"s, {"UA004", "UA005"}, false},
        },
        {});
}

}  // namespace
}  // namespace uaudit::compliance::test
