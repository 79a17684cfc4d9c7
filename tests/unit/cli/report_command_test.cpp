// `uaudit report`: arguments, merging, formats by extension, exit codes of SPEC §3 / §12.7.

#include "cli/report_command.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using uaudit::cli::report_command;

namespace {

const std::filesystem::path golden = std::filesystem::path(UAUDIT_SOURCE_DIR) / "tests/golden";

struct Outcome {
    int code;
    std::string out;
    std::string err;
};

Outcome run_report(const std::vector<std::string>& args) {
    std::vector<std::string_view> views(args.begin(), args.end());
    std::ostringstream out;
    std::ostringstream err;
    const int code = report_command(views, out, err);
    return {code, out.str(), err.str()};
}

std::string g(const char* name) {
    return (golden / name).string();
}

class TempDir {
public:
    TempDir()
        : path_(std::filesystem::temp_directory_path() /
                ("uaudit-report-cli-" + std::to_string(::getpid()) + "-" +
                 std::to_string(++instances_))) {
        std::filesystem::create_directories(path_);
    }
    ~TempDir() { std::filesystem::remove_all(path_); }
    // pid + counter: ctest runs test cases in parallel processes.
    static inline int instances_ = 0;
    std::string file(const std::string& name, const std::string& text) const {
        const auto path = path_ / name;
        std::ofstream(path, std::ios::binary) << text;
        return path.string();
    }
    std::string path(const std::string& name) const { return (path_ / name).string(); }

private:
    std::filesystem::path path_;
};

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace

TEST_CASE("report exit codes follow the verdict", "[cli][report]") {
    const auto pass = run_report({"--events", g("events-compliant.jsonl"), "--format", "json"});
    INFO(pass.err);
    const auto doc = boost::json::parse(pass.out).as_object();
    const std::string verdict(doc.at("verdict").as_string());
    CHECK(pass.code == (verdict == "PASS" || verdict == "WARN" ? 0 : 1));
    const auto fail = run_report({"--events", g("events-rewrite.jsonl")});
    CHECK(fail.code == 1);
    CHECK(fail.out.rfind("# uaudit report: FAIL", 0) == 0);  // md by default
    TempDir dir;
    const auto empty = run_report({"--events", dir.file("empty.jsonl", "")});
    CHECK(empty.code == 1);  // empty is valid, and NO-DATA
    CHECK(empty.out.find("NO-DATA") != std::string::npos);
}

TEST_CASE("report merges several logs into one", "[cli][report]") {
    const auto one = run_report({"--events", g("events-compliant.jsonl"), "--format", "json"});
    const auto two = run_report({"--events", g("events-compliant.jsonl"), g("events-rewrite.jsonl"),
                                 "--events", g("events-all-kinds.jsonl"), "--format", "json"});
    const auto r1 = run_report({"--events", g("events-rewrite.jsonl"), "--format", "json"});
    const auto r2 = run_report({"--events", g("events-all-kinds.jsonl"), "--format", "json"});
    const auto requests = [](const Outcome& o) {
        return boost::json::parse(o.out).at("totals").at("requests").as_int64();
    };
    CHECK(requests(two) == requests(one) + requests(r1) + requests(r2));
    CHECK(boost::json::parse(two.out).at("instances").at("rows").as_array().size() == 2);
}

TEST_CASE("report errors exit 2 with a clear message", "[cli][report]") {
    TempDir dir;
    const auto missing = run_report({"--events", dir.path("nope.jsonl")});
    CHECK(missing.code == 2);
    CHECK(missing.err.find("cannot open") != std::string::npos);
    const auto garbage = run_report({"--events", dir.file("junk.jsonl", "hello\nworld\n")});
    CHECK(garbage.code == 2);
    CHECK(garbage.err.find("holds no valid event record") != std::string::npos);
    const auto newer = run_report({"--events", g("events-malformed.jsonl")});
    CHECK(newer.code == 2);
    CHECK(newer.err.find(":9: event format v2") != std::string::npos);
    CHECK(run_report({}).code == 2);
    CHECK(run_report({"--events", g("events-compliant.jsonl"), "--format", "pdf"}).code == 2);
    CHECK(run_report({"--help"}).code == 0);
}

TEST_CASE("report warns about malformed lines with file:line", "[cli][report]") {
    TempDir dir;
    std::string log = slurp(g("events-compliant.jsonl"));
    log += "not json\n{\"v\":1}\n";
    const auto path = dir.file("mixed.jsonl", log);
    const auto outcome = run_report({"--events", path, "--format", "json"});
    CHECK(outcome.code <= 1);
    CHECK(outcome.err.find(path + ":") != std::string::npos);
    CHECK(outcome.err.find("2 malformed lines skipped") != std::string::npos);
    CHECK(boost::json::parse(outcome.out).at("totals").at("malformed_lines") == 2);
}

TEST_CASE("report picks the format from the -o extension", "[cli][report]") {
    TempDir dir;
    const std::vector<std::pair<std::string, std::string>> table{
        {"r.json", "{\"schema\":\"uaudit-report/1\""},
        {"r.html", "<!DOCTYPE html>"},
        {"r.xml", "<?xml version=\"1.0\""},
        {"r.md", "# uaudit report"},
        {"r.csv", "ts,instance,id,"},
    };
    for (const auto& [name, start] : table) {
        CAPTURE(name);
        const auto outcome =
            run_report({"--events", g("events-rewrite.jsonl"), "-o", dir.path(name)});
        CHECK(outcome.code == 1);
        CHECK(outcome.out.empty());
        CHECK(slurp(dir.path(name)).rfind(start, 0) == 0);
    }
    const auto csv = slurp(dir.path("r.csv"));
    CHECK(std::count(csv.begin(), csv.end(), '\n') == 8);  // header + 7 requests
}
