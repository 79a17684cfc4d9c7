#pragma once
// What a report says (SPEC §9): the tables an Aggregator builds from event records, sorted
// and judged, ready for the renderers. Plain data; every table is capped (see Table).

#include "audit/event_record.hpp"
#include "report/client_library.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace uaudit::report {

using audit::TimePoint;

/// A capped table: `rows` (at most the cap), and `other`, the sum of every row that did not
/// fit (its key fields are empty), present only when the cap was reached.
template <class Row>
struct Table {
    std::vector<Row> rows;
    std::optional<Row> other;

    bool truncated() const { return other.has_value(); }
};

enum class Verdict { pass, warn, fail, no_data };

/// "PASS", "WARN", "FAIL", "NO-DATA".
std::string_view to_string(Verdict verdict);

struct Judgement {
    Verdict verdict = Verdict::no_data;
    std::vector<std::string> reasons;  // one sentence each, most important first
};

struct Period {
    std::optional<TimePoint> first;  // earliest `ts` of any record
    std::optional<TimePoint> last;
};

struct Totals {
    std::uint64_t requests = 0;  // in-scope requests
    std::uint64_t compliant = 0;
    std::uint64_t noncompliant = 0;
    std::uint64_t with_warnings = 0;  // in-scope requests with a finding of severity warning
    double compliant_percent = 0;     // of `requests`; 0 when there is none
    std::uint64_t rewritten = 0;
    std::uint64_t blocked = 0;
    std::uint64_t upstream_errors = 0;  // in-scope requests with an `error`
    std::uint64_t tls_rejections = 0;
    std::uint64_t refused = 0;
    std::uint64_t out_of_scope_requests = 0;
    std::uint64_t tunnels = 0;  // blind tunnels
    std::uint64_t records = 0;  // records read of a known kind
    std::uint64_t unknown_kind_records = 0;
    std::uint64_t malformed_lines = 0;
};

struct FindingRow {
    std::string code;
    std::uint64_t requests = 0;  // requests with at least one finding of this code
    std::uint64_t as_error = 0;  // of which with severity error
    std::uint64_t as_warning = 0;
    std::string example_message;  // the message of the first finding seen
};

struct EndpointRow {
    std::string method;
    std::string endpoint;
    std::optional<std::string> operation;  // catalog operation; nullopt: undocumented
    std::uint64_t calls = 0;
    std::uint64_t noncompliant = 0;
    std::uint64_t distinct_user_agents =
        0;  // a lower bound when `endpoint_user_agents` is truncated
};

/// One endpoint × User-Agent pair (the JUnit test cases).
struct EndpointUserAgentRow {
    std::string method;
    std::string endpoint;
    std::optional<std::string> ua;  // nullopt: no User-Agent header
    std::uint64_t calls = 0;
    std::uint64_t noncompliant = 0;
    std::vector<compliance::Finding> findings;  // distinct by code, first seen
};

struct UserAgentRow {
    std::optional<std::string> ua;  // nullopt: no User-Agent header
    std::uint64_t calls = 0;
    std::uint64_t noncompliant = 0;
    std::vector<std::string> codes;         // distinct finding codes, sorted
    std::optional<std::string> suggestion;  // the first suggested value of a finding
    std::optional<TimePoint> first_seen;
    std::optional<TimePoint> last_seen;
    std::string process_exe;               // first client process seen, "" when none
    std::optional<ClientLibrary> library;  // filled by summarize()

    /// "compliant", "noncompliant" or "mixed" (the rules differed between runs).
    std::string_view verdict() const;
};

struct ClientRow {
    std::string address;  // the client's IP address, without the port
    std::uint64_t requests = 0;
    std::uint64_t noncompliant = 0;
    std::optional<TimePoint> first_seen;
    std::optional<TimePoint> last_seen;
};

