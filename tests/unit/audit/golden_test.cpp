// The golden event logs of tests/golden/: realistic logs in the writer's canonical form. They
// pin the on-disk format that the report (and partners' own tooling) reads.

#include "audit/endpoint.hpp"
#include "audit/event_json.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace audit = uaudit::audit;
using audit::ParseStatus;

namespace {

const std::filesystem::path golden_dir = std::filesystem::path(UAUDIT_SOURCE_DIR) / "tests/golden";

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    REQUIRE(in.good());
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::vector<std::string> read_lines(const std::filesystem::path& path) {
    const auto text = read_file(path);
    REQUIRE(!text.empty());
    REQUIRE(text.back() == '\n');  // every record ends with a newline
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        lines.push_back(line);
    }
    return lines;
}

std::string lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

const std::vector<std::string> well_formed_files{"events-compliant.jsonl", "events-rewrite.jsonl",
                                                 "events-all-kinds.jsonl"};

}  // namespace

TEST_CASE("golden logs parse and round-trip byte for byte", "[audit][golden]") {
    for (const auto& name : well_formed_files) {
        const auto lines = read_lines(golden_dir / name);
        for (std::size_t i = 0; i < lines.size(); ++i) {
            CAPTURE(name, i + 1, lines[i]);
            const auto result = audit::parse_event_line(lines[i]);
            INFO(result.message);
            REQUIRE(result.status == ParseStatus::ok);
            CHECK(audit::to_json_line(*result.record) == lines[i]);
            // endpoint and operation are what classify_endpoint gives for the path.
            if (const auto* request = std::get_if<audit::RequestRecord>(&*result.record)) {
                const auto info = audit::classify_endpoint(request->method, request->path);
                CHECK(request->endpoint == info.endpoint);
                CHECK(request->operation == info.operation);
                CHECK(request->ua_fields ==
                      std::max<std::size_t>(request->ua_values.size(), request->ua ? 1 : 0));
            }
        }
    }
}

TEST_CASE("the all-kinds golden log holds every kind", "[audit][golden]") {
    std::set<std::string> kinds;
    for (const auto& line : read_lines(golden_dir / "events-all-kinds.jsonl")) {
        const auto result = audit::parse_event_line(line);
        REQUIRE(result.record.has_value());
        kinds.emplace(audit::kind_of(*result.record));
    }
    CHECK(kinds == std::set<std::string>{"run_start", "run_stop", "request", "refused",
                                         "tls_client_rejected", "out_of_scope",
                                         "out_of_scope_summary"});
}

TEST_CASE("the malformed golden log gives each line its status", "[audit][golden]") {
    const std::vector<std::pair<ParseStatus, std::string>> expected{
        {ParseStatus::ok, ""},
        {ParseStatus::ok, ""},
        {ParseStatus::malformed, ""},  // truncated JSON
        {ParseStatus::malformed, ""},  // not JSON
        {ParseStatus::malformed, "not a JSON object"},
        {ParseStatus::malformed, "request record: \"host\" is missing"},
        {ParseStatus::malformed, "request record: \"port\" must be a non-negative integer"},
        {ParseStatus::unknown_kind, "unknown kind \"heartbeat\""},
        {ParseStatus::unsupported_version,
         "event format v2 was written by a newer uaudit; this one reads v1: upgrade uaudit"},
        {ParseStatus::ok, ""},
        {ParseStatus::malformed, "request record: \"verdict\" must be compliant or noncompliant"},
    };
    const auto lines = read_lines(golden_dir / "events-malformed.jsonl");
    REQUIRE(lines.size() == expected.size());
    for (std::size_t i = 0; i < lines.size(); ++i) {
        CAPTURE(i + 1, lines[i]);
        const auto result = audit::parse_event_line(lines[i]);
        CHECK(result.status == expected[i].first);
        if (result.status == ParseStatus::ok) {
            CHECK(audit::to_json_line(*result.record) == lines[i]);
        } else if (expected[i].second.empty()) {
            CHECK_FALSE(result.message.empty());
        } else {
            CHECK(result.message == expected[i].second);
        }
    }
}

TEST_CASE("golden logs hold no secrets, header values or query values", "[audit][golden]") {
    std::size_t files = 0;
    for (const auto& entry : std::filesystem::directory_iterator(golden_dir)) {
        const auto name = entry.path().filename().string();
        if (!name.starts_with("events-") || entry.path().extension() != ".jsonl") {
            continue;
        }
        ++files;
        CAPTURE(name);
        const auto text = lower(read_file(entry.path()));
        for (const char* word : {"authorization", "cookie", "bearer", "password", "secret",
                                 "sig=", "token=", "code="}) {
            CAPTURE(word);
            CHECK(text.find(word) == std::string::npos);
        }
        for (const auto& line : read_lines(entry.path())) {
            const auto result = audit::parse_event_line(line);
            if (const auto* request =
                    result.record ? std::get_if<audit::RequestRecord>(&*result.record) : nullptr) {
                CAPTURE(line);
                CHECK(request->path.find_first_of("?#") == std::string::npos);
                CHECK(request->endpoint.find_first_of("?#") == std::string::npos);
                for (const auto& key : request->query_keys) {
                    CHECK(key.find_first_of("=&") == std::string::npos);
                }
            }
        }
    }
    CHECK(files == 4);
}
