#pragma once
// The `csv` report (SPEC §9): one row per in-scope request, RFC 4180 (CRLF line ends,
// quoting only where needed), written while the log is read so nothing is held.

#include "audit/event_record.hpp"

#include <ostream>

namespace uaudit::report {

class CsvWriter {
public:
    /// Writes the header row.
    explicit CsvWriter(std::ostream& out);

    /// One row; records of other kinds are ignored.
    void write(const audit::EventRecord& record);
    void write(const audit::RequestRecord& record);

    std::uint64_t rows() const { return rows_; }

private:
    std::ostream& out_;
    std::uint64_t rows_ = 0;
};

/// The column names, in order.
std::string_view csv_header();

}  // namespace uaudit::report
