#pragma once
// Reads an event log (JSON Lines, SPEC §8) line by line, in bounded memory: each line is
// parsed and handed on, nothing is kept. Blank lines are skipped; lines that are not records
// are counted (with the first few kept for the warning); a record of a newer format
// (`v` > 1) stops the read, since what follows cannot be trusted to mean the same.

#include "audit/event_json.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <istream>
#include <optional>
#include <string>
#include <vector>

namespace uaudit::report {

struct LineProblem {
    std::uint64_t line = 0;  // 1-based
    std::string message;
};

struct ReadResult {
    std::uint64_t lines = 0;  // non-blank lines read
    std::uint64_t records = 0;
    std::uint64_t unknown_kind = 0;
    std::uint64_t malformed = 0;
    std::vector<LineProblem> first_malformed;        // at most `ReadOptions::keep_problems`
    std::optional<LineProblem> unsupported_version;  // set: the read stopped there
    bool read_error = false;                         // the stream failed before its end
};

struct ReadOptions {
    std::size_t max_line_bytes = 1 << 20;  // longer lines are malformed (and not buffered)
    std::size_t keep_problems = 5;
};

using RecordSink = std::function<void(const audit::EventRecord&)>;

/// Feeds every record of `in` to `sink`, in order. Never throws for bad input.
ReadResult read_event_log(std::istream& in, const RecordSink& sink,
                          const ReadOptions& options = {});

}  // namespace uaudit::report
