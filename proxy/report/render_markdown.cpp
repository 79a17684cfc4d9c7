#include "report/detail/escape.hpp"
#include "report/detail/fixes.hpp"
#include "report/detail/format.hpp"
#include "report/render.hpp"

#include <functional>
#include <string>
#include <vector>

namespace uaudit::report {
namespace {

using detail::markdown_escape;

std::string code(std::string_view text) {
    // Inline code cannot escape a backtick: fall back to escaped plain text.
    if (text.find('`') != std::string_view::npos || text.find('|') != std::string_view::npos) {
        return markdown_escape(text);
    }
    return "`" + detail::printable(text) + "`";  // code spans show < > & as written
}

std::string ua_text(const std::optional<std::string>& ua) {
    return ua ? (ua->empty() ? std::string("(empty)") : code(*ua))
              : std::string("*(no User-Agent)*");
}

std::string n(std::uint64_t value) {
    return std::to_string(value);
}

// A GitHub-flavoured table of at most `max` rows, and a line for the rest.
template <class Row>
void table(std::ostream& out, const Table<Row>& rows, std::size_t max,
           const std::vector<std::string>& headers,
           const std::function<std::vector<std::string>(const Row&)>& cells) {
    if (rows.rows.empty() && !rows.other) {
        out << "None.\n\n";
        return;
    }
    out << '|';
    for (const auto& h : headers) {
        out << ' ' << h << " |";
    }
    out << "\n|";
    for (std::size_t i = 0; i < headers.size(); ++i) {
        out << "---|";
    }
    out << '\n';
    std::size_t shown = 0;
    for (const auto& row : rows.rows) {
        if (shown++ == max) {
            break;
        }
        out << '|';
        for (const auto& cell : cells(row)) {
            out << ' ' << cell << " |";
        }
        out << '\n';
    }
    out << '\n';
    if (rows.rows.size() > max) {
        out << "*" << rows.rows.size() - max
            << " more rows are in the JSON report (`--format json`).*\n\n";
    }
    if (rows.other) {
        out << "*The table reached its cap; further rows were summed into an `other` row: ";
        const auto other = cells(*rows.other);
        for (std::size_t i = 0; i < other.size(); ++i) {
            if (!other[i].empty() && other[i] != "*(no User-Agent)*") {
                out << headers[i] << " " << other[i] << "; ";
            }
        }
        out << "*\n\n";
    }
}

void header(const Summary& s, std::ostream& out) {
    const auto verdict = to_string(s.judgement.verdict);
    out << "# uaudit report: " << verdict << "\n\n";
    out << "**Verdict: " << verdict << "**\n\n";
    for (const auto& reason : s.judgement.reasons) {
        out << "- " << markdown_escape(reason) << '\n';
    }
    out << '\n';
    out << "- Period: " << detail::when(s.period.first) << " to " << detail::when(s.period.last)
        << " (" << detail::span(s.period.first, s.period.last) << ")\n";
    out << "- Instances: ";
    bool first = true;
    for (const auto& row : s.instances.rows) {
        out << (first ? "" : ", ") << code(row.name) << " (" << row.records << " records)";
        first = false;
    }
    out << (first ? "none" : "") << "\n";
    out << "- Expected header: " << code(s.expected_user_agent) << "\n\n";
}

void configuration(const Summary& s, std::ostream& out) {
    out << "## Configuration judged against\n\n";
    if (s.configs.empty()) {
        out << "No `run_start` record was read: the logs do not say which configuration the "
               "proxy ran with. Verdicts are those the proxy recorded.\n\n";
        return;
    }
    out << "| instances | uaudit | mode | identity | version format | strict | scope |\n"
        << "|---|---|---|---|---|---|---|\n";
    for (const auto& c : s.configs) {
        std::string instances;
        for (const auto& i : c.instances) {
            instances += (instances.empty() ? "" : ", ") + code(i);
        }
        const auto part = [](const std::optional<std::string>& v) {
            return v ? code(*v) : std::string("any");
        };
        std::string scope = c.scope.include_default ? "default" : "";
        for (const auto& entry : c.scope.entries) {
            scope += (scope.empty() ? "" : ", ") + code(entry.host);
        }
        out << "| " << instances << " | " << code(c.version) << " | " << config::to_string(c.mode)
            << " | company " << part(c.identity.company) << ", product " << part(c.identity.product)
            << ", version " << part(c.identity.version) << " | "
            << compliance::to_string(c.rules.version_format) << " | "
            << (c.rules.strict ? "yes" : "no") << " | " << scope << " |\n";
    }
    out << '\n';
}

void totals(const Summary& s, std::ostream& out) {
    const auto& t = s.totals;
    out << "## Totals\n\n"
        << "| in-scope requests | compliant | noncompliant | compliant % | with warnings | "
           "rewritten | blocked | upstream errors | TLS rejections | refused | out-of-scope "
           "requests | tunnels | malformed lines |\n"
        << "|---|---|---|---|---|---|---|---|---|---|---|---|---|\n"
        << "| " << t.requests << " | " << t.compliant << " | " << t.noncompliant << " | "
        << detail::percent(t.compliant_percent) << " | " << t.with_warnings << " | " << t.rewritten
        << " | " << t.blocked << " | " << t.upstream_errors << " | " << t.tls_rejections << " | "
        << t.refused << " | " << t.out_of_scope_requests << " | " << t.tunnels << " | "
        << t.malformed_lines << " |\n\n";
}

void fixes(const Summary& s, std::ostream& out) {
    const auto groups = detail::fix_groups(s);
    if (groups.empty()) {
        return;
    }
    out << "## How to fix the noncompliant calls\n\n"
        << "Every call must send " << code("User-Agent: " + s.expected_user_agent) << ".\n\n";
    for (const auto& group : groups) {
        out << "### " << (group.library ? markdown_escape(group.library->name) : "Other clients")
            << " (" << group.noncompliant << " noncompliant calls)\n\n";
        out << "User-Agents: ";
        for (std::size_t i = 0; i < group.user_agents.size(); ++i) {
            out << (i == 0 ? "" : ", ") << ua_text(group.user_agents[i]);
        }
        out << "\n\n";
        if (group.library) {
            if (group.library->from_process) {
                out << "*No header was sent; the library is guessed from the client "
                       "process.*\n\n";
            }
            out << "```" << group.library->language << '\n'
                << detail::valid_utf8(group.library->snippet) << "```\n\n";
        } else {
            out << "Set the header in the code that sends these calls.\n\n";
        }
    }
}

}  // namespace

void render_markdown(const Summary& s, std::ostream& out, const RenderOptions& options) {
    const std::size_t max = options.max_listed;
    header(s, out);
    totals(s, out);

    out << "## Findings by code\n\n";
    table<FindingRow>(out, s.findings, max,
                      {"code", "requests", "as error", "as warning", "example"},
                      [](const FindingRow& r) -> std::vector<std::string> {
                          return {r.code.empty() ? "" : code(r.code), n(r.requests), n(r.as_error),
                                  n(r.as_warning), markdown_escape(r.example_message)};
                      });

    fixes(s, out);

    out << "## Noncompliant calls by client process\n\n";
    table<ProcessRow>(out, s.noncompliant_processes, max,
                      {"process", "command", "noncompliant calls", "User-Agents", "endpoints"},
                      [](const ProcessRow& r) -> std::vector<std::string> {
                          std::string uas;
                          for (const auto& ua : r.user_agents) {
                              uas += (uas.empty() ? "" : ", ") + ua_text(ua);
                          }
                          std::string endpoints;
                          for (const auto& e : r.endpoints) {
                              endpoints += (endpoints.empty() ? "" : ", ") + code(e);
                          }
                          return {r.exe ? code(*r.exe) : "*(unknown)*", r.cmd ? code(*r.cmd) : "",
                                  n(r.noncompliant), uas, endpoints};
                      });

    out << "## User-Agents\n\n";
    table<UserAgentRow>(out, s.user_agents, max,
                        {"User-Agent", "calls", "noncompliant", "verdict", "findings", "library",
                         "first seen", "last seen"},
                        [](const UserAgentRow& r) -> std::vector<std::string> {
                            std::string codes;
                            for (const auto& c : r.codes) {
                                codes += (codes.empty() ? "" : " ") + c;
                            }
                            return {ua_text(r.ua),
                                    n(r.calls),
                                    n(r.noncompliant),
                                    std::string(r.verdict()),
                                    codes,
                                    r.library ? markdown_escape(r.library->name) : "",
                                    detail::when(r.first_seen),
                                    detail::when(r.last_seen)};
                        });

    out << "## Endpoints\n\n";
    table<EndpointRow>(
        out, s.endpoints, max,
        {"method", "endpoint", "operation", "calls", "noncompliant", "distinct User-Agents"},
        [](const EndpointRow& r) -> std::vector<std::string> {
            return {code(r.method),
                    code(r.endpoint),
                    r.operation ? code(*r.operation) : "*undocumented*",
                    n(r.calls),
                    n(r.noncompliant),
                    n(r.distinct_user_agents)};
        });

    const auto& c = s.coverage;
    out << "## API coverage\n\n"
        << c.used << " of " << c.documented << " documented operations used; "
        << c.undocumented_calls << " calls to undocumented paths.\n\n";
    Table<CoverageRow> used{c.operations, std::nullopt};
    table<CoverageRow>(
        out, used, max, {"operation", "family", "calls"},
        [](const CoverageRow& r) -> std::vector<std::string> {
            return {code(r.operation),
                    r.family.empty() ? "*not in catalog*" : markdown_escape(r.family), n(r.calls)};
        });

    if (s.identities.rows.size() > 1 || s.identities.truncated()) {
        out << "## MdePartner identities (UA100)\n\n";
        table<IdentityRow>(out, s.identities, max, {"token", "calls"},
                           [](const IdentityRow& r) -> std::vector<std::string> {
                               return {r.token.empty() ? "" : code(r.token), n(r.calls)};
                           });
    }

    out << "## Clients\n\n";
    table<ClientRow>(
        out, s.clients, max, {"address", "requests", "noncompliant", "first seen", "last seen"},
        [](const ClientRow& r) -> std::vector<std::string> {
            return {r.address.empty() ? "" : code(r.address), n(r.requests), n(r.noncompliant),
                    detail::when(r.first_seen), detail::when(r.last_seen)};
        });

    out << "## TLS rejections\n\n";
    table<TlsRejectionRow>(
        out, s.tls_rejections, max, {"host", "reason", "count", "first seen", "last seen"},
        [](const TlsRejectionRow& r) -> std::vector<std::string> {
            return {r.host.empty() ? "" : code(r.host), r.reason.empty() ? "" : code(r.reason),
                    n(r.count), detail::when(r.first_seen), detail::when(r.last_seen)};
        });

    out << "## Refused requests\n\n";
    table<RefusedRow>(out, s.refused, max, {"host", "status", "error", "count", "in-scope host"},
                      [](const RefusedRow& r) -> std::vector<std::string> {
                          return {r.host ? code(*r.host) : "-", n(r.status),
                                  r.error.empty() ? "" : code(r.error), n(r.count),
                                  r.in_scope_host ? "yes" : "no"};
                      });

    out << "## Out-of-scope hosts\n\n";
    table<OutOfScopeHostRow>(
        out, s.out_of_scope_hosts, max,
        {"host", "port", "requests", "tunnels", "bytes in", "bytes out", "in-scope host"},
        [](const OutOfScopeHostRow& r) -> std::vector<std::string> {
            return {r.host.empty() ? "" : code(r.host),
                    n(r.port),
                    n(r.requests),
                    n(r.tunnels),
                    detail::bytes(r.bytes_in),
                    detail::bytes(r.bytes_out),
                    r.in_scope_host ? "yes" : "no"};
        });

    out << "## Exchange errors\n\n";
    if (s.upstream_errors.empty()) {
        out << "None.\n\n";
    } else {
        out << "| reason | count |\n|---|---|\n";
        for (const auto& row : s.upstream_errors) {
            out << "| " << code(row.reason) << " | " << row.count << " |\n";
        }
        out << '\n';
    }

    configuration(s, out);

    out << "## Timeline (per minute, UTC)\n\n";
    table<TimelineRow>(out, s.timeline, max, {"minute", "compliant", "noncompliant"},
                       [](const TimelineRow& r) -> std::vector<std::string> {
                           return {detail::when(r.minute), n(r.compliant), n(r.noncompliant)};
                       });
    out << "*Generated by uaudit; `--format json` gives every row.*\n";
}

}  // namespace uaudit::report
