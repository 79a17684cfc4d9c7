// The report formats: content asserted, XML and HTML parsed back by Python's standard parsers.

#include "report/render.hpp"

#include "audit/event_json.hpp"
#include "report/aggregator.hpp"
#include "report/csv_writer.hpp"
#include "report/event_reader.hpp"
#include "report_fixtures.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

using namespace report_test;
namespace report = uaudit::report;

namespace {

const std::string tricky_ua = "Evil<script>alert(1)</script>&\"quote\" 'x',|`*_\x01\xff/1";

// A log line as the proxy would write it, plus keys a careless writer might add: the report
// must show none of their values.
std::string line_with_secrets(const audit::RequestRecord& record) {
    auto object = audit::to_json(record);
    object["authorization"] = "Bearer SECRET-TOKEN-123";
    object["cookie"] = "session=SECRET-COOKIE-456";
    object["query"] = "api_key=SECRET-KEY-789";
    return boost::json::serialize(object);
}

struct Rendered {
    report::Summary summary;
    std::string csv;
};

Rendered sample() {
    auto tricky = request(2, tricky_ua, {finding("UA004"), finding("UA005")},
                          "/api/machines/a,b\"c", "/api/machines/a,b\"c");
    tricky.query_keys = {"api_key"};
    tricky.client_process = audit::ClientProcess{42, "python3", "python3 sync,\"alerts\".py"};
    std::string log;
    log += line_with_secrets(request(0, good_ua)) + "\n";
    log += line_with_secrets(request(1, std::nullopt, {finding("UA001")})) + "\n";
    log += line_with_secrets(tricky) + "\n";
    log += line_with_secrets(request(3, "curl/8.5.0", {finding("UA005")})) + "\n";
    log += line_with_secrets(request(4, "curl/8.5.0", {finding("UA005")})) + "\n";
    std::istringstream in(log);
    report::Aggregator agg;
    std::ostringstream csv_text;
    report::CsvWriter csv(csv_text);
    const auto result = report::read_event_log(in, [&](const audit::EventRecord& record) {
        agg.add(record);
        csv.write(record);
    });
    REQUIRE(result.records == 5);
    REQUIRE(result.malformed == 0);
    return {agg.summarize(), csv_text.str()};
}

std::string render(const report::Summary& s, std::string_view format) {
    std::ostringstream out;
    if (format == "json") {
        report::render_json(s, out);
    } else if (format == "md") {
        report::render_markdown(s, out);
    } else if (format == "html") {
        report::render_html(s, out);
    } else {
        report::render_junit(s, out);
    }
    return out.str();
}

// Runs a Python check on `text`; returns its stdout (first line).
std::string python(const std::string& script, const std::string& text) {
    const auto dir = std::filesystem::temp_directory_path();
    // The pid keeps test cases that ctest runs in parallel processes apart.
    static int calls = 0;
    const auto input = dir / ("uaudit-report-test-" + std::to_string(::getpid()) + "-" +
                              std::to_string(++calls) + ".txt");
    const auto output = input.string() + ".out";
    std::ofstream(input, std::ios::binary) << text;
    const std::string command =
        "/usr/bin/python3 -c '" + script + "' '" + input.string() + "' > '" + output + "' 2>&1";
    const int status = std::system(command.c_str());
    std::ifstream in(output);
    std::string first;
    std::getline(in, first);
    std::filesystem::remove(input);
    std::filesystem::remove(output);
    INFO(first);
    REQUIRE(status == 0);
    return first;
}

}  // namespace

TEST_CASE("secrets and query values appear in no format", "[report][render]") {
    const auto [summary, csv] = sample();
    for (const auto* format : {"json", "md", "html", "junit"}) {
        CAPTURE(format);
        const auto text = render(summary, format);
        CHECK(text.find("SECRET") == std::string::npos);
        CHECK(text.find("Bearer") == std::string::npos);
    }
    CHECK(csv.find("SECRET") == std::string::npos);
}

TEST_CASE("json report follows its schema", "[report][render][json]") {
    const auto [summary, csv] = sample();
    const auto doc = boost::json::parse(render(summary, "json")).as_object();
    CHECK(doc.at("schema") == "uaudit-report/1");
    CHECK(doc.at("verdict") == "FAIL");
    CHECK(doc.at("totals").at("requests") == 5);
    CHECK(doc.at("totals").at("noncompliant") == 4);
    CHECK(doc.at("user_agents").at("rows").as_array().size() == 4);
    CHECK(doc.at("user_agents").at("other").is_null());
    const auto& curl = doc.at("user_agents").at("rows").at(0).as_object();
    CHECK(curl.at("ua") == "curl/8.5.0");
    CHECK(curl.at("library").at("id") == "curl");
    CHECK(doc.at("endpoints").at("rows").as_array().size() == 2);
    CHECK(doc.at("timeline").at("rows").as_array().size() == 1);
    CHECK(doc.at("api_coverage").at("used_operations") == 1);
    // The UA's invalid byte became U+FFFD: the document is valid UTF-8.
    CHECK(boost::json::serialize(doc).find("\xEF\xBF\xBD") != std::string::npos);
}

