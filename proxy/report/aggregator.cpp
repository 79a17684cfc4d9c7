#include "report/aggregator.hpp"

#include "audit/endpoint.hpp"
#include "audit/scope.hpp"
#include "compliance/user_agent_grammar.hpp"
#include "report/verdict.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <stdexcept>
#include <tuple>

namespace uaudit::report {
namespace {

constexpr std::size_t max_config_rows = 100;
constexpr std::size_t max_config_instances = 20;
constexpr std::size_t max_samples = 5;  // user agents / endpoints listed per process

void widen(std::optional<TimePoint>& first, std::optional<TimePoint>& last, TimePoint ts) {
    if (!first || ts < *first) {
        first = ts;
    }
    if (!last || ts > *last) {
        last = ts;
    }
}

// "10.0.0.1:5000" -> "10.0.0.1", "[::1]:5000" -> "[::1]".
std::string client_address(std::string_view client) {
    if (client.starts_with('[')) {
        const auto close = client.find(']');
        return std::string(
            client.substr(0, close == std::string_view::npos ? client.size() : close + 1));
    }
    const auto colon = client.rfind(':');
    return std::string(client.substr(0, colon));
}

bool is_identity_char(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_';
}

bool is_identity_part(std::string_view part) {
    return !part.empty() && part.size() <= 64 &&
           std::all_of(part.begin(), part.end(), is_identity_char);
}

// The grammatical MdePartner token of a header (SPEC §12.3), or nothing.
std::optional<std::string> partner_identity(std::string_view ua) {
    constexpr std::string_view prefix = "MdePartner-";
    const auto parsed = compliance::parse_user_agent(ua);
    if (!parsed.ok()) {
        return std::nullopt;
    }
    for (const auto& element : parsed.elements) {
        if (element.kind != compliance::ElementKind::product || !element.name.starts_with(prefix)) {
            continue;
        }
        const std::string_view rest = element.name.substr(prefix.size());
        const auto dash = rest.find('-');
        if (dash == std::string_view::npos || !is_identity_part(rest.substr(0, dash)) ||
            !is_identity_part(rest.substr(dash + 1)) || !element.version ||
            !compliance::is_token(*element.version)) {
            return std::nullopt;
        }
        return std::string(element.text);
    }
    return std::nullopt;
}

bool same_config(const RunConfigRow& row, const audit::RunInfo& info) {
    return row.version == info.version && row.mode == info.mode && row.identity == info.identity &&
           row.rules == info.rules && row.scope == info.scope;
}

template <class Row, class Less>
Table<Row> sorted(const auto& table, Less less) {
    Table<Row> out;
    out.rows.reserve(table.rows().size());
    for (const auto& [key, row] : table.rows()) {
        out.rows.push_back(row);
    }
    std::sort(out.rows.begin(), out.rows.end(), less);
    out.other = table.other();
    return out;
}

bool optional_less(const std::optional<std::string>& a, const std::optional<std::string>& b) {
    return a < b;  // nullopt first
}

}  // namespace

Aggregator::Aggregator(AggregatorOptions options)
    : options_(options)
    , instances_(options.max_rows)
    , findings_(options.max_rows)
    , endpoints_(options.max_rows)
    , endpoint_user_agents_(options.max_rows)
    , user_agents_(options.max_rows)
    , clients_(options.max_rows)
    , processes_(options.max_rows)
    , identities_(options.max_rows)
    , operations_(options.max_rows)
    , out_of_scope_(options.max_rows)
    , tls_rejections_(options.max_rows)
    , refused_(options.max_rows)
    , upstream_errors_(options.max_rows)
    , timeline_(options.max_rows) {}

void Aggregator::add(const audit::EventRecord& record) {
    std::visit([this](const auto& r) { add(r); }, record);
}

void Aggregator::see(TimePoint ts, const std::string& instance) {
    ++totals_.records;
    widen(period_.first, period_.last, ts);
    auto& row = instances_.row(instance, [&] { return InstanceRow{instance, 0, {}, {}}; });
    ++row.records;
    widen(row.first_seen, row.last_seen, ts);
}

void Aggregator::add(const audit::RequestRecord& r) {
    see(r.ts, r.instance);
    const bool noncompliant = r.verdict == audit::RequestVerdict::noncompliant;
    ++totals_.requests;
    ++(noncompliant ? totals_.noncompliant : totals_.compliant);
    const bool warned = std::any_of(r.findings.begin(), r.findings.end(), [](const auto& f) {
        return f.severity == compliance::Severity::warning;
    });
    totals_.with_warnings += warned ? 1 : 0;
    totals_.rewritten += r.action == audit::Action::rewrite ? 1 : 0;
    totals_.blocked += r.action == audit::Action::block ? 1 : 0;

    if (r.error) {
        ++totals_.upstream_errors;
        const std::string_view reason = audit::to_string(*r.error);
        ++upstream_errors_.row(reason, [] { return std::uint64_t{0}; });
    }

    std::set<std::string_view> codes;
    for (const auto& finding : r.findings) {
        if (!codes.insert(finding.code).second) {
            continue;
        }
        auto& row = findings_.row(finding.code, [&] {
            return FindingRow{finding.code, 0, 0, 0, finding.message};
        });
        ++row.requests;
        ++(finding.severity == compliance::Severity::error ? row.as_error : row.as_warning);
    }

    const std::string endpoint =
        r.endpoint.empty() ? audit::classify_endpoint(r.method, r.path).endpoint : std::string();
    const std::string& ep = r.endpoint.empty() ? endpoint : r.endpoint;
    key_.assign(r.method).append(" ").append(ep);
    auto& endpoint_row =
        endpoints_.row(key_, [&] { return EndpointRow{r.method, ep, r.operation, 0, 0, 0}; });
    ++endpoint_row.calls;
    endpoint_row.noncompliant += noncompliant ? 1 : 0;

    key_.append("\n").append(r.ua ? "1" : "0").append(r.ua.value_or(""));
    auto& pair = endpoint_user_agents_.row(
        key_, [&] { return EndpointUserAgentRow{r.method, ep, r.ua, 0, 0, {}}; });
    ++pair.calls;
    pair.noncompliant += noncompliant ? 1 : 0;
    for (const auto& finding : r.findings) {
        const bool known = std::any_of(pair.findings.begin(), pair.findings.end(),
                                       [&](const auto& f) { return f.code == finding.code; });
        if (!known && pair.findings.size() < 32) {
            pair.findings.push_back(finding);
        }
    }

    key_.assign(r.ua ? "1" : "0").append(r.ua.value_or(""));
    auto& ua_row = user_agents_.row(key_, [&] {
        UserAgentRow row;
        row.ua = r.ua;
        if (r.client_process) {
            row.process_exe = r.client_process->exe;
        }
        return row;
    });
    ++ua_row.calls;
    ua_row.noncompliant += noncompliant ? 1 : 0;
    widen(ua_row.first_seen, ua_row.last_seen, r.ts);
    for (const auto& code : codes) {
        const auto at = std::lower_bound(ua_row.codes.begin(), ua_row.codes.end(), code);
        if ((at == ua_row.codes.end() || *at != code) && ua_row.codes.size() < 32) {
            ua_row.codes.insert(at, std::string(code));
        }
    }
    if (!ua_row.suggestion) {
        for (const auto& finding : r.findings) {
            if (finding.suggestion) {
                ua_row.suggestion = finding.suggestion;
                break;
            }
        }
    }

    const std::string address = client_address(r.client);
    auto& client = clients_.row(address, [&] { return ClientRow{address, 0, 0, {}, {}}; });
    ++client.requests;
    client.noncompliant += noncompliant ? 1 : 0;
    widen(client.first_seen, client.last_seen, r.ts);

    if (noncompliant) {
        const auto& process = r.client_process;
        key_.assign(process ? "1" : "0");
        if (process) {
            key_.append(process->exe).append("\n").append(process->cmd);
        }
        auto& row = processes_.row(key_, [&] {
            ProcessRow out;
            if (process) {
                out.exe = process->exe;
                out.cmd = process->cmd;
            }
            return out;
        });
        ++row.noncompliant;
        if (row.user_agents.size() < max_samples &&
            std::find(row.user_agents.begin(), row.user_agents.end(), r.ua) ==
                row.user_agents.end()) {
            row.user_agents.push_back(r.ua);
        }
        const std::string call = r.method + " " + ep;
        if (row.endpoints.size() < max_samples &&
            std::find(row.endpoints.begin(), row.endpoints.end(), call) == row.endpoints.end()) {
            row.endpoints.push_back(call);
        }
    }

    if (r.ua) {
        if (auto token = partner_identity(*r.ua)) {
            ++identities_.row(*token, [&] { return IdentityRow{*token, 0}; }).calls;
        }
    }

    if (r.operation) {
        ++operations_.row(*r.operation, [] { return std::uint64_t{0}; });
    } else {
        ++undocumented_calls_;
    }

    const auto minute = std::chrono::floor<std::chrono::minutes>(r.ts).time_since_epoch().count();
    auto& slot = timeline_.row(static_cast<std::int64_t>(minute), [&] {
        return TimelineRow{std::chrono::floor<std::chrono::minutes>(r.ts), 0, 0};
    });
    ++(noncompliant ? slot.noncompliant : slot.compliant);
}

void Aggregator::add(const audit::RefusedRecord& r) {
    see(r.ts, r.instance);
    ++totals_.refused;
    key_.assign(r.host ? "1" : "0")
        .append(r.host.value_or(""))
        .append("\n")
        .append(std::to_string(r.status))
        .append("\n")
        .append(r.error);
    ++refused_.row(key_, [&] { return RefusedRow{r.host, r.status, r.error, 0, false}; }).count;
}

void Aggregator::add(const audit::TlsClientRejectedRecord& r) {
    see(r.ts, r.instance);
    ++totals_.tls_rejections;
    key_.assign(r.host).append("\n").append(r.reason);
    auto& row = tls_rejections_.row(key_, [&] {
        return TlsRejectionRow{r.host, r.reason, 0, {}, {}};
    });
    ++row.count;
    widen(row.first_seen, row.last_seen, r.ts);
}

void Aggregator::add(const audit::OutOfScopeRecord& r) {
    see(r.ts, r.instance);
    const bool tunnel = r.via == audit::Via::tunnel;
    ++(tunnel ? totals_.tunnels : totals_.out_of_scope_requests);
    key_.assign(r.host).append(":").append(std::to_string(r.port));
    auto& row = out_of_scope_.row(key_, [&] { return OutOfScopeHostRow{r.host, r.port}; });
    ++(tunnel ? row.tunnels : row.requests);
    row.bytes_in += r.bytes_in;
    row.bytes_out += r.bytes_out;
}

void Aggregator::add(const audit::OutOfScopeSummaryRecord& r) {
    see(r.ts, r.instance);
    totals_.tunnels += r.tunnels;
    totals_.out_of_scope_requests += r.requests;
    key_.assign(r.host).append(":").append(std::to_string(r.port));
    auto& row = out_of_scope_.row(key_, [&] { return OutOfScopeHostRow{r.host, r.port}; });
    row.requests += r.requests;
    row.tunnels += r.tunnels;
    row.bytes_in += r.bytes_in;
    row.bytes_out += r.bytes_out;
}

void Aggregator::add(const audit::RunStartRecord& r) {
    see(r.ts, r.instance);
    add_config(r, true);
}

void Aggregator::add(const audit::RunStopRecord& r) {
    see(r.ts, r.instance);
    add_config(r, false);  // a log may begin after its run_start was rotated away
}

void Aggregator::add_config(const audit::RunInfo& info, bool start) {
    auto it = std::find_if(configs_.begin(), configs_.end(),
                           [&](const RunConfigRow& row) { return same_config(row, info); });
    if (it == configs_.end()) {
        if (configs_.size() >= max_config_rows) {
            ++configs_dropped_;
            return;
        }
        it = configs_.insert(
            configs_.end(),
            RunConfigRow{
                info.version, info.mode, info.identity, info.rules, info.scope, {}, 0, {}});
    }
    if (start) {
        ++it->runs;
        if (!it->first_start || info.ts < *it->first_start) {
            it->first_start = info.ts;
        }
    }
    if (it->instances.size() < max_config_instances &&
        std::find(it->instances.begin(), it->instances.end(), info.instance) ==
            it->instances.end()) {
        it->instances.push_back(info.instance);
    }
}

Summary Aggregator::summarize(const audit::OperationCatalog& catalog) const {
    Summary s;
    s.max_rows = options_.max_rows;
    s.period = period_;
    s.totals = totals_;
    s.totals.malformed_lines = malformed_lines_;
    s.totals.unknown_kind_records = unknown_kind_;
    s.totals.compliant_percent = totals_.requests == 0
                                     ? 0.0
                                     : 100.0 * static_cast<double>(totals_.compliant) /
                                           static_cast<double>(totals_.requests);
    s.configs = configs_;

    std::optional<compliance::Identity> identity;
    bool one_identity = !configs_.empty();
    for (const auto& config : configs_) {
        if (identity && !(*identity == config.identity)) {
            one_identity = false;
        }
        identity = config.identity;
    }
    s.expected_user_agent = compliance::expected_user_agent(
        one_identity && identity ? *identity : compliance::Identity{});

    s.instances = sorted<InstanceRow>(instances_,
                                      [](const auto& a, const auto& b) { return a.name < b.name; });
    s.findings = sorted<FindingRow>(findings_, [](const auto& a, const auto& b) {
        return std::tie(b.requests, a.code) < std::tie(a.requests, b.code);
    });
    s.endpoint_user_agents =
        sorted<EndpointUserAgentRow>(endpoint_user_agents_, [](const auto& a, const auto& b) {
            return std::tie(a.endpoint, a.method) < std::tie(b.endpoint, b.method) ||
                   (std::tie(a.endpoint, a.method) == std::tie(b.endpoint, b.method) &&
                    optional_less(a.ua, b.ua));
        });
    std::map<std::pair<std::string_view, std::string_view>, std::uint64_t> distinct;
    for (const auto& pair : s.endpoint_user_agents.rows) {
        ++distinct[{pair.method, pair.endpoint}];
    }
    s.endpoints = sorted<EndpointRow>(endpoints_, [](const auto& a, const auto& b) {
        return std::tie(b.calls, a.endpoint, a.method) < std::tie(a.calls, b.endpoint, b.method);
    });
    for (auto& row : s.endpoints.rows) {
        const auto it = distinct.find({row.method, row.endpoint});
        row.distinct_user_agents = it == distinct.end() ? 0 : it->second;
    }
    s.user_agents = sorted<UserAgentRow>(user_agents_, [](const auto& a, const auto& b) {
        return b.noncompliant < a.noncompliant ||
               (a.noncompliant == b.noncompliant &&
                (b.calls < a.calls || (a.calls == b.calls && optional_less(a.ua, b.ua))));
    });
    for (auto& row : s.user_agents.rows) {
        row.library = recognize_client_library(row.ua, row.process_exe, s.expected_user_agent);
    }
    s.clients = sorted<ClientRow>(clients_, [](const auto& a, const auto& b) {
        return std::tie(b.requests, a.address) < std::tie(a.requests, b.address);
    });
    s.noncompliant_processes = sorted<ProcessRow>(processes_, [](const auto& a, const auto& b) {
        return std::tie(b.noncompliant, a.exe, a.cmd) < std::tie(a.noncompliant, b.exe, b.cmd);
    });
    s.identities = sorted<IdentityRow>(identities_, [](const auto& a, const auto& b) {
        return std::tie(b.calls, a.token) < std::tie(a.calls, b.token);
    });
    s.tls_rejections = sorted<TlsRejectionRow>(tls_rejections_, [](const auto& a, const auto& b) {
        return std::tie(b.count, a.host, a.reason) < std::tie(a.count, b.host, b.reason);
    });
    s.out_of_scope_hosts =
        sorted<OutOfScopeHostRow>(out_of_scope_, [](const auto& a, const auto& b) {
            return std::tie(b.requests, b.tunnels, a.host, a.port) <
                   std::tie(a.requests, a.tunnels, b.host, b.port);
        });
    s.refused = sorted<RefusedRow>(refused_, [](const auto& a, const auto& b) {
        return b.count < a.count || (a.count == b.count && std::tie(a.host, a.status, a.error) <
                                                               std::tie(b.host, b.status, b.error));
    });

    // Which unseen calls went to audited hosts: judged against every scope the runs used,
    // or the default scope when no run_start was read.
    std::vector<audit::Scope> scopes;
    const auto add_scope = [&scopes](const config::ScopeConfig& scope) {
        try {
            scopes.push_back(audit::Scope::create(scope));
        } catch (const std::invalid_argument&) {
            // A pattern this version cannot compile: that scope judges nothing.
        }
    };
    for (const auto& config : configs_) {
        add_scope(config.scope);
    }
    if (configs_.empty()) {
        add_scope(config::ScopeConfig{});
    }
    const auto audited = [&scopes](std::string_view host) {
        return std::any_of(scopes.begin(), scopes.end(),
                           [&](const audit::Scope& scope) { return scope.intercepts(host); });
    };
    for (auto& row : s.out_of_scope_hosts.rows) {
        row.in_scope_host = audited(row.host);
    }
    for (auto& row : s.refused.rows) {
        row.in_scope_host = row.host && audited(*row.host);
    }

    for (const auto& [reason, count] : upstream_errors_.rows()) {
        s.upstream_errors.push_back(UpstreamErrorRow{reason, count});
    }
    if (const auto& other = upstream_errors_.other()) {
        s.upstream_errors.push_back(UpstreamErrorRow{"other", *other});
    }
    std::sort(s.upstream_errors.begin(), s.upstream_errors.end(), [](const auto& a, const auto& b) {
        return std::tie(b.count, a.reason) < std::tie(a.count, b.reason);
    });

    s.timeline = sorted<TimelineRow>(
        timeline_, [](const auto& a, const auto& b) { return a.minute < b.minute; });

    // API coverage: every catalog operation, and the calls the log names for each.
    Coverage& coverage = s.coverage;
    std::map<std::string, FamilyCoverage> families;
    std::set<std::string> known;
    for (const auto& operation : catalog.operations()) {
        const std::string name = operation.name();
        if (!known.insert(name).second) {
            continue;
        }
        auto& family = families[operation.family];
        family.family = operation.family;
        ++family.documented;
        ++coverage.documented;
        const auto it = operations_.rows().find(name);
        if (it != operations_.rows().end()) {
            ++family.used;
            ++coverage.used;
            coverage.operations.push_back(CoverageRow{name, operation.family, it->second});
        }
    }
    for (const auto& [name, calls] : operations_.rows()) {
        coverage.documented_calls += calls;
        if (!known.contains(name)) {
            coverage.operations.push_back(CoverageRow{name, "", calls});
        }
    }
    if (const auto& other = operations_.other()) {
        coverage.documented_calls += *other;
    }
    coverage.undocumented_calls = undocumented_calls_;
    std::sort(coverage.operations.begin(), coverage.operations.end(),
              [](const auto& a, const auto& b) {
                  return std::tie(b.calls, a.operation) < std::tie(a.calls, b.operation);
              });
    for (auto& [name, family] : families) {
        coverage.families.push_back(family);
    }

    s.judgement = judge(s);
    return s;
}

}  // namespace uaudit::report
