#include "audit/event_log.hpp"

#include "audit/event_json.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <iostream>
#include <utility>

namespace uaudit::audit {
namespace {
constexpr auto sync_interval = std::chrono::seconds(1);
constexpr auto reopen_backoff = std::chrono::seconds(1);
}  // namespace

std::filesystem::path rotated_name(const std::filesystem::path& path,
                                   std::chrono::system_clock::time_point now) {
    const std::time_t t = std::chrono::system_clock::to_time_t(now);
    std::tm utc{};
    gmtime_r(&t, &utc);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &utc);
    std::filesystem::path name = path.stem();
    name += ".";
    name += stamp;
    name += path.extension();
    return path.parent_path() / name;
}

EventLog::EventLog(EventLogOptions options)
    : options_(std::move(options)) {
    ensure_open();  // before the writer starts, so a bad path is said at start
    thread_ = std::thread([this] { run(); });
}

EventLog::~EventLog() {
    stop();
}

void EventLog::emit(const EventRecord& record) {
    emit_line(to_json_line(record));
}

void EventLog::emit_line(std::string line) {
    line.push_back('\n');
    std::unique_lock lock(mutex_);
    progress_.wait(lock, [&] { return queue_.size() < options_.queue_capacity || stopping_; });
    if (stopped_) {
        dropped_.fetch_add(1);
        return;
    }
    queue_.push_back(std::move(line));
    ++enqueued_;
    wake_.notify_one();
}

void EventLog::flush() {
    std::unique_lock lock(mutex_);
    const std::uint64_t target = enqueued_;
    flush_requested_ = true;
    wake_.notify_one();
    progress_.wait(lock, [&] { return done_ >= target || stopped_; });
}

void EventLog::reopen() {
    std::lock_guard lock(mutex_);
    reopen_requested_ = true;
    wake_.notify_one();
}

void EventLog::stop() {
    {
        std::lock_guard lock(mutex_);
        if (stopping_) {
            return;
        }
        stopping_ = true;
        wake_.notify_one();
    }
    thread_.join();
    close_file();
    std::lock_guard lock(mutex_);
    stopped_ = true;
    progress_.notify_all();
}

std::string EventLog::last_error() const {
    std::lock_guard lock(mutex_);
    return last_error_;
}

void EventLog::fail(const std::string& what, int error_number) {
    // Say it once per failure streak, not once per line.
    errors_.fetch_add(1);
    std::lock_guard lock(mutex_);
    std::string message = what + " " + options_.path.string() + ": " + std::strerror(error_number);
    if (healthy_.exchange(false) || message != last_error_) {
        std::cerr << "uaudit: event log: " << message
                  << " (requests are still served; records are lost until it is writable)\n";
    }
    last_error_ = std::move(message);
}

bool EventLog::ensure_open() {
    if (fd_ >= 0) {
        return true;
    }
    const auto now = std::chrono::steady_clock::now();
    if (now < next_open_attempt_) {
        return false;
    }
    next_open_attempt_ = now + reopen_backoff;
    std::error_code ec;
    if (options_.path.has_parent_path()) {
        std::filesystem::create_directories(options_.path.parent_path(), ec);
    }
    fd_ = ::open(options_.path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) {
        fail("cannot open", errno);
        return false;
    }
    struct stat info {};
    size_ = ::fstat(fd_, &info) == 0 ? static_cast<std::uint64_t>(info.st_size) : 0;
    if (!healthy_.exchange(true)) {
        std::cerr << "uaudit: event log: writing " << options_.path.string() << " again\n";
    }
    std::lock_guard lock(mutex_);
    last_error_.clear();
    return true;
}

void EventLog::close_file() {
    if (fd_ < 0) {
        return;
    }
    if (dirty_ && options_.fsync != config::Fsync::never) {
        ::fsync(fd_);
    }
    dirty_ = false;
    ::close(fd_);
    fd_ = -1;
}

void EventLog::rotate() {
    close_file();
    auto target = rotated_name(options_.path, std::chrono::system_clock::now());
    // Two rotations within one second must not overwrite each other: add a counter.
    for (int n = 1; std::filesystem::exists(target); ++n) {
        auto name = target.stem();
        name += "-" + std::to_string(n);
        name += options_.path.extension();
        target = target.parent_path() / name;
    }
    if (::rename(options_.path.c_str(), target.c_str()) != 0) {
        fail("cannot rotate", errno);
    }
    next_open_attempt_ = {};
    ensure_open();
}

bool EventLog::write_all(const std::string& data) {
    const char* p = data.data();
    std::size_t left = data.size();
    while (left > 0) {
        const auto n = ::write(fd_, p, left);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            fail("cannot write", errno);
            close_file();
            return false;
        }
        p += n;
        left -= static_cast<std::size_t>(n);
    }
    size_ += data.size();
    dirty_ = true;
    return true;
}

void EventLog::run() {
    std::unique_lock lock(mutex_);
    for (;;) {
        wake_.wait_for(lock, sync_interval, [&] {
            return stopping_ || reopen_requested_ || flush_requested_ || !queue_.empty();
        });
        const bool reopen_now = std::exchange(reopen_requested_, false);
        const bool flush_now = std::exchange(flush_requested_, false) || stopping_;
        const bool last_round = stopping_;
        std::deque<std::string> batch;
        batch.swap(queue_);
        const std::uint64_t batch_end = enqueued_;
        progress_.notify_all();  // room in the queue again
        lock.unlock();

        // The file and its state are touched by this thread only.
        if (reopen_now) {
            close_file();
            next_open_attempt_ = {};
        }
        for (auto& line : batch) {
            if (options_.rotate_bytes > 0 && fd_ >= 0 && size_ > 0 &&
                size_ + line.size() > options_.rotate_bytes) {
                rotate();
            }
            if (ensure_open() && write_all(line)) {
                written_.fetch_add(1);
            } else {
                dropped_.fetch_add(1);
            }
        }
        const auto now = std::chrono::steady_clock::now();
        const bool sync = options_.fsync == config::Fsync::every ||
                          (options_.fsync == config::Fsync::interval &&
                           (flush_now || now - last_sync_ >= sync_interval));
        if (fd_ >= 0 && dirty_ && sync) {
            if (::fsync(fd_) != 0) {
                fail("cannot fsync", errno);
            }
            dirty_ = false;
            last_sync_ = now;
        }

        lock.lock();
        done_ = batch_end;
        progress_.notify_all();
        if (last_round && queue_.empty()) {
            return;
        }
    }
}

}  // namespace uaudit::audit
