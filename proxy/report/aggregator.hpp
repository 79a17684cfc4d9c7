#pragma once
// Folds event records, one at a time, into the capped tables of a report (SPEC §9). The
// memory it holds depends on the caps, never on the number of records: a log of any length
// streams through it. Records may come in any order (several instances, rotated files).
// Not thread-safe: the live /report guards one Aggregator with the event writer's lock.

#include "audit/catalog.hpp"
#include "audit/event_record.hpp"
#include "report/bounded_table.hpp"
#include "report/summary.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace uaudit::report {

struct AggregatorOptions {
    std::size_t max_rows = 10000;  // per table (`report.max_rows`)
};

class Aggregator {
public:
    explicit Aggregator(AggregatorOptions options = {});

    void add(const audit::EventRecord& record);
    void add(const audit::RequestRecord& record);
    void add(const audit::RefusedRecord& record);
    void add(const audit::TlsClientRejectedRecord& record);
    void add(const audit::OutOfScopeRecord& record);
    void add(const audit::OutOfScopeSummaryRecord& record);
    void add(const audit::RunStartRecord& record);
    void add(const audit::RunStopRecord& record);

    /// Lines of an event log that were not records (counted in the totals, judged nowhere).
    void count_malformed(std::uint64_t lines = 1) { malformed_lines_ += lines; }
    /// Records of a kind this version does not know (skipped, SPEC §8).
    void count_unknown_kind(std::uint64_t records = 1) { unknown_kind_ += records; }

    /// The report so far: tables sorted (most calls first), coverage against `catalog`,
    /// client libraries recognized, and the verdict. Does not change the aggregator.
    Summary summarize(
        const audit::OperationCatalog& catalog = audit::OperationCatalog::embedded()) const;

private:
    void see(TimePoint ts, const std::string& instance);
    void add_config(const audit::RunInfo& info, bool start);
    void add_identity(const std::string& ua);

    AggregatorOptions options_;
    Totals totals_;
    Period period_;
    std::string key_;  // scratch buffer for composite keys
    std::vector<RunConfigRow> configs_;
    std::uint64_t configs_dropped_ = 0;
    BoundedTable<std::string, InstanceRow> instances_;
    BoundedTable<std::string, FindingRow> findings_;
    BoundedTable<std::string, EndpointRow> endpoints_;
    BoundedTable<std::string, EndpointUserAgentRow> endpoint_user_agents_;
    BoundedTable<std::string, UserAgentRow> user_agents_;
    BoundedTable<std::string, ClientRow> clients_;
    BoundedTable<std::string, ProcessRow> processes_;
    BoundedTable<std::string, IdentityRow> identities_;
    BoundedTable<std::string, std::uint64_t> operations_;
    BoundedTable<std::string, OutOfScopeHostRow> out_of_scope_;
    BoundedTable<std::string, TlsRejectionRow> tls_rejections_;
    BoundedTable<std::string, RefusedRow> refused_;
    BoundedTable<std::string, std::uint64_t> upstream_errors_;
    BoundedTable<std::int64_t, TimelineRow> timeline_;  // key: minutes since the epoch
    std::uint64_t undocumented_calls_ = 0;
    std::uint64_t malformed_lines_ = 0;
    std::uint64_t unknown_kind_ = 0;
};

}  // namespace uaudit::report