TEST_CASE("junit has one case per endpoint x User-Agent and parses", "[report][render][junit]") {
    const auto [summary, csv] = sample();
    const auto xml = render(summary, "junit");
    CHECK(xml.find("name=\"(no User-Agent)\"") != std::string::npos);
    CHECK(xml.find("classname=\"GET /api/machines\"") != std::string::npos);
    const std::string script =
        "import sys, xml.etree.ElementTree as ET\n"
        "root = ET.parse(sys.argv[1]).getroot()\n"
        "cases = root.findall(\".//testcase\")\n"
        "failures = [c for c in cases if c.find(\"failure\") is not None]\n"
        "assert root.get(\"failures\") == str(len(failures))\n"
        "print(len(cases), len(failures))\n";
    CHECK(python(script, xml) == "4 3");
}

TEST_CASE("junit reports NO-DATA as a failing case", "[report][render][junit]") {
    report::Aggregator agg;
    const auto xml = render(agg.summarize(), "junit");
    CHECK(xml.find("tests=\"1\" failures=\"1\"") != std::string::npos);
    CHECK(xml.find("type=\"NO-DATA\"") != std::string::npos);
}

TEST_CASE("html is self-contained, scriptless and well formed", "[report][render][html]") {
    const auto [summary, csv] = sample();
    const auto html = render(summary, "html");
    CHECK(html.find("<script") == std::string::npos);
    CHECK(html.find("http://") == std::string::npos);
    CHECK(html.find("https://") == std::string::npos);
    CHECK(html.find("<svg") != std::string::npos);
    CHECK(html.find("class=\"verdict v-FAIL\"") < html.find("<h2"));  // verdict at the top
    CHECK(html.find("Evil&lt;script&gt;") != std::string::npos);
    const std::string script =
        "import sys, html.parser\n"
        "class P(html.parser.HTMLParser):\n"
        "    refs = 0; scripts = 0; svgs = 0\n"
        "    def handle_starttag(self, tag, attrs):\n"
        "        self.scripts += tag == \"script\"\n"
        "        self.svgs += tag == \"svg\"\n"
        "        for k, v in attrs:\n"
        "            if k in (\"src\", \"href\", \"xlink:href\") or (k == \"rel\"):\n"
        "                self.refs += 1\n"
        "p = P(); p.feed(open(sys.argv[1], encoding=\"utf-8\").read())\n"
        "print(p.refs, p.scripts, p.svgs)\n";
    CHECK(python(script, html) == "0 0 2");
}

TEST_CASE("markdown names the verdict, the fix and the process", "[report][render][md]") {
    const auto [summary, csv] = sample();
    const auto md = render(summary, "md");
    CHECK(md.rfind("# uaudit report: FAIL\n", 0) == 0);
    CHECK(md.find("### curl (2 noncompliant calls)") != std::string::npos);
    CHECK(md.find("curl -A 'MdePartner-{CompanyName}-{ProductName}/{Version}'") !=
          std::string::npos);
    CHECK(md.find("`python3 sync,\"alerts\".py`") != std::string::npos);
    CHECK(md.find("<script>") == std::string::npos);
}

TEST_CASE("csv has one RFC 4180 row per in-scope request", "[report][render][csv]") {
    const auto [summary, csv] = sample();
    const std::string script =
        "import sys, csv\n"
        "rows = list(csv.reader(open(sys.argv[1], newline=\"\", encoding=\"utf-8\")))\n"
        "assert all(len(r) == len(rows[0]) for r in rows)\n"
        "tricky = [r for r in rows if r[9].startswith(\"/api/machines/a\")][0]\n"
        "assert tricky[9] == \"/api/machines/a,b\\\"c\", tricky[9]\n"
        "assert tricky[25] == \"python3 sync,\\\"alerts\\\".py\", tricky[25]\n"
        "print(len(rows) - 1, len(rows[0]))\n";
    CHECK(python(script, csv) == "5 26");
    CHECK(csv.find("\"/api/machines/a,b\"\"c\"") != std::string::npos);
    CHECK(csv.find("\r\n") != std::string::npos);
}
