#include "report/event_reader.hpp"

#include "audit/event_json.hpp"
#include "report/aggregator.hpp"
#include "report_fixtures.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

using namespace report_test;
namespace report = uaudit::report;

namespace {

const std::filesystem::path golden = std::filesystem::path(UAUDIT_SOURCE_DIR) / "tests/golden";

report::ReadResult read(const std::string& text, report::Aggregator& agg,
                        report::ReadOptions options = {}) {
    std::istringstream in(text);
    return report::read_event_log(
        in, [&](const audit::EventRecord& r) { agg.add(r); }, options);
}

}  // namespace

TEST_CASE("malformed lines are skipped and counted", "[report][reader]") {
    const std::string good = audit::to_json_line(request(0, good_ua));
    report::Aggregator agg;
    const auto result =
        read(good + "\n{\"v\":1,\"kind\":\"request\"\nnot json\n\n" + good + "\r\n[]\n" +
                 R"({"v":1,"kind":"future_kind","ts":"2026-11-25T18:00:00.000Z"})" + "\n" + good,
             agg);
    CHECK(result.records == 3);  // the last one has no newline
    CHECK(result.malformed == 3);
    CHECK(result.unknown_kind == 1);
    CHECK(result.lines == 7);
    REQUIRE(result.first_malformed.size() == 3);
    CHECK(result.first_malformed[0].line == 2);
    CHECK(result.first_malformed[1].line == 3);
    CHECK(result.first_malformed[2].line == 6);
    CHECK(agg.summarize().totals.requests == 3);
}

TEST_CASE("a record of a newer format stops the read", "[report][reader]") {
    report::Aggregator agg;
    const auto result =
        read(audit::to_json_line(request(0, good_ua)) + "\n" + R"({"v":2,"kind":"request"})" +
                 "\n" + audit::to_json_line(request(1, good_ua)) + "\n",
             agg);
    REQUIRE(result.unsupported_version);
    CHECK(result.unsupported_version->line == 2);
    CHECK(result.records == 1);
}

TEST_CASE("over-long lines are malformed, not buffered", "[report][reader]") {
    report::Aggregator agg;
    const std::string good = audit::to_json_line(request(0, good_ua));
    const std::string huge(200000, 'x');
    const auto result = read(huge + "\n" + good + "\n" + huge, agg, report::ReadOptions{100000, 5});
    CHECK(result.malformed == 2);
    CHECK(result.records == 1);
}

TEST_CASE("golden logs read without a malformed line", "[report][reader][golden]") {
    for (const auto* name :
         {"events-compliant.jsonl", "events-rewrite.jsonl", "events-all-kinds.jsonl"}) {
        CAPTURE(name);
        std::ifstream in(golden / name, std::ios::binary);
        REQUIRE(in);
        report::Aggregator agg;
        const auto result =
            report::read_event_log(in, [&](const audit::EventRecord& r) { agg.add(r); });
        CHECK(result.malformed == 0);
        CHECK(result.records > 2);
    }
    std::ifstream in(golden / "events-malformed.jsonl", std::ios::binary);
    report::Aggregator agg;
    const auto result =
        report::read_event_log(in, [&](const audit::EventRecord& r) { agg.add(r); });
    CHECK(result.records == 2);
    CHECK(result.malformed == 5);
    CHECK(result.unknown_kind == 1);
    REQUIRE(result.unsupported_version);
    CHECK(result.unsupported_version->line == 9);
}
