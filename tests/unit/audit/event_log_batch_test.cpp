// The batched hand-off of the event log: lines from many threads are written whole and in
// each thread's order, rotation still falls between whole lines when one write(2) carries
// many, and stop() leaves every emitted record on disk. (tests/unit/server/event_log_test.cpp
// covers reopen, the rotated names and an unwritable path.)

#include "audit/event_json.hpp"
#include "audit/event_log.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <thread>

namespace audit = uaudit::audit;
namespace config = uaudit::config;
namespace fs = std::filesystem;

namespace {

struct TempDir {
    fs::path path;
    TempDir() {
        std::random_device random;
        path = fs::temp_directory_path() / ("uaudit-batch-" + std::to_string(random()));
        fs::create_directories(path);
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
};

std::string slurp(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<std::string> lines_of(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::vector<std::string> out;
    for (std::string line; std::getline(in, line);) {
        out.push_back(line);
    }
    return out;
}

// Records of one length: the thread in `port`, the sequence number in `error`.
audit::RefusedRecord numbered(unsigned thread, unsigned sequence) {
    audit::RefusedRecord r;
    r.ts = audit::TimePoint{} + std::chrono::hours(24 * 365 * 56);
    r.id = "0123456789abcdef0123456789abcdef";
    r.instance = "batch";
    r.client = "127.0.0.1:1";
    r.port = static_cast<std::uint16_t>(thread);
    r.status = 400;
    const auto digits = std::to_string(1000000 + sequence);  // same length for every line
    r.error = "seq_" + digits.substr(1);
    return r;
}

unsigned sequence_of(const audit::RefusedRecord& record) {
    return static_cast<unsigned>(std::stoul(record.error.substr(4)));
}

}  // namespace

TEST_CASE("lines from many threads are whole, in each thread's order, byte for byte",
          "[audit][events]") {
    TempDir dir;
    const auto file = dir.path / "events.jsonl";
    constexpr unsigned threads = 4;
    constexpr unsigned per_thread = 3000;
    {
        audit::EventLog log({file, 0, config::Fsync::never, 64});
        std::vector<std::thread> workers;
        for (unsigned t = 0; t < threads; ++t) {
            workers.emplace_back([&log, t] {
                for (unsigned i = 0; i < per_thread; ++i) {
                    log.emit(numbered(t, i));
                }
            });
        }
        for (auto& worker : workers) {
            worker.join();
        }
        log.flush();
        CHECK(log.written() == threads * per_thread);
        CHECK(log.dropped() == 0);
        CHECK(lines_of(file).size() == threads * per_thread);
    }
    std::map<unsigned, unsigned> next;  // thread -> expected sequence
    for (const auto& line : lines_of(file)) {
        const auto parsed = audit::parse_event_line(line);
        REQUIRE(parsed.status == audit::ParseStatus::ok);
        const auto& record = std::get<audit::RefusedRecord>(*parsed.record);
        const unsigned thread = *record.port;
        CHECK(sequence_of(record) == next[thread]);
        ++next[thread];
        CHECK(audit::to_json_line(numbered(thread, sequence_of(record))) == line);
    }
    for (unsigned t = 0; t < threads; ++t) {
        CHECK(next[t] == per_thread);
    }
}

TEST_CASE("a batch that crosses rotate_bytes rotates between whole lines", "[audit][events]") {
    TempDir dir;
    const auto file = dir.path / "events.jsonl";
    const std::size_t line = audit::to_json_line(numbered(0, 0)).size() + 1;
    constexpr unsigned count = 500;
    {
        // 7.5 lines per file: 7 fit, the 8th starts the next file.
        audit::EventLog log({file, line * 15 / 2, config::Fsync::never, 100000});
        for (unsigned i = 0; i < count; ++i) {
            log.emit(numbered(0, i));
        }
        log.flush();
        CHECK(log.written() == count);
    }
    std::vector<std::string> all;
    std::size_t files = 0;
    for (const auto& entry : fs::directory_iterator(dir.path)) {
        const auto text = slurp(entry.path());
        CAPTURE(entry.path().filename().string());
        CHECK(text.size() % line == 0);
        CHECK(text.size() <= line * 7);
        if (entry.path() != file) {
            CHECK(text.size() == line * 7);
        }
        for (auto& l : lines_of(entry.path())) {
            all.push_back(std::move(l));
        }
        ++files;
    }
    CHECK(files == (count + 6) / 7);
    REQUIRE(all.size() == count);
    std::sort(all.begin(), all.end());  // the sequence number orders them
    for (unsigned i = 0; i < count; ++i) {
        CHECK(all[i] == audit::to_json_line(numbered(0, i)));
    }
}

TEST_CASE("a line longer than rotate_bytes gets a file of its own", "[audit][events]") {
    TempDir dir;
    const auto file = dir.path / "events.jsonl";
    {
        audit::EventLog log({file, 10, config::Fsync::every, 100});
        for (unsigned i = 0; i < 3; ++i) {
            log.emit(numbered(0, i));
        }
    }
    std::size_t files = 0;
    for (const auto& entry : fs::directory_iterator(dir.path)) {
        CHECK(lines_of(entry.path()).size() == 1);
        ++files;
    }
    CHECK(files == 3);
}

TEST_CASE("stop() writes every emitted line; later ones are dropped", "[audit][events]") {
    TempDir dir;
    const auto file = dir.path / "events.jsonl";
    audit::EventLog log({file, 0, config::Fsync::interval, 10});
    std::string expected;
    for (unsigned i = 0; i < 1000; ++i) {
        log.emit(numbered(1, i));
        expected += audit::to_json_line(numbered(1, i)) + '\n';
    }
    log.emit_line("{\"v\":1}");
    expected += "{\"v\":1}\n";
    log.stop();
    CHECK(slurp(file) == expected);
    CHECK(log.written() == 1001);
    log.emit(numbered(1, 0));
    log.flush();  // returns at once after stop()
    CHECK(log.dropped() == 1);
    CHECK(slurp(file) == expected);
}

TEST_CASE("lines that cannot be written are each counted as dropped", "[audit][events]") {
    TempDir dir;
    const auto blocker = dir.path / "not-a-dir";
    std::ofstream(blocker) << "x";
    audit::EventLog log({blocker / "events.jsonl", 0, config::Fsync::every, 100});
    for (unsigned i = 0; i < 50; ++i) {
        log.emit(numbered(0, i));
    }
    log.flush();
    CHECK(log.dropped() == 50);
    CHECK(log.written() == 0);
    CHECK_FALSE(log.healthy());
}
