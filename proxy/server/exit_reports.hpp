#pragma once
// The reports `report.on_exit` names, written once at a clean stop (SPEC §4, §9), after
// `run_stop` is in the event log. The format follows the extension: .json .md .html .xml
// (JUnit) come from the live report's summary; .csv (one row per in-scope request) is built
// by re-reading this run's part of the event log, since no table keeps every request.

#include "config/config.hpp"
#include "report/summary.hpp"

#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

namespace uaudit::server {

/// Where this run's records are: the event log and its run markers.
struct RunEvents {
    std::filesystem::path log;  // the current event log file (absolute)
    std::string start_id;       // `id` of this run's run_start record
    std::string stop_id;        // `id` of this run's run_stop record
    /// Files not written to since this time hold nothing of this run (rotated logs of
    /// earlier runs are not re-read).
    std::filesystem::file_time_type since;
};

/// Writes every `report.on_exit` file (relative paths against `data_dir`; a missing parent
/// directory is created; each file appears complete or not at all). A file that cannot be
/// written is said on `err` and skipped. Returns the files written.
std::vector<std::filesystem::path> write_exit_reports(const config::Config& config,
                                                      const report::Summary& summary,
                                                      const RunEvents& run, std::ostream& err);

/// The event log files that may hold records of `run`, oldest first: rotated files
/// (`events.<stamp>[-n].jsonl`) written to since `run.since`, then `run.log`.
std::vector<std::filesystem::path> run_event_files(const RunEvents& run);

/// Writes the CSV report of `run`: the request records between its run_start and run_stop.
/// Returns false when the log holds no run_start of this run (lost while the log was not
/// writable): the CSV then has its header only.
bool write_run_csv(const RunEvents& run, std::ostream& out);

}  // namespace uaudit::server
