#include "audit/event_json.hpp"
#include "audit/timestamp.hpp"
#include "core/version.hpp"
#include "report/detail/escape.hpp"
#include "report/render.hpp"

namespace uaudit::report {
namespace {

namespace json = boost::json;

json::string text(std::string_view value) {
    return json::string(detail::valid_utf8(value));
}

json::value nullable(const std::optional<std::string>& value) {
    return value ? json::value(text(*value)) : json::value(nullptr);
}

json::value time(const std::optional<TimePoint>& value) {
    return value ? json::value(json::string(audit::format_timestamp(*value))) : json::value();
}

json::array strings(const std::vector<std::string>& values) {
    json::array out;
    for (const auto& value : values) {
        out.emplace_back(text(value));
    }
    return out;
}

template <class Row, class Convert>
json::object table(const Table<Row>& rows, Convert convert) {
    json::array list;
    list.reserve(rows.rows.size());
    for (const auto& row : rows.rows) {
        list.emplace_back(convert(row));
    }
    json::object out;
    out["rows"] = std::move(list);
    out["other"] = rows.other ? json::value(convert(*rows.other)) : json::value();
    return out;
}

json::object findings_json(const std::vector<compliance::Finding>& findings) {
    json::object out;
    json::array list;
    for (const auto& finding : findings) {
        json::object item;
        item["code"] = finding.code;
        item["severity"] = compliance::to_string(finding.severity);
        item["message"] = text(finding.message);
        if (finding.suggestion) {
            item["suggestion"] = text(*finding.suggestion);
        }
        list.emplace_back(std::move(item));
    }
    out["findings"] = std::move(list);
    return out;
}

json::object config_json(const RunConfigRow& row) {
    // The record writer's own form of identity, rules and scope, so both read alike.
    audit::RunStartRecord record;
    record.identity = row.identity;
    record.rules = row.rules;
    record.scope = row.scope;
    const json::object written = audit::to_json(record);
    json::object out;
    out["version"] = text(row.version);
    out["mode"] = config::to_string(row.mode);
    out["identity"] = written.at("identity");
    out["rules"] = written.at("rules");
    out["scope"] = written.at("scope");
    out["expected_user_agent"] = compliance::expected_user_agent(row.identity);
    out["instances"] = strings(row.instances);
    out["runs"] = row.runs;
    out["first_start"] = time(row.first_start);
    return out;
}

json::value library_json(const std::optional<ClientLibrary>& library) {
    if (!library) {
        return nullptr;
    }
    return json::object{{"id", library->id},
                        {"name", library->name},
                        {"language", library->language},
                        {"from_process", library->from_process},
                        {"snippet", text(library->snippet)}};
}

json::object totals_json(const Totals& t) {
    return json::object{{"requests", t.requests},
                        {"compliant", t.compliant},
                        {"noncompliant", t.noncompliant},
                        {"compliant_percent", t.compliant_percent},
                        {"with_warnings", t.with_warnings},
                        {"rewritten", t.rewritten},
                        {"blocked", t.blocked},
                        {"upstream_errors", t.upstream_errors},
                        {"tls_rejections", t.tls_rejections},
                        {"refused", t.refused},
                        {"out_of_scope_requests", t.out_of_scope_requests},
                        {"tunnels", t.tunnels},
                        {"records", t.records},
                        {"unknown_kind_records", t.unknown_kind_records},
                        {"malformed_lines", t.malformed_lines}};
}

json::object coverage_json(const Coverage& c) {
    json::array operations;
    for (const auto& row : c.operations) {
        operations.emplace_back(json::object{
            {"operation", text(row.operation)},
            {"family", row.family.empty() ? json::value() : json::value(text(row.family))},
            {"calls", row.calls}});
    }
    json::array families;
    for (const auto& row : c.families) {
        families.emplace_back(json::object{
            {"family", text(row.family)}, {"documented", row.documented}, {"used", row.used}});
    }
    return json::object{
        {"documented_operations", c.documented},  {"used_operations", c.used},
        {"documented_calls", c.documented_calls}, {"undocumented_calls", c.undocumented_calls},
        {"operations", std::move(operations)},    {"families", std::move(families)}};
}

}  // namespace

json::object to_json(const Summary& s) {
    json::object out;
    out["schema"] = json_schema;
    out["generator"] = json::object{{"name", "uaudit"}, {"version", core::version()}};
    out["verdict"] = to_string(s.judgement.verdict);
    out["reasons"] = strings(s.judgement.reasons);
    out["period"] = json::object{{"first", time(s.period.first)}, {"last", time(s.period.last)}};
    out["max_rows"] = s.max_rows;
    out["totals"] = totals_json(s.totals);
    json::array configs;
    for (const auto& config : s.configs) {
        configs.emplace_back(config_json(config));
    }
    out["configurations"] = std::move(configs);
    out["expected_user_agent"] = text(s.expected_user_agent);
    out["instances"] = table(s.instances, [](const InstanceRow& r) {
        return json::object{{"name", text(r.name)},
                            {"records", r.records},
                            {"first_seen", time(r.first_seen)},
                            {"last_seen", time(r.last_seen)}};
    });
    out["findings"] = table(s.findings, [](const FindingRow& r) {
        return json::object{{"code", text(r.code)},
                            {"requests", r.requests},
                            {"as_error", r.as_error},
                            {"as_warning", r.as_warning},
                            {"example_message", text(r.example_message)}};
    });
    out["endpoints"] = table(s.endpoints, [](const EndpointRow& r) {
        return json::object{
            {"method", text(r.method)},           {"endpoint", text(r.endpoint)},
            {"operation", nullable(r.operation)}, {"calls", r.calls},
            {"noncompliant", r.noncompliant},     {"distinct_user_agents", r.distinct_user_agents}};
    });
    out["endpoint_user_agents"] = table(s.endpoint_user_agents, [](const EndpointUserAgentRow& r) {
        json::object row{{"method", text(r.method)},
                         {"endpoint", text(r.endpoint)},
                         {"ua", nullable(r.ua)},
                         {"calls", r.calls},
                         {"noncompliant", r.noncompliant}};
        row["findings"] = findings_json(r.findings).at("findings");
        return row;
    });
    out["api_coverage"] = coverage_json(s.coverage);
    out["user_agents"] = table(s.user_agents, [](const UserAgentRow& r) {
        return json::object{{"ua", nullable(r.ua)},
                            {"calls", r.calls},
                            {"noncompliant", r.noncompliant},
                            {"verdict", r.verdict()},
                            {"codes", strings(r.codes)},
                            {"suggestion", nullable(r.suggestion)},
                            {"first_seen", time(r.first_seen)},
                            {"last_seen", time(r.last_seen)},
                            {"library", library_json(r.library)}};
    });
    out["clients"] = table(s.clients, [](const ClientRow& r) {
        return json::object{{"address", text(r.address)},
                            {"requests", r.requests},
                            {"noncompliant", r.noncompliant},
                            {"first_seen", time(r.first_seen)},
                            {"last_seen", time(r.last_seen)}};
    });
    out["noncompliant_processes"] = table(s.noncompliant_processes, [](const ProcessRow& r) {
        json::array uas;
        for (const auto& ua : r.user_agents) {
            uas.emplace_back(nullable(ua));
        }
        return json::object{{"exe", nullable(r.exe)},
                            {"cmd", nullable(r.cmd)},
                            {"noncompliant", r.noncompliant},
                            {"user_agents", std::move(uas)},
                            {"endpoints", strings(r.endpoints)}};
    });
    const std::size_t identities = s.identities.rows.size() + (s.identities.truncated() ? 1 : 0);
    json::object ua100 = table(s.identities, [](const IdentityRow& r) {
        return json::object{{"token", text(r.token)}, {"calls", r.calls}};
    });
    ua100["warning"] = identities > 1;
    out["identities"] = std::move(ua100);
    out["out_of_scope_hosts"] = table(s.out_of_scope_hosts, [](const OutOfScopeHostRow& r) {
        return json::object{{"host", text(r.host)},
                            {"port", r.port},
                            {"requests", r.requests},
                            {"tunnels", r.tunnels},
                            {"bytes_in", r.bytes_in},
                            {"bytes_out", r.bytes_out},
                            {"in_scope_host", r.in_scope_host}};
    });
    out["tls_rejections"] = table(s.tls_rejections, [](const TlsRejectionRow& r) {
        return json::object{{"host", text(r.host)},
                            {"reason", text(r.reason)},
                            {"count", r.count},
                            {"first_seen", time(r.first_seen)},
                            {"last_seen", time(r.last_seen)}};
    });
    out["refused"] = table(s.refused, [](const RefusedRow& r) {
        return json::object{{"host", nullable(r.host)},
                            {"status", r.status},
                            {"error", text(r.error)},
                            {"count", r.count},
                            {"in_scope_host", r.in_scope_host}};
    });
    json::array errors;
    for (const auto& row : s.upstream_errors) {
        errors.emplace_back(json::object{{"reason", text(row.reason)}, {"count", row.count}});
    }
    out["upstream_errors"] = std::move(errors);
    out["timeline"] = table(s.timeline, [](const TimelineRow& r) {
        return json::object{{"minute", audit::format_timestamp(r.minute)},
                            {"compliant", r.compliant},
                            {"noncompliant", r.noncompliant}};
    });
    return out;
}

void render_json(const Summary& summary, std::ostream& out) {
    out << boost::json::serialize(to_json(summary)) << '\n';
}

}  // namespace uaudit::report
