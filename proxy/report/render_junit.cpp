#include "report/detail/escape.hpp"
#include "report/render.hpp"

#include <string>

namespace uaudit::report {
namespace {

using detail::xml_escape;

struct Case {
    std::string classname;
    std::string name;
    std::uint64_t calls = 0;
    std::uint64_t noncompliant = 0;
    const std::vector<compliance::Finding>* findings = nullptr;
    std::string failure;  // set for NO-DATA
};

void write_case(const Case& c, std::ostream& out) {
    out << "    <testcase classname=\"" << xml_escape(c.classname) << "\" name=\""
        << xml_escape(c.name) << "\" time=\"0\"";
    if (c.noncompliant == 0 && c.failure.empty()) {
        out << "/>\n";
        return;
    }
    out << ">\n";
    if (!c.failure.empty()) {
        out << "      <failure message=\"" << xml_escape(c.failure) << "\" type=\"NO-DATA\">"
            << xml_escape(c.failure) << "</failure>\n";
    } else {
        std::string codes;
        std::string body = std::to_string(c.noncompliant) + " of " + std::to_string(c.calls) +
                           " calls noncompliant\n";
        for (const auto& finding : *c.findings) {
            codes += (codes.empty() ? "" : " ") + finding.code;
            body += finding.code + " " + std::string(compliance::to_string(finding.severity)) +
                    ": " + finding.message + "\n";
            if (finding.suggestion) {
                body += "  suggested: " + *finding.suggestion + "\n";
            }
        }
        const std::string message = (codes.empty() ? std::string("noncompliant") : codes) + " (" +
                                    std::to_string(c.noncompliant) + "/" + std::to_string(c.calls) +
                                    " calls)";
        out << "      <failure message=\"" << xml_escape(message) << "\" type=\""
            << xml_escape(codes.empty() ? "noncompliant" : codes) << "\">" << xml_escape(body)
            << "</failure>\n";
    }
    out << "    </testcase>\n";
}

}  // namespace

void render_junit(const Summary& s, std::ostream& out) {
    std::vector<Case> cases;
    for (const auto& row : s.endpoint_user_agents.rows) {
        cases.push_back(Case{row.method + " " + row.endpoint,
                             row.ua ? *row.ua : std::string("(no User-Agent)"),
                             row.calls,
                             row.noncompliant,
                             &row.findings,
                             {}});
    }
    if (const auto& other = s.endpoint_user_agents.other) {
        cases.push_back(Case{"(other endpoints)",
                             "(other User-Agents)",
                             other->calls,
                             other->noncompliant,
                             &other->findings,
                             {}});
    }
    if (s.judgement.verdict == Verdict::no_data) {
        std::string why;
        for (const auto& reason : s.judgement.reasons) {
            why += (why.empty() ? "" : " ") + reason;
        }
        cases.push_back(Case{"uaudit", "verdict", 0, 0, nullptr, "NO-DATA: " + why});
    }
    std::size_t failures = 0;
    for (const auto& c : cases) {
        failures += (c.noncompliant > 0 || !c.failure.empty()) ? 1u : 0u;
    }
    const std::string counts = "tests=\"" + std::to_string(cases.size()) + "\" failures=\"" +
                               std::to_string(failures) + "\" errors=\"0\"";
    out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        << "<testsuites name=\"uaudit\" " << counts << " time=\"0\">\n"
        << "  <testsuite name=\"uaudit User-Agent compliance\" " << counts
        << " skipped=\"0\" time=\"0\">\n"
        << "    <properties>\n"
        << "      <property name=\"verdict\" value=\"" << to_string(s.judgement.verdict) << "\"/>\n"
        << "      <property name=\"expected_user_agent\" value=\""
        << xml_escape(s.expected_user_agent) << "\"/>\n"
        << "    </properties>\n";
    for (const auto& c : cases) {
        write_case(c, out);
    }
    out << "  </testsuite>\n</testsuites>\n";
}

}  // namespace uaudit::report
