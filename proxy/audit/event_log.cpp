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
// Buffers above this size are freed after use rather than kept for the next line or batch.
constexpr std::size_t max_kept_capacity = 1 << 20;
// How long the writer, woken by a line, lets more gather before it writes (fsync interval and
// never): at any request rate the proxy then pays one wake-up and one write(2) per batch
// instead of per record. A clean stop or flush() does not wait for it.
constexpr auto gather_delay = std::chrono::milliseconds(10);
// Pending bytes that make the writer write at once rather than gather on.
constexpr std::size_t gather_bytes = 1 << 20;
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
    // Serialized on the caller's thread, into a buffer each io thread keeps, so the lock is
    // held only for the copy.
    thread_local std::string line;
    line.clear();
    append_json_line(line, record);
    enqueue(line);
    if (line.capacity() > max_kept_capacity) {
        std::string().swap(line);  // one huge record must not pin its memory for good
    }
}

void EventLog::emit_line(std::string line) {
    line.push_back('\n');
    enqueue(line);
}

void EventLog::enqueue(std::string_view line) {
    std::unique_lock lock(mutex_);
    progress_.wait(lock,
                   [&] { return pending_ends_.size() < options_.queue_capacity || stopping_; });
    if (closed_) {
        dropped_.fetch_add(1);
        return;
    }
    pending_.append(line);
    pending_ends_.push_back(pending_.size());
    ++enqueued_;
    // A writer that is writing or gathering takes this line with the ones before it: only an
    // idle one needs waking, or one that should stop gathering (after the unlock, so that it
    // does not wake only to block on the mutex).
    if (writer_waiting_ || must_write_now()) {
        writer_waiting_ = false;
        lock.unlock();
        wake_.notify_one();
    }
}

bool EventLog::must_write_now() const {
    return stopping_ || reopen_requested_ || flush_requested_ ||
           pending_ends_.size() >= options_.queue_capacity || pending_.size() >= gather_bytes;
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
    // Lines queued while the writer made its last round: written here, by the only thread
    // left that touches the file.
    std::uint64_t last = 0;
    {
        std::lock_guard lock(mutex_);
        closed_ = true;
        batch_.swap(pending_);
        batch_ends_.swap(pending_ends_);
        last = enqueued_;
    }
    write_lines(batch_, batch_ends_);
    close_file();
    std::lock_guard lock(mutex_);
    done_ = last;
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

std::size_t EventLog::write_all(const char* data, std::size_t size) {
    std::size_t done = 0;
    while (done < size) {
        const auto n = ::write(fd_, data + done, size - done);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            fail("cannot write", errno);
            close_file();
            return done;
        }
        done += static_cast<std::size_t>(n);
    }
    size_ += size;
    dirty_ = true;
    return done;
}

void EventLog::write_lines(const std::string& data, const std::vector<std::size_t>& ends) {
    // Line by line, the rule is: rotate before a line that would take a non-empty file past
    // rotate_bytes. Lines that all fit go out in one write(2).
    const std::uint64_t limit = options_.rotate_bytes;
    std::size_t begin = 0;  // offset of line `i`
    std::size_t i = 0;
    while (i < ends.size()) {
        if (limit > 0 && fd_ >= 0 && size_ > 0 && size_ + (ends[i] - begin) > limit) {
            rotate();
        }
        if (!ensure_open()) {
            dropped_.fetch_add(1);
            begin = ends[i++];
            continue;
        }
        std::size_t j = i + 1;  // the run is lines [i, j)
        if (limit == 0) {
            j = ends.size();
        } else {
            while (j < ends.size() && size_ + (ends[j] - begin) <= limit) {
                ++j;
            }
        }
        const std::size_t size = ends[j - 1] - begin;
        const std::size_t wrote = write_all(data.data() + begin, size);
        if (wrote == size) {
            written_.fetch_add(j - i);
            begin = ends[j - 1];
            i = j;
            continue;
        }
        // The lines before the failed write are in the file; the one it failed in is lost,
        // and the rest try again (after the reopen back-off) like any later line.
        std::size_t k = i;
        while (ends[k] - begin <= wrote) {
            ++k;
        }
        written_.fetch_add(k - i);
        dropped_.fetch_add(1);
        begin = ends[k];
        i = k + 1;
    }
}

void EventLog::run() {
    std::unique_lock lock(mutex_);
    for (;;) {
        writer_waiting_ = true;
        wake_.wait_for(lock, sync_interval,
                       [&] { return must_write_now() || !pending_ends_.empty(); });
        writer_waiting_ = false;
        if (options_.fsync != config::Fsync::every && !pending_ends_.empty() && !must_write_now()) {
            // `every` promises each record on disk as soon as it can be: it does not gather.
            wake_.wait_for(lock, gather_delay, [&] { return must_write_now(); });
        }
        const bool reopen_now = std::exchange(reopen_requested_, false);
        const bool flush_now = std::exchange(flush_requested_, false) || stopping_;
        const bool last_round = stopping_;
        batch_.swap(pending_);
        batch_ends_.swap(pending_ends_);
        const std::uint64_t batch_end = enqueued_;
        progress_.notify_all();  // room in the queue again
        lock.unlock();

        // The file and its state are touched by this thread only.
        if (reopen_now) {
            close_file();
            next_open_attempt_ = {};
        }
        write_lines(batch_, batch_ends_);
        batch_.clear();
        batch_ends_.clear();
        if (batch_.capacity() > max_kept_capacity) {
            // Swapped back into pending_ next round: keep a burst's buffer only while small.
            std::string().swap(batch_);
            std::vector<std::size_t>().swap(batch_ends_);
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
        if (last_round && pending_ends_.empty()) {
            return;
        }
    }
}

}  // namespace uaudit::audit
