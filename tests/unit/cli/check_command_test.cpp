#include "cli/commands.hpp"
#include "support/run_process.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using uaudit::cli::check_command;

namespace {

struct Outcome {
    int code;
    std::string out;
    std::string err;
};

Outcome run_check(std::vector<std::string_view> args, const std::string& stdin_text = "") {
    std::istringstream in(stdin_text);
    std::ostringstream out;
    std::ostringstream err;
    const int code = check_command(args, in, out, err);
    return {code, out.str(), err.str()};
}

std::string uaudit_binary() {
    return UAUDIT_BINARY;
}

}  // namespace

TEST_CASE("check: a compliant argument exits 0", "[cli][check]") {
    const auto result = run_check({"MdePartner-Contoso-ContosoCognito/1.0.0"});
    CHECK(result.code == 0);
    CHECK(result.out.find("compliant") == 0);
    CHECK(result.err.empty());
}

TEST_CASE("check: a noncompliant argument exits 1 and shows code and suggestion", "[cli][check]") {
    const auto result = run_check({"mdepartner-contoso-x/1.0.0"});
    CHECK(result.code == 1);
    CHECK(result.out.find("NONCOMPLIANT") == 0);
    CHECK(result.out.find("UA006") != std::string::npos);
    CHECK(result.out.find("suggested: MdePartner-contoso-x/1.0.0") != std::string::npos);
}

TEST_CASE("check: any noncompliant input among several exits 1", "[cli][check]") {
    const auto result =
        run_check({"MdePartner-Contoso-X/1.0.0", "python-requests/2.31.0", "MdePartner-A-B/2.0.0"});
    CHECK(result.code == 1);
}

TEST_CASE("check: an empty argument is a present but empty header (UA002)", "[cli][check]") {
    const auto result = run_check({"--json", ""});
    REQUIRE(result.code == 1);
    const auto json = boost::json::parse(result.out).as_array();
    REQUIRE(json.size() == 1);
    const auto& findings = json[0].at("findings").as_array();
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].at("code").as_string() == "UA002");
}

TEST_CASE("check --json: one element per input in order, suggestion only when known",
          "[cli][check]") {
    const auto result =
        run_check({"--json", "MdePartner-Contoso-X/1.0.0", "mdepartner-contoso-x/1.0.0"});
    REQUIRE(result.code == 1);
    const auto json = boost::json::parse(result.out).as_array();
    REQUIRE(json.size() == 2);
    CHECK(json[0].at("input").as_string() == "MdePartner-Contoso-X/1.0.0");
    CHECK(json[0].at("verdict").as_string() == "compliant");
    CHECK(json[0].at("findings").as_array().empty());
    CHECK(json[1].at("verdict").as_string() == "noncompliant");
    const auto& finding = json[1].at("findings").as_array().at(0).as_object();
    CHECK(finding.at("code").as_string() == "UA006");
    CHECK(finding.at("severity").as_string() == "error");
    CHECK(finding.at("suggestion").as_string() == "MdePartner-contoso-x/1.0.0");
}

TEST_CASE("check: identity flags turn a foreign identity into UA010/UA011", "[cli][check]") {
    const auto company =
        run_check({"--json", "--company", "Contoso", "MdePartner-Fabrikam-X/1.0.0"});
    CHECK(company.code == 1);
    CHECK(company.out.find("\"UA010\"") != std::string::npos);
    const auto version = run_check({"--json", "--version", "2.*", "MdePartner-Contoso-X/1.0.0"});
    CHECK(version.code == 1);
    CHECK(version.out.find("\"UA011\"") != std::string::npos);
    const auto glob_ok = run_check({"--version", "1.*", "MdePartner-Contoso-X/1.4.2"});
    CHECK(glob_ok.code == 0);
}

TEST_CASE("check: --strict makes trailing products an error", "[cli][check]") {
    const std::string_view ua = "MdePartner-Contoso-X/1.0.0 python-requests/2.31.0";
    CHECK(run_check({ua}).code == 0);
    CHECK(run_check({"--strict", ua}).code == 1);
}

