// The live report on the admin listener (GET /report, /report.html) and the `report.on_exit`
// files written at a clean stop, driven through the in-process proxy.

#include "support/proxy_fixture.hpp"

#include <boost/property_tree/ptree.hpp>
#include <boost/property_tree/xml_parser.hpp>
#include <catch2/catch.hpp>

#include <fstream>
#include <iostream>
#include <random>
#include <sstream>
#include <thread>

using namespace uaudit::test;
namespace bh = boost::beast::http;
namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

const std::string machine_url = std::string("http://") + in_scope_host +
                                "/api/machines/0123456789abcdef0123456789abcdef01234567";
const std::string alerts_url = std::string("http://") + in_scope_host + "/api/alerts?secret=s3";

std::string slurp(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

Response get_admin(ProxyFixture& fx, const std::string& path) {
    Client admin(*fx.proxy().admin_port());
    return admin.send(make_request(bh::verb::get, "http://127.0.0.1" + path, {}));
}

// The request record is emitted once the response is relayed, so the client may see its
// answer a moment before the report counts it: poll until it does.
json::object report_with_requests(ProxyFixture& fx, std::int64_t requests) {
    json::object report;
    for (int i = 0; i < 100; ++i) {
        report = json::parse(get_admin(fx, "/report").body()).as_object();
        if (report.at("totals").at("requests").as_int64() >= requests) {
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return report;
}

void send_two(ProxyFixture& fx) {
    Client client(fx.port());
    CHECK(client.send(make_request(bh::verb::get, machine_url)).result_int() == 200);
    CHECK(client.send(make_request(bh::verb::get, alerts_url, {"python-requests/2.31"}))
              .result_int() == 200);
}

std::int64_t count_of(const json::value& rows, std::string_view key, std::string_view value) {
    std::int64_t n = 0;
    for (const auto& row : rows.as_array()) {
        if (row.as_object().at(key).is_string() && row.as_object().at(key).as_string() == value) {
            ++n;
        }
    }
    return n;
}

std::vector<std::string> csv_lines(const std::string& text) {
    std::vector<std::string> lines;
    std::size_t start = 0;
    for (auto end = text.find("\r\n"); end != std::string::npos;
         start = end + 2, end = text.find("\r\n", start)) {
        lines.push_back(text.substr(start, end - start));
    }
    CHECK(start == text.size());  // every line ends in CRLF
    return lines;
}

// Captures std::cerr while alive (the exit reports say their problems there).
class CerrCapture {
public:
    CerrCapture()
        : old_(std::cerr.rdbuf(text_.rdbuf())) {}
    ~CerrCapture() { std::cerr.rdbuf(old_); }
    std::string text() const { return text_.str(); }

private:
    std::ostringstream text_;
    std::streambuf* old_;
};

}  // namespace

TEST_CASE("GET /report and /report.html reflect the traffic so far", "[integration][report]") {
    ProxyFixture fx;
    REQUIRE(fx.proxy().admin_port());
    {
        const auto empty = json::parse(get_admin(fx, "/report").body()).as_object();
        CHECK(empty.at("verdict").as_string() == "NO-DATA");
        CHECK(empty.at("totals").at("requests").as_int64() == 0);
    }
    send_two(fx);
    const auto report = report_with_requests(fx, 2);
    CHECK(report.at("schema").as_string() == "uaudit-report/1");
    CHECK(report.at("verdict").as_string() == "FAIL");
    CHECK_FALSE(report.at("reasons").as_array().empty());
    const auto& totals = report.at("totals").as_object();
    CHECK(totals.at("requests").as_int64() == 2);
    CHECK(totals.at("compliant").as_int64() == 1);
    CHECK(totals.at("noncompliant").as_int64() == 1);
    CHECK(totals.at("records").as_int64() == 3);  // run_start and the two requests
    CHECK(totals.at("compliant_percent").to_number<double>() == Approx(50.0));
    CHECK(report.at("max_rows").as_int64() == 10000);
    const auto& findings = report.at("findings").at("rows");
    REQUIRE(count_of(findings, "code", "UA005") == 1);
    const auto& endpoints = report.at("endpoints").at("rows").as_array();
    CHECK(endpoints.size() == 2);
    CHECK(count_of(endpoints, "endpoint", "/api/machines/{sha1}") == 1);
    CHECK(count_of(endpoints, "endpoint", "/api/alerts") == 1);
    CHECK(count_of(report.at("user_agents").at("rows"), "ua", "python-requests/2.31") == 1);
    CHECK(count_of(report.at("instances").at("rows"), "name", "it") == 1);
    CHECK(report.at("configurations").as_array().size() == 1);
    CHECK(json::serialize(report).find("s3") == std::string::npos);  // query values never kept

    const auto json_response = get_admin(fx, "/report");
    CHECK(json_response.result_int() == 200);
    CHECK(json_response[bh::field::content_type] == "application/json");

    const auto html = get_admin(fx, "/report.html");
    CHECK(html.result_int() == 200);
    CHECK(html[bh::field::content_type] == "text/html; charset=utf-8");
    CHECK(html.body().rfind("<!DOCTYPE html>", 0) == 0);
    CHECK(html.body().find("FAIL") != std::string::npos);
    CHECK(html.body().find("python-requests/2.31") != std::string::npos);
    CHECK(html.body().find("<script") == std::string::npos);

    Client admin(*fx.proxy().admin_port());
    auto head = make_request(bh::verb::head, "http://127.0.0.1/report", {});
    const auto head_response = admin.send(head);
    CHECK(head_response.result_int() == 200);
    CHECK(head_response.body().empty());
}

TEST_CASE("a clean stop writes the report.on_exit files", "[integration][report]") {
    ProxyFixture fx([](uaudit::config::Config& config) {
        config.report.on_exit = {"report.json", "report.md",   "report.html",
                                 "report.xml",  "out/run.csv", "blocked.json"};
    });
    fs::create_directories(fx.dir() / "blocked.json");  // a directory: cannot become a file
    send_two(fx);
    report_with_requests(fx, 2);
    std::string errors;
    {
        CerrCapture capture;
        fx.stop();
        errors = capture.text();
    }
    CHECK(errors.find("uaudit: cannot write report " + (fx.dir() / "blocked.json").string()) !=
          std::string::npos);
    CHECK_FALSE(fs::exists(fx.dir() / "blocked.json.partial"));

    const auto report = json::parse(slurp(fx.dir() / "report.json")).as_object();
    CHECK(report.at("verdict").as_string() == "FAIL");
    CHECK(report.at("totals").at("requests").as_int64() == 2);
    CHECK(report.at("totals").at("noncompliant").as_int64() == 1);
    // run_start, the two requests and run_stop: the exit report is made after run_stop.
    CHECK(report.at("totals").at("records").as_int64() == 4);

    const auto markdown = slurp(fx.dir() / "report.md");
    CHECK(markdown.find("FAIL") != std::string::npos);
    const auto html = slurp(fx.dir() / "report.html");
    CHECK(html.find("FAIL") != std::string::npos);
    CHECK(html.find("<script") == std::string::npos);

    boost::property_tree::ptree xml;
    std::istringstream xml_text(slurp(fx.dir() / "report.xml"));
    REQUIRE_NOTHROW(boost::property_tree::read_xml(xml_text, xml));
    const auto& suite = xml.get_child("testsuites.testsuite");
    CHECK(suite.get<int>("<xmlattr>.tests") == 2);
    CHECK(suite.get<int>("<xmlattr>.failures") == 1);
    int testcases = 0;
    int failures = 0;
    for (const auto& [name, child] : suite) {
        if (name == "testcase") {
            ++testcases;
            failures += static_cast<int>(child.count("failure"));
        }
    }
    CHECK(testcases == 2);
    CHECK(failures == 1);

    const auto lines = csv_lines(slurp(fx.dir() / "out" / "run.csv"));
    REQUIRE(lines.size() == 3);
    CHECK(lines[0].rfind("ts,instance,id,", 0) == 0);
    CHECK(lines[1].find(compliant_ua) != std::string::npos);
    CHECK(lines[2].find("python-requests/2.31") != std::string::npos);
}

TEST_CASE("the exit CSV holds this run's requests across rotations, not earlier runs'",
          "[integration][report]") {
    const auto shared =
        fs::temp_directory_path() / ("uaudit-it-runs-" + std::to_string(std::random_device{}()));
    const auto tweak = [&](uaudit::config::Config& config) {
        config.data_dir = shared.string();
        config.events.rotate_bytes = 1;  // every record gets a file of its own
        config.report.on_exit = {"report.csv", "report.json"};
    };
    {
        ProxyFixture first(tweak);
        Client client(first.port());
        CHECK(client.send(make_request(bh::verb::get, machine_url)).result_int() == 200);
        report_with_requests(first, 1);
    }
    REQUIRE(csv_lines(slurp(shared / "report.csv")).size() == 2);
    {
        ProxyFixture second(tweak);
        send_two(second);
        report_with_requests(second, 2);
        second.stop();
        const auto lines = csv_lines(slurp(shared / "report.csv"));
        REQUIRE(lines.size() == 3);
        CHECK(lines[1].find(compliant_ua) != std::string::npos);
        CHECK(lines[2].find("python-requests/2.31") != std::string::npos);
        const auto report = json::parse(slurp(shared / "report.json")).as_object();
        CHECK(report.at("totals").at("requests").as_int64() == 2);
    }
    std::error_code ec;
    fs::remove_all(shared, ec);
}