/// Noncompliant calls of one client program (SPEC §8 `client_process`).
struct ProcessRow {
    std::optional<std::string> exe;  // nullopt: not known (remote client, no /proc)
    std::optional<std::string> cmd;
    std::uint64_t noncompliant = 0;
    std::vector<std::optional<std::string>> user_agents;  // up to 5 distinct, first seen
    std::vector<std::string> endpoints;                   // up to 5 "METHOD endpoint"
};

struct OutOfScopeHostRow {
    std::string host;
    std::uint16_t port = 0;
    std::uint64_t requests = 0;
    std::uint64_t tunnels = 0;
    std::uint64_t bytes_in = 0;
    std::uint64_t bytes_out = 0;
    bool in_scope_host = false;  // the host is one the judged scope audits (tunnel = unseen)
};

struct TlsRejectionRow {
    std::string host;
    std::string reason;
    std::uint64_t count = 0;
    std::optional<TimePoint> first_seen;
    std::optional<TimePoint> last_seen;
};

struct RefusedRow {
    std::optional<std::string> host;
    unsigned status = 0;
    std::string error;
    std::uint64_t count = 0;
    bool in_scope_host = false;
};

struct UpstreamErrorRow {
    std::string reason;
    std::uint64_t count = 0;
};

struct TimelineRow {
    TimePoint minute;  // start of the minute (UTC)
    std::uint64_t compliant = 0;
    std::uint64_t noncompliant = 0;
};

/// A distinct grammatical MdePartner identity seen (UA100).
struct IdentityRow {
    std::string token;  // "MdePartner-Contoso-ContosoCognito/1.0.0"
    std::uint64_t calls = 0;
};

struct CoverageRow {
    std::string operation;  // "GET /api/machines/{id}"
    std::string family;     // "" when the catalog does not know it
    std::uint64_t calls = 0;
};

struct FamilyCoverage {
    std::string family;
    std::uint64_t documented = 0;
    std::uint64_t used = 0;
};

struct Coverage {
    std::uint64_t documented = 0;  // operations in the catalog
    std::uint64_t used = 0;        // of them called at least once
    std::uint64_t documented_calls = 0;
    std::uint64_t undocumented_calls = 0;  // in-scope requests with no catalog operation
    std::vector<CoverageRow> operations;   // used operations, most called first
    std::vector<FamilyCoverage> families;
};

struct InstanceRow {
    std::string name;
    std::uint64_t records = 0;
    std::optional<TimePoint> first_seen;
    std::optional<TimePoint> last_seen;
};

/// A distinct configuration judged against (from `run_start` / `run_stop`).
struct RunConfigRow {
    std::string version;
    config::Mode mode = config::Mode::audit;
    compliance::Identity identity;
    compliance::RuleOptions rules;
    config::ScopeConfig scope;
    std::vector<std::string> instances;  // up to 20
    std::uint64_t runs = 0;
    std::optional<TimePoint> first_start;
};

struct Summary {
    Judgement judgement;
    Period period;
    Totals totals;
    std::vector<RunConfigRow> configs;  // empty: no run_start seen
    /// The header the fixes set: built from the identity when one configuration names an
    /// exact one, else the template `MdePartner-{CompanyName}-{ProductName}/{Version}`.
    std::string expected_user_agent;
    Table<InstanceRow> instances;
    Table<FindingRow> findings;
    Table<EndpointRow> endpoints;
    Table<EndpointUserAgentRow> endpoint_user_agents;
    Coverage coverage;
    Table<UserAgentRow> user_agents;
    Table<ClientRow> clients;
    Table<ProcessRow> noncompliant_processes;
    Table<IdentityRow> identities;
    Table<OutOfScopeHostRow> out_of_scope_hosts;
    Table<TlsRejectionRow> tls_rejections;
    Table<RefusedRow> refused;
    std::vector<UpstreamErrorRow> upstream_errors;
    Table<TimelineRow> timeline;
    std::size_t max_rows = 0;
};

}  // namespace uaudit::report
