#pragma once
// The records of the event log (SPEC §8): one definition shared by the proxy, which writes
// them, and the report, which reads them (see event_json.hpp for the JSON form). Every
// std::optional is written as JSON null when empty; field order here is the key order of
// the written line.

#include "compliance/rules.hpp"
#include "config/config.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace uaudit::audit {

using TimePoint = std::chrono::system_clock::time_point;

/// The version written as `v` into every record; readers refuse a larger one.
inline constexpr int event_format_version = 1;

/// How a request or tunnel reached uaudit.
enum class Via {
    forward,    // absolute-form request on the proxy listener
    tunnel,     // CONNECT tunnel passed blind (out_of_scope records only)
    intercept,  // request inside a TLS-terminated CONNECT tunnel
    gateway,    // origin-form request on a `routes` listener
};

enum class RequestVerdict { compliant, noncompliant };

/// What uaudit did with an in-scope request.
enum class Action { pass, rewrite, block };

/// Why an exchange failed (`error` of a request record, `uaudit_upstream_errors_total{reason}`,
/// and the `error` of uaudit's own JSON error bodies).
enum class ExchangeError {
    dns_failed,
    connect_failed,
    connect_timeout,
    tls_handshake_failed,
    tls_verify_failed,
    upstream_reset,
    upstream_timeout,
    upstream_malformed,
    client_aborted,
    body_too_large,
};

std::string_view to_string(Via via);
std::string_view to_string(RequestVerdict verdict);
std::string_view to_string(Action action);
std::string_view to_string(ExchangeError error);
std::optional<Via> parse_via(std::string_view text);
std::optional<RequestVerdict> parse_verdict(std::string_view text);
std::optional<Action> parse_action(std::string_view text);
std::optional<ExchangeError> parse_exchange_error(std::string_view text);

/// `tls_client_rejected.reason`: `unknown_ca`, `bad_certificate`, `certificate_unknown`,
/// `closed_in_handshake`, `handshake_timeout`, `not_tls`, or `alert_<name>` (lower-case
/// letters, digits and `_`) for any other TLS alert the client sent.
bool is_tls_reject_reason(std::string_view text);

/// The process owning the client socket (loopback clients only). `cmd` holds at most the
/// executable and its first argument: later arguments can hold secrets.
struct ClientProcess {
    std::int64_t pid = 0;
    std::string exe;  // base name of the executable
    std::string cmd;

    friend bool operator==(const ClientProcess&, const ClientProcess&) = default;
};

/// `kind: request`: one in-scope request.
struct RequestRecord {
    TimePoint ts;  // when the request head was received
    std::string id;
    std::string instance;
    std::string client;  // ip:port, IPv6 bracketed
    Via via = Via::forward;
    std::string method;
    std::string scheme;  // "http" | "https"
    std::string host;    // lower-case
    std::uint16_t port = 0;
    std::string path;      // as sent, no query
    std::string endpoint;  // normalize_endpoint / classify_endpoint
    std::optional<std::string> operation;
    std::vector<std::string> query_keys;  // names only, never values
    std::optional<std::string> ua;        // first User-Agent field; nullopt: none
    std::uint64_t ua_fields = 0;
    std::vector<std::string> ua_values;  // every field; written only when more than one
    RequestVerdict verdict = RequestVerdict::compliant;
    std::vector<compliance::Finding> findings;
    Action action = Action::pass;
    std::optional<std::string> ua_sent;  // what went upstream; nullopt when blocked / none
    std::optional<unsigned> status;      // nullopt when no response reached the client
    std::uint64_t bytes_in = 0;
    std::uint64_t bytes_out = 0;
    double duration_ms = 0;
    std::optional<double> upstream_ms;  // nullopt when no upstream was involved
    std::optional<ExchangeError> error;
    std::optional<ClientProcess> client_process;

    friend bool operator==(const RequestRecord&, const RequestRecord&) = default;
};

