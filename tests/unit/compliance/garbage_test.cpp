// Hostile and random bytes: no crash, no exception, a verdict consistent with its findings,
// one-line messages, and suggestions that do not repeat the problem they fix.

#include "compliance/rules.hpp"
#include "compliance_cases.hpp"

#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <vector>

namespace uaudit::compliance::test {
namespace {

using namespace std::string_literals;

void check_invariants(std::string_view ua, const Options& options) {
    const Verdict verdict = evaluate_one(ua, options);
    bool any_error = false;
    std::string previous;
    for (const auto& finding : verdict.findings) {
        REQUIRE(is_rule_code(finding.code));
        REQUIRE(finding.code > previous);  // sorted, one finding per code
        previous = finding.code;
        any_error = any_error || finding.severity == Severity::error;
        REQUIRE_FALSE(finding.message.empty());
        for (const char c : finding.message) {
            const auto byte = static_cast<unsigned char>(c);
            REQUIRE((byte >= 0x20 && byte < 0x7F));
        }
        if (finding.suggestion) {
            REQUIRE(codes_of(evaluate_one(*finding.suggestion, options)) != codes_of(verdict));
            REQUIRE(finding_of(evaluate_one(*finding.suggestion, options), finding.code) ==
                    nullptr);
        }
    }
    REQUIRE(verdict.compliant == !any_error);
}

TEST_CASE("hostile bytes", "[compliance][garbage]") {
    const std::string token = "MdePartner-Contoso-X/1.0.0";
    check_rows(
        {
            {"\0"s, {"UA004", "UA005"}, false},
            {"\xff", {"UA004", "UA005"}, false},
            {"\xc3\xa9", {"UA004", "UA005"}, false},
            {"\r\n", {"UA004", "UA005"}, false},
            {"(((((", {"UA004", "UA005"}, false},
            {")))))", {"UA004", "UA005"}, false},
            {"\\", {"UA004", "UA005"}, false},
            {"/", {"UA004", "UA005"}, false},
            {"a " + std::string(40, '(') + std::string(40, ')'), {"UA004", "UA005"}, false},
            {token + " " + std::string(40, '(') + std::string(40, ')'),
             {"UA004", "UA008"},
             false,
             "UA004",
             token},
            {token + " " + std::string(100'000, '('),
             {"UA004", "UA008", "UA013"},
             false,
             "UA004",
             token},
            {token + "\0"s, {"UA004"}, false, "UA004", token},
            {token + "\r\nX-Injected: 1", {"UA004", "UA008"}, false, "UA004", token},
            {"MdePartner-\xff\xfe-X/1.0.0", {"UA004", "UA012"}, false},
            {"mdepartner-\x01-\x02/\x03", {"UA004", "UA006", "UA008", "UA009", "UA012"}, false},
        },
        {});
}

TEST_CASE("hostile bytes keep the invariants", "[compliance][garbage]") {
    const std::vector<std::string> inputs = {"\0"s,
                                             "\xff",
                                             "(((((",
                                             "MdePartner-C-P/1.0.0 (",
                                             "\\",
                                             "MdePartner-C-P/1.0.0\r\n",
                                             "mdepartner-\x01-\x02/\x03"};
    for (const auto& ua : inputs) {
        CAPTURE(ua);
        check_invariants(ua, {});
    }
}

TEST_CASE("10,000 random byte strings", "[compliance][garbage]") {
    std::mt19937 random(20240611);  // fixed seed: the same inputs on every run
    Options identity = identity_options("Contoso", "X", "1.0.0");
    for (int i = 0; i < 10'000; ++i) {
        std::string ua(random() % 300, '\0');
        for (auto& c : ua) {
            c = static_cast<char>(random() & 0xFF);
        }
        CAPTURE(i);
        check_invariants(ua, i % 2 == 0 ? Options{} : identity);
    }
}

TEST_CASE("10,000 random strings of User-Agent pieces", "[compliance][garbage]") {
    // Pieces that reach the deeper paths: prefixes, separators, comments, versions.
    const std::vector<std::string> pieces = {
        "MdePartner-",
        "mdepartner",
        "MdatpPartner_",
        "M365dPartner",
        "Contoso",
        "-",
        "_",
        ".",
        "/",
        " ",
        "\t",
        "(",
        ")",
        "\\",
        "1.0.0",
        "v1",
        "-rc.1",
        "+b.5",
        "x",
        "\0"s,
        "\xff",
        "\"",
        ";",
        "01",
    };
    std::mt19937 random(7);
    Options strict;
    strict.rules.strict = true;
    strict.rules.version_format = VersionFormat::dotted;
    for (int i = 0; i < 10'000; ++i) {
        std::string ua;
        const auto count = random() % 12;
        for (std::uint32_t k = 0; k < count; ++k) {
            ua += pieces[random() % pieces.size()];
        }
        CAPTURE(ua);
        check_invariants(ua, i % 2 == 0 ? Options{} : strict);
    }
}

}  // namespace
}  // namespace uaudit::compliance::test
