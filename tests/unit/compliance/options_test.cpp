// Identity (exact, glob, case-only difference), version formats, strict mode and severity
// overrides, and the small public helpers of rules.hpp.

#include "compliance/identity_glob.hpp"
#include "compliance/rules.hpp"
#include "compliance/version_format.hpp"
#include "compliance_cases.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

namespace uaudit::compliance::test {
namespace {

const std::string expected = "MdePartner-Contoso-ContosoCognito/1.0.0";

TEST_CASE("an exact identity", "[compliance][identity]") {
    const Options options = identity_options("Contoso", "ContosoCognito", "1.0.0");
    check_rows(
        {
            {expected, {}, true},
            {expected + " python-requests/2.31.0", {"UA008"}, true, "UA008", expected},
            {"MdePartner-contoso-ContosoCognito/1.0.0", {"UA010"}, false, "UA010", expected},
            {"MdePartner-Fabrikam-ContosoCognito/1.0.0", {"UA010"}, false, "UA010", expected},
            {"MdePartner-Contoso-Cognito/1.0.0", {"UA010"}, false, "UA010", expected},
            {"MdePartner-Contoso-ContosoCognito/1.0.1", {"UA011"}, false, "UA011", expected},
            {"mdepartner-contoso-contosocognito/1.0.0",
             {"UA006", "UA010"},
             false,
             "UA006",
             expected},
            {"MdePartner-Contoso-ContosoCognito/v1.0.0", {"UA009"}, false, "UA009", expected},
            {"MdePartner-Contoso-ContosoCognito", {"UA009"}, false, "UA009", expected},
            {"MdePartner-Contoso-Contoso-Cognito/1.0.0", {"UA012"}, false, "UA012", expected},
            {"MdatpPartner-Contoso-ContosoCognito/2.0.0",
             {"UA011", "UA014"},
             false,
             "UA014",
             expected},
            {"python-requests/2.31.0", {"UA005"}, false, "UA005", expected},
            {"", {"UA002"}, false, "UA002", expected},
        },
        options);
    const std::vector<std::string_view> none;
    check_verdict(evaluate(none, options), {"", {"UA001"}, false, "UA001", expected});
}

TEST_CASE("identity messages name a case-only difference", "[compliance][identity]") {
    const Options company_only = identity_options("Contoso", std::nullopt, std::nullopt);
    const Verdict verdict = evaluate_one("mdepartner-contoso-x/1.0.0", company_only);
    REQUIRE(codes_of(verdict) == std::vector<std::string>{"UA006", "UA010"});
    CHECK(verdict.findings[1].message ==
          "company 'contoso' differs from the configured identity only in letter case");
    CHECK(verdict.findings[0].suggestion == "MdePartner-Contoso-x/1.0.0");

    const Verdict other = evaluate_one("MdePartner-Fabrikam-X/1.0.0", company_only);
    REQUIRE(codes_of(other) == std::vector<std::string>{"UA010"});
    CHECK(other.findings[0].message == "company 'Fabrikam' differs from the configured identity");
    CHECK(other.findings[0].suggestion == "MdePartner-Contoso-X/1.0.0");
}

TEST_CASE("a version glob in the identity", "[compliance][identity]") {
    const Options options = identity_options("Contoso", "X", "1.*");
    check_rows(
        {
            {"MdePartner-Contoso-X/1.2.3", {}, true},
            {"MdePartner-Contoso-X/1.0.0-rc.1", {}, true},
            {"MdePartner-Contoso-X/2.0.0", {"UA011"}, false, "UA011", std::nullopt},
            {"MdePartner-Contoso-X/v1.2.3",
             {"UA009"},
             false,
             "UA009",
             "MdePartner-Contoso-X/1.2.3"},
            {"MdePartner-Contoso-X", {"UA009"}, false, "UA009", std::nullopt},
            {"curl/8.5.0", {"UA005"}, false, "UA005", std::nullopt},
        },
        options);
    check_rows({{"MdePartner-Contoso-X/7.0.0", {}, true}},
               identity_options(std::nullopt, std::nullopt, "*"));
    check_rows({{"MdePartner-Contoso-X/1.5.0", {}, true},
                {"MdePartner-Contoso-X/1.5.1", {"UA011"}, false}},
               identity_options(std::nullopt, std::nullopt, "1.*.0"));
}

TEST_CASE("version format dotted", "[compliance][version]") {
    const Options options = format_options(VersionFormat::dotted);
    check_rows(
        {
            {"MdePartner-Contoso-X/1", {}, true},
            {"MdePartner-Contoso-X/1.2", {}, true},
            {"MdePartner-Contoso-X/5.1.22621.2506", {}, true},
            {"MdePartner-Contoso-X/01.02", {}, true},
            {"MdePartner-Contoso-X/1.2.3.4.5", {"UA009"}, false},
            {"MdePartner-Contoso-X/1.0.0-rc.1", {"UA009"}, false},
            {"MdePartner-Contoso-X/1.", {"UA009"}, false},
            {"MdePartner-Contoso-X/v1.2", {"UA009"}, false, "UA009", "MdePartner-Contoso-X/1.2"},
        },
        options);
}

TEST_CASE("version format token", "[compliance][version]") {
    const Options options = format_options(VersionFormat::token);
    check_rows(
        {
            {"MdePartner-Contoso-X/latest", {}, true},
            {"MdePartner-Contoso-X/v1", {}, true},
            {"MdePartner-Contoso-X/2024_01-preview", {}, true},
            {"MdePartner-Contoso-X", {"UA009"}, false},
        },
        options);
}

struct VersionRow {
    std::string version;
    bool semver;
    bool dotted;
};

TEST_CASE("version format predicates", "[compliance][version]") {
    const std::vector<VersionRow> rows = {
        {"0.0.0", true, true},
        {"1.2.3", true, true},
        {"1.0.0-alpha", true, false},
        {"1.0.0-alpha.1", true, false},
        {"1.0.0-0.3.7", true, false},
        {"1.0.0-x.7.z.92", true, false},
        {"1.0.0-x-y-z.--", true, false},
        {"1.0.0+21AF26D3----117B344092BD", true, false},
        {"1.0.0-rc.1+build.5", true, false},
        {"1.0.0+001", true, false},
        {"1.2.3.4", false, true},
        {"1", false, true},
        {"1.2", false, true},
        {"01.1.1", false, true},
        {"1.01.1", false, true},
        {"1.0.0-01", false, false},
        {"1.0.0-", false, false},
        {"1.0.0+", false, false},
        {"1.0.0-a..b", false, false},
        {"1.0.0-a_b", false, false},
        {"", false, false},
        {"1..2", false, false},
        {"1.2.3.4.5", false, false},
        {"a.b.c", false, false},
        {"-1.0.0", false, false},
        {"1.0.0 ", false, false},
    };
    for (const auto& row : rows) {
        CAPTURE(row.version);
        CHECK(is_semver(row.version) == row.semver);
        CHECK(is_dotted(row.version) == row.dotted);
        CHECK(matches_version_format(row.version, VersionFormat::semver) == row.semver);
    }
}

struct GlobRow {
    std::string pattern;
    std::string text;
    bool match;
};

TEST_CASE("identity version globs", "[compliance][identity]") {
    const std::vector<GlobRow> rows = {
        {"1.0.0", "1.0.0", true}, {"1.0.0", "1.0.1", false},
        {"1.*", "1.2.3", true},   {"1.*", "1.", true},
        {"1.*", "2.1", false},    {"*", "", true},
        {"*.0", "1.2.0", true},   {"*.0", "1.2.1", false},
        {"1.*.*", "1.2.3", true}, {"*-rc*", "1.0.0-rc.1", true},
        {"a*b*c", "abbbc", true}, {"a*b*c", "acb", false},
        {"**", "x", true},        {"", "", true},
        {"", "x", false},         {"1.0.0", "1.0.0.0", false},
    };
    for (const auto& row : rows) {
        CAPTURE(row.pattern, row.text);
        CHECK(glob_match(row.pattern, row.text) == row.match);
    }
    CHECK(is_glob("1.*"));
    CHECK_FALSE(is_glob("1.0.0"));
    // Backtracking stays linear: a pathological pattern answers at once.
    CHECK_FALSE(glob_match(std::string(50, '*') + "b", std::string(100'000, 'a')));
}

TEST_CASE("strict mode makes UA008 an error", "[compliance][severity]") {
    Options options;
    options.rules.strict = true;
    const std::string token = "MdePartner-Contoso-X/1.0.0";
    check_rows(
        {
            {token, {}, true},
            {token + " python/3", {"UA008"}, false, "UA008", token},
            {"python/3 " + token, {"UA007"}, false, "UA007", token},
            {"mdepartner-Contoso-X/1.0.0 (x)", {"UA006", "UA008"}, false, "UA006", token},
        },
        options);
    CHECK(evaluate_one(token + " (x)", options).findings.at(0).severity == Severity::error);
}

TEST_CASE("severity overrides apply last", "[compliance][severity]") {
    const std::string token = "MdePartner-Contoso-X/1.0.0";
    Options ua008_error;
    ua008_error.rules.severity["UA008"] = Severity::error;
    check_rows({{token + " (x)", {"UA008"}, false, "UA008", token}}, ua008_error);

    Options strict_but_warning;
    strict_but_warning.rules.strict = true;
    strict_but_warning.rules.severity["UA008"] = Severity::warning;
    check_rows({{token + " (x)", {"UA008"}, true}}, strict_but_warning);
    CHECK(evaluate_one(token + " (x)", strict_but_warning).findings.at(0).severity ==
          Severity::warning);

    Options relaxed;
    relaxed.rules.severity = {
        {"UA005", Severity::warning}, {"UA009", Severity::warning}, {"UA013", Severity::error}};
    check_rows(
        {
            {"curl/8.5.0", {"UA005"}, true},
            {"MdePartner-Contoso-X/1.0", {"UA009"}, true},
            {token + " (" + std::string(300, 'x') + ")", {"UA008", "UA013"}, false, "UA013", token},
        },
        relaxed);
}

TEST_CASE("codes, severities and names", "[compliance][helpers]") {
    for (int n = 1; n <= 14; ++n) {
        const std::string code = (n < 10 ? "UA00" : "UA0") + std::to_string(n);
        CAPTURE(code);
        CHECK(is_rule_code(code));
        const bool warning = n == 8 || n == 13;
        CHECK(default_severity(code) == (warning ? Severity::warning : Severity::error));
    }
    for (const char* code : {"UA000", "UA015", "UA100", "ua001", "UA01", "UA0010", "", "UA0x1"}) {
        CAPTURE(code);
        CHECK_FALSE(is_rule_code(code));
    }
    CHECK(parse_severity("error") == Severity::error);
    CHECK(parse_severity("warning") == Severity::warning);
    CHECK(parse_severity("Error") == std::nullopt);
    CHECK(parse_severity("info") == std::nullopt);
    for (const auto format : {VersionFormat::semver, VersionFormat::dotted, VersionFormat::token}) {
        CHECK(parse_version_format(to_string(format)) == format);
    }
    CHECK(parse_version_format("calver") == std::nullopt);
    CHECK(to_string(Severity::warning) == "warning");
    CHECK(to_string(Severity::error) == "error");
    RuleOptions strict;
    strict.strict = true;
    CHECK(effective_severity("UA008", strict) == Severity::error);
    CHECK(effective_severity("UA013", strict) == Severity::warning);
}

TEST_CASE("the expected User-Agent", "[compliance][helpers]") {
    const std::string templ = "MdePartner-{CompanyName}-{ProductName}/{Version}";
    CHECK(expected_user_agent({"Contoso", "ContosoCognito", "1.0.0"}) == expected);
    CHECK(expected_user_agent({"Contoso", "ContosoCognito", "1.*"}) == templ);
    CHECK(expected_user_agent({"Contoso", "ContosoCognito", std::nullopt}) == templ);
    CHECK(expected_user_agent({std::nullopt, "ContosoCognito", "1.0.0"}) == templ);
    CHECK(expected_user_agent({}) == templ);
}

}  // namespace
}  // namespace uaudit::compliance::test