/// `kind: refused`: a request uaudit answered itself before or without judging it.
struct RefusedRecord {
    TimePoint ts;
    std::string id;
    std::string instance;
    std::string client;
    std::optional<std::string> method;  // nullopt when the head did not parse
    std::optional<std::string> host;
    std::optional<std::uint16_t> port;
    unsigned status = 400;
    std::string error;  // the `error` code of the JSON body, e.g. "port_not_allowed"

    friend bool operator==(const RefusedRecord&, const RefusedRecord&) = default;
};

/// `kind: tls_client_rejected`: the client refused uaudit's minted certificate.
struct TlsClientRejectedRecord {
    TimePoint ts;
    std::string id;
    std::string instance;
    std::string client;
    std::string host;  // the SNI or CONNECT name
    std::uint16_t port = 0;
    std::string reason;  // see is_tls_reject_reason()

    friend bool operator==(const TlsClientRejectedRecord&,
                           const TlsClientRejectedRecord&) = default;
};

/// `kind: out_of_scope` (`events.out_of_scope: each`): one out-of-scope request or tunnel.
struct OutOfScopeRecord {
    TimePoint ts;
    std::string id;
    std::string instance;
    std::string client;
    Via via = Via::forward;
    std::string method;  // CONNECT for tunnels
    std::string host;
    std::uint16_t port = 0;
    std::optional<unsigned> status;  // a tunnel's is the CONNECT answer (200)
    std::uint64_t bytes_in = 0;      // a tunnel's exclude the CONNECT head
    std::uint64_t bytes_out = 0;
    double duration_ms = 0;

    friend bool operator==(const OutOfScopeRecord&, const OutOfScopeRecord&) = default;
};

/// `kind: out_of_scope_summary` (the default): counts per host and port since the last one.
struct OutOfScopeSummaryRecord {
    TimePoint ts;
    std::string instance;
    std::string host;
    std::uint16_t port = 0;
    std::uint64_t requests = 0;
    std::uint64_t tunnels = 0;
    std::uint64_t bytes_in = 0;
    std::uint64_t bytes_out = 0;

    friend bool operator==(const OutOfScopeSummaryRecord&,
                           const OutOfScopeSummaryRecord&) = default;
};

/// The effective configuration a run judged against, as `run_start` and `run_stop` carry it.
struct RunInfo {
    TimePoint ts;
    std::string id;
    std::string instance;
    std::string version;  // uaudit's
    config::Mode mode = config::Mode::audit;
    compliance::Identity identity;
    compliance::RuleOptions rules;
    config::ScopeConfig scope;  // written like the YAML: ["default", {host, paths}]
    std::string listen;         // the forward-proxy listener, host:port

    friend bool operator==(const RunInfo&, const RunInfo&) = default;
};

struct RunStartRecord : RunInfo {
    friend bool operator==(const RunStartRecord&, const RunStartRecord&) = default;
};

/// Totals of a run, written as the `totals` object of `run_stop`.
struct RunTotals {
    std::uint64_t requests = 0;  // in-scope requests
    std::uint64_t compliant = 0;
    std::uint64_t noncompliant = 0;
    std::uint64_t rewritten = 0;
    std::uint64_t blocked = 0;
    std::uint64_t refused = 0;
    std::uint64_t out_of_scope = 0;  // out-of-scope requests
    std::uint64_t tunnels = 0;       // blind tunnels
    std::uint64_t tls_client_rejected = 0;
    std::uint64_t upstream_errors = 0;

    friend bool operator==(const RunTotals&, const RunTotals&) = default;
};

struct RunStopRecord : RunInfo {
    RunTotals totals;

    friend bool operator==(const RunStopRecord&, const RunStopRecord&) = default;
};

using EventRecord =
    std::variant<RunStartRecord, RunStopRecord, RequestRecord, RefusedRecord,
                 TlsClientRejectedRecord, OutOfScopeRecord, OutOfScopeSummaryRecord>;

/// The `kind` of a record: "request", "run_start", ...
std::string_view kind_of(const EventRecord& record);

/// A fresh record id: 128 random bits as 32 lower-case hex digits, unique across instances
/// and restarts. Thread-safe (one generator per thread).
std::string new_event_id();

}  // namespace uaudit::audit