TEST_CASE("check: --version-format dotted accepts 1.2.3.4, semver does not", "[cli][check]") {
    CHECK(run_check({"--version-format", "dotted", "MdePartner-Contoso-X/1.2.3.4"}).code == 0);
    CHECK(run_check({"MdePartner-Contoso-X/1.2.3.4"}).code == 1);
}

TEST_CASE("check: stdin lines, CR stripped, blank lines skipped", "[cli][check]") {
    const auto result = run_check({"--json"}, "MdePartner-Contoso-X/1.0.0\r\n\n   \ncurl/8.5.0\n");
    REQUIRE(result.code == 1);
    const auto json = boost::json::parse(result.out).as_array();
    REQUIRE(json.size() == 2);
    CHECK(json[0].at("input").as_string() == "MdePartner-Contoso-X/1.0.0");
    CHECK(json[0].at("verdict").as_string() == "compliant");
    CHECK(json[1].at("input").as_string() == "curl/8.5.0");
}

TEST_CASE("check: usage errors exit 2 with a message", "[cli][check]") {
    const auto unknown = run_check({"--frobnicate", "x"});
    CHECK(unknown.code == 2);
    CHECK(unknown.err.find("unknown option '--frobnicate'") != std::string::npos);
    const auto missing_value = run_check({"MdePartner-A-B/1.0.0", "--company"});
    CHECK(missing_value.code == 2);
    CHECK(missing_value.err.find("--company needs a value") != std::string::npos);
    const auto bad_format = run_check({"--version-format", "calendar", "x"});
    CHECK(bad_format.code == 2);
    CHECK(bad_format.err.find("semver, dotted or token") != std::string::npos);
    const auto nothing = run_check({}, "\n\n");
    CHECK(nothing.code == 2);
    const auto bad_config = run_check({"-c", "/nonexistent/uaudit.yaml", "x"});
    CHECK(bad_config.code == 2);
    CHECK(bad_config.err.find("/nonexistent/uaudit.yaml") != std::string::npos);
}

TEST_CASE("check -c: the file's identity and rules apply, flags override", "[cli][check]") {
    const std::string path = "check_command_test_config.yaml";
    {
        std::ofstream file(path);
        file << "identity: {company: Contoso, product: ContosoCognito}\nrules: {strict: true}\n";
    }
    CHECK(run_check({"-c", path, "MdePartner-Contoso-ContosoCognito/1.0.0"}).code == 0);
    CHECK(run_check({"-c", path, "MdePartner-Contoso-Other/1.0.0"}).code == 1);
    CHECK(run_check({"-c", path, "MdePartner-Contoso-ContosoCognito/1.0.0 curl/8.5.0"}).code == 1);
    CHECK(run_check({"-c", path, "--product", "Other", "MdePartner-Contoso-Other/1.0.0"}).code ==
          0);
    std::remove(path.c_str());
}

TEST_CASE("the uaudit binary: check exit codes and stdin", "[cli][binary]") {
    using uaudit::test::run_process;
    using uaudit::test::shell_quote;
    const std::string bin = shell_quote(uaudit_binary());
    CHECK(run_process(bin + " check 'MdePartner-Contoso-X/1.0.0'").exit_code == 0);
    CHECK(run_process(bin + " check 'Go-http-client/1.1'").exit_code == 1);
    CHECK(run_process(bin + " check --bogus 2>/dev/null").exit_code == 2);
    const auto piped = run_process("printf 'curl/8.5.0\\n' | " + bin + " check --json");
    CHECK(piped.exit_code == 1);
    CHECK(piped.out.find("\"input\":\"curl/8.5.0\"") != std::string::npos);
    CHECK(run_process(bin + " --version").out.find("uaudit ") == 0);
    CHECK(run_process(bin + " --help").exit_code == 0);
    CHECK(run_process(bin + " nonsense 2>/dev/null").exit_code == 2);
}
