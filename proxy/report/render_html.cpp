#include "core/version.hpp"
#include "report/detail/escape.hpp"
#include "report/detail/fixes.hpp"
#include "report/detail/format.hpp"
#include "report/detail/svg.hpp"
#include "report/render.hpp"

#include <functional>
#include <string>
#include <vector>

namespace uaudit::report {
namespace {

using detail::xml_escape;

constexpr std::string_view style = R"css(
:root { --ok: #1a7f37; --bad: #c62828; --warn: #b26a00; --muted: #57606a; --line: #d0d7de; }
* { box-sizing: border-box; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2328;
       max-width: 1200px; margin: 0 auto; padding: 24px; }
h1 { font-size: 1.6em; margin: 0 0 12px; }
h2 { font-size: 1.25em; margin: 32px 0 8px; border-bottom: 1px solid var(--line);
     padding-bottom: 4px; }
h3 { font-size: 1.05em; margin: 20px 0 6px; }
.verdict { border-radius: 8px; padding: 16px 20px; color: #fff; margin-bottom: 16px; }
.verdict .label { font-size: 2em; font-weight: 700; letter-spacing: .04em; }
.verdict ul { margin: 8px 0 0; padding-left: 20px; }
.v-PASS { background: var(--ok); } .v-WARN { background: var(--warn); }
.v-FAIL { background: var(--bad); } .v-NO-DATA { background: #444c56; }
.meta { color: var(--muted); margin: 0 0 16px; }
.cards { display: flex; flex-wrap: wrap; gap: 10px; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 8px 12px; min-width: 120px; }
.card b { display: block; font-size: 1.4em; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 10px; font-size: .92em; }
th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left;
         vertical-align: top; overflow-wrap: anywhere; }
th { background: #f6f8fa; white-space: nowrap; }
td:first-child code { white-space: nowrap; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
code, pre { font-family: ui-monospace, "SFMono-Regular", Consolas, monospace; font-size: .9em; }
pre { background: #f6f8fa; border: 1px solid var(--line); border-radius: 6px; padding: 10px;
      overflow-x: auto; white-space: pre-wrap; }
.bad-text { color: var(--bad); font-weight: 600; } .ok-text { color: var(--ok); }
.note { color: var(--muted); font-style: italic; }
svg.chart { width: 100%; height: auto; max-height: 260px; font: 11px sans-serif; }
svg .ok { fill: var(--ok); } svg .bad { fill: var(--bad); } svg .warn { fill: var(--warn); }
svg .axis { stroke: #8c959f; }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  .verdict, svg rect, th { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  h2 { break-after: avoid; } tr, pre, svg { break-inside: avoid; }
}
)css";

std::string n(std::uint64_t value) {
    return std::to_string(value);
}

std::string code(std::string_view text) {
    return "<code>" + xml_escape(text) + "</code>";
}

std::string ua_html(const std::optional<std::string>& ua) {
    return ua ? (ua->empty() ? std::string("<em>(empty)</em>") : code(*ua))
              : std::string("<em>(no User-Agent)</em>");
}

struct Column {
    std::string title;
    bool numeric = false;
};

template <class Row>
void table(std::ostream& out, const Table<Row>& rows, std::size_t max,
           const std::vector<Column>& columns,
           const std::function<std::vector<std::string>(const Row&)>& cells) {
    if (rows.rows.empty() && !rows.other) {
        out << "<p class=\"note\">None.</p>\n";
        return;
    }
    out << "<table><thead><tr>";
    for (const auto& c : columns) {
        out << "<th>" << xml_escape(c.title) << "</th>";
    }
    out << "</tr></thead><tbody>\n";
    const auto row_html = [&](const std::vector<std::string>& values) {
        out << "<tr>";
        for (std::size_t i = 0; i < values.size() && i < columns.size(); ++i) {
            out << (columns[i].numeric ? "<td class=\"n\">" : "<td>") << values[i] << "</td>";
        }
        out << "</tr>\n";
    };
    std::size_t shown = 0;
    for (const auto& row : rows.rows) {
        if (shown++ == max) {
            break;
        }
        row_html(cells(row));
    }
    if (rows.other) {
        auto values = cells(*rows.other);
        values[0] = "<em>other (over the cap)</em>";
        row_html(values);
    }
    out << "</tbody></table>\n";
    if (rows.rows.size() > max) {
        out << "<p class=\"note\">" << rows.rows.size() - max
            << " more rows are in the JSON report.</p>\n";
    }
}

void verdict_block(const Summary& s, std::ostream& out) {
    const auto verdict = to_string(s.judgement.verdict);
    out << "<section class=\"verdict v-" << verdict << "\"><div class=\"label\">" << verdict
        << "</div><ul>";
    for (const auto& reason : s.judgement.reasons) {
        out << "<li>" << xml_escape(reason) << "</li>";
    }
    out << "</ul></section>\n";
    out << "<p class=\"meta\">" << xml_escape(detail::when(s.period.first)) << " to "
        << xml_escape(detail::when(s.period.last)) << " ("
        << xml_escape(detail::span(s.period.first, s.period.last)) << ") &middot; instances: ";
    bool first = true;
    for (const auto& row : s.instances.rows) {
        out << (first ? "" : ", ") << code(row.name);
        first = false;
    }
    out << (first ? "none" : "") << " &middot; expected header: " << code(s.expected_user_agent)
        << "</p>\n";
}

void totals_cards(const Summary& s, std::ostream& out) {
    const auto& t = s.totals;
    const auto card = [&](std::string_view label, const std::string& value,
                          std::string_view cls = "") {
        out << "<div class=\"card\"><b class=\"" << cls << "\">" << value << "</b>" << label
            << "</div>";
    };
    out << "<div class=\"cards\">";
    card("in-scope requests", n(t.requests));
    card("compliant", detail::percent(t.compliant_percent), "ok-text");
    card("noncompliant", n(t.noncompliant), t.noncompliant > 0 ? "bad-text" : "");
    card("with warnings", n(t.with_warnings));
    card("rewritten", n(t.rewritten));
    card("blocked", n(t.blocked));
    card("upstream errors", n(t.upstream_errors));
    card("TLS rejections", n(t.tls_rejections), t.tls_rejections > 0 ? "bad-text" : "");
    card("refused", n(t.refused));
    card("out-of-scope requests", n(t.out_of_scope_requests));
    card("tunnels", n(t.tunnels));
    card("malformed lines", n(t.malformed_lines));
    out << "</div>\n";
}

void fixes(const Summary& s, std::ostream& out) {
    const auto groups = detail::fix_groups(s);
    if (groups.empty()) {
        return;
    }
    out << "<h2 id=\"fixes\">How to fix the noncompliant calls</h2>\n<p>Every call must send "
        << code("User-Agent: " + s.expected_user_agent) << ".</p>\n";
    for (const auto& g : groups) {
        out << "<h3>" << xml_escape(g.library ? g.library->name : "Other clients") << " ("
            << g.noncompliant << " noncompliant calls)</h3>\n<p>User-Agents: ";
        for (std::size_t i = 0; i < g.user_agents.size(); ++i) {
            out << (i == 0 ? "" : ", ") << ua_html(g.user_agents[i]);
        }
        out << "</p>\n";
        if (g.library) {
            if (g.library->from_process) {
                out << "<p class=\"note\">No header was sent; the library is guessed from the "
                       "client process.</p>\n";
            }
            out << "<pre><code>" << xml_escape(g.library->snippet) << "</code></pre>\n";
        } else {
            out << "<p>Set the header in the code that sends these calls.</p>\n";
        }
    }
}

}  // namespace

void render_html(const Summary& s, std::ostream& out, const RenderOptions& options) {
    const std::size_t max = options.max_listed;
    const auto verdict = to_string(s.judgement.verdict);
    out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        << "<title>uaudit report: " << verdict << "</title>\n<style>" << style
        << "</style>\n</head>\n<body>\n<h1>uaudit report</h1>\n";
    verdict_block(s, out);
    totals_cards(s, out);

    out << "<h2>Timeline (compliant vs noncompliant, UTC)</h2>\n"
        << detail::timeline_chart(s.timeline) << '\n';
    out << "<h2>Findings by code</h2>\n" << detail::findings_chart(s.findings) << '\n';
    table<FindingRow>(
        out, s.findings, max,
        {{"code"}, {"requests", true}, {"as error", true}, {"as warning", true}, {"example"}},
        [](const FindingRow& r) -> std::vector<std::string> {
            return {code(r.code), n(r.requests), n(r.as_error), n(r.as_warning),
                    xml_escape(r.example_message)};
        });

    fixes(s, out);

    out << "<h2>Noncompliant calls by client process</h2>\n";
    table<ProcessRow>(
        out, s.noncompliant_processes, max,
        {{"process"}, {"command"}, {"noncompliant", true}, {"User-Agents"}, {"endpoints"}},
        [](const ProcessRow& r) -> std::vector<std::string> {
            std::string uas;
            for (const auto& ua : r.user_agents) {
                uas += (uas.empty() ? "" : "<br>") + ua_html(ua);
            }
            std::string endpoints;
            for (const auto& e : r.endpoints) {
                endpoints += (endpoints.empty() ? "" : "<br>") + code(e);
            }
            return {r.exe ? code(*r.exe) : "<em>(unknown)</em>", r.cmd ? code(*r.cmd) : "",
                    n(r.noncompliant), uas, endpoints};
        });

    out << "<h2>User-Agents</h2>\n";
    table<UserAgentRow>(
        out, s.user_agents, max,
        {{"User-Agent"},
         {"calls", true},
         {"noncompliant", true},
         {"verdict"},
         {"findings"},
         {"library"},
         {"first seen"},
         {"last seen"}},
        [](const UserAgentRow& r) -> std::vector<std::string> {
            std::string codes;
            for (const auto& c : r.codes) {
                codes += (codes.empty() ? "" : " ") + xml_escape(c);
            }
            const bool bad = r.noncompliant > 0;
            return {ua_html(r.ua),
                    n(r.calls),
                    n(r.noncompliant),
                    std::string(bad ? "<span class=\"bad-text\">" : "<span class=\"ok-text\">") +
                        std::string(r.verdict()) + "</span>",
                    codes,
                    r.library ? xml_escape(r.library->name) : "",
                    xml_escape(detail::when(r.first_seen)),
                    xml_escape(detail::when(r.last_seen))};
        });

    out << "<h2>Endpoints</h2>\n";
    table<EndpointRow>(out, s.endpoints, max,
                       {{"method"},
                        {"endpoint"},
                        {"operation"},
                        {"calls", true},
                        {"noncompliant", true},
                        {"distinct User-Agents", true}},
                       [](const EndpointRow& r) -> std::vector<std::string> {
                           return {code(r.method),
                                   code(r.endpoint),
                                   r.operation ? code(*r.operation) : "<em>undocumented</em>",
                                   n(r.calls),
                                   n(r.noncompliant),
                                   n(r.distinct_user_agents)};
                       });

    const auto& c = s.coverage;
    out << "<h2>API coverage</h2>\n<p>" << c.used << " of " << c.documented
        << " documented operations used; " << c.undocumented_calls
        << " calls to undocumented paths.</p>\n";
    Table<CoverageRow> used{c.operations, std::nullopt};
    table<CoverageRow>(out, used, max, {{"operation"}, {"family"}, {"calls", true}},
                       [](const CoverageRow& r) -> std::vector<std::string> {
                           return {
                               code(r.operation),
                               r.family.empty() ? "<em>not in catalog</em>" : xml_escape(r.family),
                               n(r.calls)};
                       });

    if (s.identities.rows.size() > 1 || s.identities.truncated()) {
        out << "<h2>MdePartner identities (UA100)</h2>\n";
        table<IdentityRow>(out, s.identities, max, {{"token"}, {"calls", true}},
                           [](const IdentityRow& r) -> std::vector<std::string> {
                               return {code(r.token), n(r.calls)};
                           });
    }

    out << "<h2>Clients</h2>\n";
    table<ClientRow>(
        out, s.clients, max,
        {{"address"}, {"requests", true}, {"noncompliant", true}, {"first seen"}, {"last seen"}},
        [](const ClientRow& r) -> std::vector<std::string> {
            return {code(r.address), n(r.requests), n(r.noncompliant),
                    xml_escape(detail::when(r.first_seen)), xml_escape(detail::when(r.last_seen))};
        });

    out << "<h2>TLS rejections</h2>\n";
    table<TlsRejectionRow>(out, s.tls_rejections, max,
                           {{"host"}, {"reason"}, {"count", true}, {"first seen"}, {"last seen"}},
                           [](const TlsRejectionRow& r) -> std::vector<std::string> {
                               return {code(r.host), code(r.reason), n(r.count),
                                       xml_escape(detail::when(r.first_seen)),
                                       xml_escape(detail::when(r.last_seen))};
                           });

    out << "<h2>Refused requests</h2>\n";
    table<RefusedRow>(out, s.refused, max,
                      {{"host"}, {"status", true}, {"error"}, {"count", true}, {"in-scope host"}},
                      [](const RefusedRow& r) -> std::vector<std::string> {
                          return {r.host ? code(*r.host) : "-", n(r.status), code(r.error),
                                  n(r.count), r.in_scope_host ? "yes" : "no"};
                      });

    out << "<h2>Out-of-scope hosts</h2>\n";
    table<OutOfScopeHostRow>(out, s.out_of_scope_hosts, max,
                             {{"host"},
                              {"port", true},
                              {"requests", true},
                              {"tunnels", true},
                              {"bytes in", true},
                              {"bytes out", true},
                              {"in-scope host"}},
                             [](const OutOfScopeHostRow& r) -> std::vector<std::string> {
                                 return {code(r.host),
                                         n(r.port),
                                         n(r.requests),
                                         n(r.tunnels),
                                         xml_escape(detail::bytes(r.bytes_in)),
                                         xml_escape(detail::bytes(r.bytes_out)),
                                         r.in_scope_host ? "yes" : "no"};
                             });

    out << "<h2>Exchange errors</h2>\n";
    Table<UpstreamErrorRow> errors{s.upstream_errors, std::nullopt};
    table<UpstreamErrorRow>(out, errors, max, {{"reason"}, {"count", true}},
                            [](const UpstreamErrorRow& r) -> std::vector<std::string> {
                                return {code(r.reason), n(r.count)};
                            });

    out << "<h2>Configuration judged against</h2>\n";
    if (s.configs.empty()) {
        out << "<p class=\"note\">No run_start record was read: the logs do not say which "
               "configuration the proxy ran with.</p>\n";
    } else {
        Table<RunConfigRow> configs{s.configs, std::nullopt};
        table<RunConfigRow>(out, configs, max,
                            {{"instances"},
                             {"uaudit"},
                             {"mode"},
                             {"identity"},
                             {"version format"},
                             {"strict"},
                             {"scope"}},
                            [](const RunConfigRow& r) -> std::vector<std::string> {
                                std::string instances;
                                for (const auto& i : r.instances) {
                                    instances += (instances.empty() ? "" : ", ") + code(i);
                                }
                                const auto part = [](const std::optional<std::string>& v) {
                                    return v ? code(*v) : std::string("any");
                                };
                                std::string scope = r.scope.include_default ? "default" : "";
                                for (const auto& entry : r.scope.entries) {
                                    scope += (scope.empty() ? "" : ", ") + code(entry.host);
                                }
                                return {instances,
                                        code(r.version),
                                        std::string(config::to_string(r.mode)),
                                        "company " + part(r.identity.company) + ", product " +
                                            part(r.identity.product) + ", version " +
                                            part(r.identity.version),
                                        std::string(compliance::to_string(r.rules.version_format)),
                                        r.rules.strict ? "yes" : "no",
                                        scope};
                            });
    }
    out << "<p class=\"note\">Generated by uaudit " << xml_escape(core::version())
        << ". The JSON report (<code>--format json</code>) has every row.</p>\n</body>\n</html>\n";
}

}  // namespace uaudit::report
