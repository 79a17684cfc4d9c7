#pragma once
// The report of the traffic so far (SPEC §9, §10): every record the proxy emits is folded into
// one capped report::Aggregator, so /report, /report.html and the exit reports need no second
// pass over the event log. Thread-safe: records come from every io thread.

#include "audit/event_record.hpp"
#include "report/aggregator.hpp"
#include "report/summary.hpp"

#include <cstddef>
#include <mutex>

namespace uaudit::server {

class LiveReport {
public:
    /// `max_rows` caps every table (`report.max_rows`), so memory stays flat.
    explicit LiveReport(std::size_t max_rows);

    /// Folds one record in. The lock covers only the aggregator update.
    void add(const audit::EventRecord& record);
    /// The report so far. Summarizing holds the lock (the tables are capped, so it is short);
    /// rendering the result is the caller's business, outside it.
    report::Summary summarize() const;

private:
    mutable std::mutex mutex_;
    report::Aggregator aggregator_;
};

}  // namespace uaudit::server
