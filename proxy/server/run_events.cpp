// The .csv exit report: the request records of this run, re-read from the event log. Reading
// back what the writer thread wrote keeps request handling free of a second writer and lets
// the CSV hold any number of rows in bounded memory.

#include "report/csv_writer.hpp"
#include "report/event_reader.hpp"
#include "server/exit_reports.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <tuple>
#include <variant>

namespace uaudit::server {
namespace {

namespace fs = std::filesystem;

// The sort key of a rotated name's middle part: "20261125T182055Z" or, for rotations within
// one second, "20261125T182055Z-1" (and "-1-2" ...: the last counter orders them).
struct RotatedKey {
    std::string stamp;
    std::size_t segments = 0;
    unsigned counter = 0;

    friend bool operator<(const RotatedKey& a, const RotatedKey& b) {
        return std::tie(a.stamp, a.segments, a.counter) < std::tie(b.stamp, b.segments, b.counter);
    }
};

std::optional<RotatedKey> rotated_key(std::string_view middle) {
    RotatedKey key;
    const auto dash = middle.find('-');
    key.stamp = std::string(middle.substr(0, dash));
    if (key.stamp.size() != 16 || key.stamp[8] != 'T' || key.stamp.back() != 'Z') {
        return std::nullopt;
    }
    if (dash != std::string_view::npos) {
        key.segments = static_cast<std::size_t>(std::count(middle.begin(), middle.end(), '-'));
        const auto last = middle.substr(middle.rfind('-') + 1);
        const auto [end, ec] = std::from_chars(last.data(), last.data() + last.size(), key.counter);
        if (ec != std::errc() || end != last.data() + last.size()) {
            return std::nullopt;
        }
    }
    return key;
}

}  // namespace

std::vector<fs::path> run_event_files(const RunEvents& run) {
    const std::string prefix = run.log.stem().string() + ".";
    const std::string suffix = run.log.extension().string();
    std::vector<std::pair<RotatedKey, fs::path>> rotated;
    std::error_code ec;
    for (fs::directory_iterator it(run.log.parent_path(), ec), end; !ec && it != end;
         it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (name.size() <= prefix.size() + suffix.size() || name.rfind(prefix, 0) != 0 ||
            name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0) {
            continue;
        }
        auto key = rotated_key(std::string_view(name).substr(
            prefix.size(), name.size() - prefix.size() - suffix.size()));
        std::error_code time_ec;
        const auto written = fs::last_write_time(it->path(), time_ec);
        if (key && !time_ec && written >= run.since) {
            rotated.emplace_back(std::move(*key), it->path());
        }
    }
    std::sort(rotated.begin(), rotated.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<fs::path> files;
    for (auto& entry : rotated) {
        files.push_back(std::move(entry.second));
    }
    files.push_back(run.log);
    return files;
}

bool write_run_csv(const RunEvents& run, std::ostream& out) {
    report::CsvWriter csv(out);
    bool found = false;
    bool in_run = false;
    const auto sink = [&](const audit::EventRecord& record) {
        if (const auto* start = std::get_if<audit::RunStartRecord>(&record)) {
            if (start->id == run.start_id) {
                found = in_run = true;
            }
        } else if (const auto* stop = std::get_if<audit::RunStopRecord>(&record)) {
            if (stop->id == run.stop_id) {
                in_run = false;
            }
        } else if (in_run) {
            csv.write(record);
        }
    };
    for (const auto& file : run_event_files(run)) {
        std::ifstream in(file, std::ios::binary);
        if (in) {
            report::read_event_log(in, sink);
        }
    }
    return found;
}

}  // namespace uaudit::server
