#pragma once
// The event log writer (SPEC §8): JSON Lines appended by one dedicated thread behind a bounded
// queue, so request handling never waits on the disk (only when the queue is full, which
// bounds memory). fsync policy every | interval (1 s) | never; rotation at `rotate_bytes`
// (the full file is renamed events.<UTC yyyymmddThhmmssZ>.jsonl and never deleted); reopen on
// demand (SIGHUP, logrotate). A file that cannot be written is counted and said on stderr and
// through healthy()/last_error(); the proxy keeps serving and the writer retries.
//
// Callers serialize on their own thread and append the line to one pending buffer. The
// writer, once woken, lets lines gather for 10 ms (not with `fsync: every`), then takes the
// whole buffer and writes it with one write(2): a busy proxy pays neither a wake-up nor a
// system call per record. flush() and stop() do not wait for the gathering.

#include "audit/event_record.hpp"
#include "config/config.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace uaudit::audit {

struct EventLogOptions {
    std::filesystem::path path;  // resolved (absolute or relative to the cwd)
    std::uint64_t rotate_bytes = 100ull * 1024 * 1024;  // 0 = never rotate
    config::Fsync fsync = config::Fsync::interval;
    std::size_t queue_capacity = 100000;  // lines waiting; emit() blocks beyond it
};

class EventLog {
public:
    /// Starts the writer thread and opens (creating the directory when needed) the file.
    explicit EventLog(EventLogOptions options);
    ~EventLog();  // stop()
    EventLog(const EventLog&) = delete;
    EventLog& operator=(const EventLog&) = delete;

    /// Serializes the record on the caller's thread and queues the line. Thread-safe.
    void emit(const EventRecord& record);
    /// Queues an already serialized line (without newline).
    void emit_line(std::string line);

    /// Waits until every line queued before the call is written (and fsynced unless
    /// `fsync: never`). Thread-safe.
    void flush();
    /// Closes and reopens the file at the next write (SIGHUP). Async-signal-unsafe: call it
    /// from the io_context's signal handler, not a raw signal handler.
    void reopen();
    /// Flushes, stops the writer and closes the file. Idempotent.
    void stop();

    /// False while the file cannot be written; last_error() says why.
    bool healthy() const { return healthy_.load(); }
    std::string last_error() const;
    /// Write, open and fsync failures so far (`uaudit_event_log_errors_total`).
    std::uint64_t errors() const { return errors_.load(); }
    /// Lines written, lines lost (could not be written).
    std::uint64_t written() const { return written_.load(); }
    std::uint64_t dropped() const { return dropped_.load(); }
    const std::filesystem::path& path() const { return options_.path; }

private:
    /// Queues `line`, which ends with its newline.
    void enqueue(std::string_view line);
    /// The writer must write without gathering more lines. Called with mutex_ held.
    bool must_write_now() const;
    void run();
    /// Writes whole lines: `ends` holds the end offset of each line in `data`.
    void write_lines(const std::string& data, const std::vector<std::size_t>& ends);
    bool ensure_open();
    void close_file();
    /// Bytes written: `size` unless a write failed (then the file is closed).
    std::size_t write_all(const char* data, std::size_t size);
    void rotate();
    void fail(const std::string& what, int error_number);

    EventLogOptions options_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;           // the writer waits on it
    std::condition_variable progress_;       // emit() (queue full) and flush() wait on it
    std::string pending_;                    // queued lines, newline-terminated, in order
    std::vector<std::size_t> pending_ends_;  // end offset of each line in pending_
    std::uint64_t enqueued_ = 0;             // sequence of the last queued line
    std::uint64_t done_ = 0;       // sequence of the last line handled (written or dropped)
    bool writer_waiting_ = false;  // the writer is idle on wake_: a new line must notify it
    bool stopping_ = false;
    bool closed_ = false;   // stop() took the last lines: later ones are dropped
    bool stopped_ = false;  // the file is closed
    bool reopen_requested_ = false;
    bool flush_requested_ = false;
    std::string last_error_;

    // Writer-thread state (and the constructor's / stop()'s, before and after the thread).
    std::string batch_;  // the lines being written, swapped with pending_
    std::vector<std::size_t> batch_ends_;
    int fd_ = -1;
    std::uint64_t size_ = 0;
    bool dirty_ = false;  // written since the last fsync
    std::chrono::steady_clock::time_point last_sync_{};
    std::chrono::steady_clock::time_point next_open_attempt_{};

    std::atomic<bool> healthy_{true};
    std::atomic<std::uint64_t> errors_{0};
    std::atomic<std::uint64_t> written_{0};
    std::atomic<std::uint64_t> dropped_{0};
    std::thread thread_;
};

/// The name a full file is renamed to: `events.jsonl` at 2026-11-25T18:20:55Z ->
/// `events.20261125T182055Z.jsonl` (same directory).
std::filesystem::path rotated_name(const std::filesystem::path& path,
                                   std::chrono::system_clock::time_point now);

}  // namespace uaudit::audit
