#include "audit/event_log.hpp"

#include "audit/event_json.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <sys/stat.h>

#include <fstream>
#include <random>
#include <sstream>
#include <thread>

using namespace uaudit;
namespace fs = std::filesystem;

namespace {

struct TempDir {
    fs::path path;
    TempDir() {
        std::random_device random;
        path = fs::temp_directory_path() / ("uaudit-log-" + std::to_string(random()));
        fs::create_directories(path);
    }
    ~TempDir() {
        std::error_code ec;
        fs::permissions(path, fs::perms::owner_all, ec);
        fs::remove_all(path, ec);
    }
};

std::vector<std::string> lines_of(const fs::path& file) {
    std::ifstream in(file);
    std::vector<std::string> out;
    std::string line;
    while (std::getline(in, line)) {
        out.push_back(line);
    }
    return out;
}

audit::RefusedRecord refused(unsigned status) {
    audit::RefusedRecord r;
    r.ts = std::chrono::system_clock::now();
    r.id = audit::new_event_id();
    r.instance = "t";
    r.client = "127.0.0.1:1";
    r.status = status;
    r.error = "bad_target";
    return r;
}

}  // namespace

TEST_CASE("records from many threads are appended whole, one per line", "[server][events]") {
    TempDir dir;
    const auto file = dir.path / "sub" / "events.jsonl";
    {
        audit::EventLog log({file, 0, config::Fsync::every, 16});
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t) {
            threads.emplace_back([&log] {
                for (int i = 0; i < 250; ++i) {
                    log.emit(refused(400));
                }
            });
        }
        for (auto& thread : threads) {
            thread.join();
        }
        log.flush();
        CHECK(lines_of(file).size() == 1000);
        CHECK(log.written() == 1000);
        CHECK(log.healthy());
        log.emit(refused(403));
    }  // the destructor flushes
    const auto lines = lines_of(file);
    REQUIRE(lines.size() == 1001);
    for (const auto& line : lines) {
        CHECK(audit::parse_event_line(line).status == audit::ParseStatus::ok);
    }
    CHECK(boost::json::parse(lines.back()).at("status") == 403);
}

TEST_CASE("rotation renames the full file with a UTC stamp and starts a new one",
          "[server][events]") {
    TempDir dir;
    const auto file = dir.path / "events.jsonl";
    const auto one = audit::to_json_line(refused(400)).size() + 1;
    {
        audit::EventLog log({file, one * 3, config::Fsync::never, 100});
        for (int i = 0; i < 7; ++i) {
            log.emit(refused(400));
        }
        log.flush();
    }
    std::size_t total = 0;
    std::size_t rotated = 0;
    for (const auto& entry : fs::directory_iterator(dir.path)) {
        const auto name = entry.path().filename().string();
        total += lines_of(entry.path()).size();
        if (name != "events.jsonl") {
            ++rotated;
            // events.20261125T182055Z.jsonl (maybe with -N before the extension)
            CHECK(name.rfind("events.", 0) == 0);
            CHECK(name.size() >= std::string("events.20261125T182055Z.jsonl").size());
            CHECK(name.substr(name.size() - 6) == ".jsonl");
            CHECK(name[15] == 'T');
            CHECK(name[22] == 'Z');
            CHECK(lines_of(entry.path()).size() == 3);
        }
    }
    CHECK(total == 7);
    CHECK(rotated == 2);
    CHECK(lines_of(file).size() == 1);
    CHECK(audit::rotated_name("/d/events.jsonl",
                              std::chrono::system_clock::from_time_t(1764094855)) ==
          fs::path("/d/events.20251125T182055Z.jsonl"));
}

TEST_CASE("reopen follows a renamed file (logrotate)", "[server][events]") {
    TempDir dir;
    const auto file = dir.path / "events.jsonl";
    audit::EventLog log({file, 0, config::Fsync::interval, 100});
    log.emit(refused(400));
    log.flush();
    fs::rename(file, dir.path / "events.jsonl.1");
    log.reopen();
    log.emit(refused(401));
    log.flush();
    CHECK(lines_of(dir.path / "events.jsonl.1").size() == 1);
    REQUIRE(lines_of(file).size() == 1);
    CHECK(boost::json::parse(lines_of(file)[0]).at("status") == 401);
}

TEST_CASE("an unwritable log is counted and reported, and recovers", "[server][events]") {
    // A path below a regular file cannot be created, even by root.
    TempDir dir;
    const auto blocker = dir.path / "not-a-dir";
    std::ofstream(blocker) << "x";
    audit::EventLog log({blocker / "events.jsonl", 0, config::Fsync::every, 100});
    CHECK_FALSE(log.healthy());
    CHECK(log.errors() >= 1);
    CHECK(log.last_error().find("cannot open") != std::string::npos);
    log.emit(refused(400));
    log.flush();
    CHECK(log.dropped() == 1);
    CHECK(log.written() == 0);
}
