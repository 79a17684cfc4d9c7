#include "audit/event_json.hpp"

#include "audit/detail/json_line.hpp"
#include "audit/detail/json_text.hpp"
#include "audit/detail/record_reader.hpp"
#include "audit/timestamp.hpp"

namespace uaudit::audit {

namespace json = boost::json;

namespace {

using detail::round_ms;
using detail::valid_utf8;

json::value text_or_null(const std::optional<std::string>& text) {
    return text ? json::value(valid_utf8(*text)) : json::value(nullptr);
}

json::array string_array(const std::vector<std::string>& values) {
    json::array out;
    out.reserve(values.size());
    for (const auto& value : values) {
        out.emplace_back(valid_utf8(value));
    }
    return out;
}

// v, ts, id, instance, kind: the head of every record (summaries have no id).
json::object head(TimePoint ts, const std::string* id, const std::string& instance,
                  std::string_view kind) {
    json::object out;
    out["v"] = event_format_version;
    out["ts"] = format_timestamp(ts);
    if (id != nullptr) {
        out["id"] = valid_utf8(*id);
    }
    out["instance"] = valid_utf8(instance);
    out["kind"] = kind;
    return out;
}

json::value to_json(const compliance::Identity& identity) {
    return json::object{{"company", text_or_null(identity.company)},
                        {"product", text_or_null(identity.product)},
                        {"version", text_or_null(identity.version)}};
}

json::value to_json(const compliance::RuleOptions& rules) {
    json::object severity;
    for (const auto& [code, level] : rules.severity) {
        severity[code] = compliance::to_string(level);
    }
    return json::object{{"strict", rules.strict},
                        {"version_format", compliance::to_string(rules.version_format)},
                        {"severity", std::move(severity)}};
}

json::value to_json(const config::ScopeConfig& scope) {
    json::array out;
    if (scope.include_default) {
        out.emplace_back("default");
    }
    for (const auto& entry : scope.entries) {
        out.emplace_back(
            json::object{{"host", valid_utf8(entry.host)}, {"paths", string_array(entry.paths)}});
    }
    return out;
}

json::object run_info(const RunInfo& info, std::string_view kind) {
    json::object out = head(info.ts, &info.id, info.instance, kind);
    out["version"] = valid_utf8(info.version);
    out["mode"] = config::to_string(info.mode);
    out["identity"] = to_json(info.identity);
    out["rules"] = to_json(info.rules);
    out["scope"] = to_json(info.scope);
    out["listen"] = valid_utf8(info.listen);
    return out;
}

json::value status_or_null(const std::optional<unsigned>& status) {
    return status ? json::value(*status) : json::value(nullptr);
}

}  // namespace

json::array to_json(const std::vector<compliance::Finding>& findings) {
    json::array out;
    out.reserve(findings.size());
    for (const auto& finding : findings) {
        json::object item{{"code", valid_utf8(finding.code)},
                          {"severity", compliance::to_string(finding.severity)},
                          {"message", valid_utf8(finding.message)}};
        if (finding.suggestion) {
            item["suggestion"] = valid_utf8(*finding.suggestion);
        }
        out.emplace_back(std::move(item));
    }
    return out;
}

json::object to_json(const RequestRecord& r) {
    json::object out = head(r.ts, &r.id, r.instance, "request");
    out["client"] = valid_utf8(r.client);
    out["via"] = to_string(r.via);
    out["method"] = valid_utf8(r.method);
    out["scheme"] = valid_utf8(r.scheme);
    out["host"] = valid_utf8(r.host);
    out["port"] = r.port;
    out["path"] = valid_utf8(r.path);
    out["endpoint"] = valid_utf8(r.endpoint);
    out["operation"] = text_or_null(r.operation);
    out["query_keys"] = string_array(r.query_keys);
    out["ua"] = text_or_null(r.ua);
    out["ua_fields"] = r.ua_fields;
    if (r.ua_values.size() > 1) {
        out["ua_values"] = string_array(r.ua_values);
    }
    out["verdict"] = to_string(r.verdict);
    out["findings"] = to_json(r.findings);
    out["action"] = to_string(r.action);
    out["ua_sent"] = text_or_null(r.ua_sent);
    out["status"] = status_or_null(r.status);
    out["bytes_in"] = r.bytes_in;
    out["bytes_out"] = r.bytes_out;
    out["duration_ms"] = round_ms(r.duration_ms);
    out["upstream_ms"] = r.upstream_ms ? json::value(round_ms(*r.upstream_ms)) : nullptr;
    out["error"] = r.error ? json::value(to_string(*r.error)) : nullptr;
    if (r.client_process) {
        out["client_process"] = json::object{{"pid", r.client_process->pid},
                                             {"exe", valid_utf8(r.client_process->exe)},
                                             {"cmd", valid_utf8(r.client_process->cmd)}};
    } else {
        out["client_process"] = nullptr;
    }
    return out;
}

json::object to_json(const RefusedRecord& r) {
    json::object out = head(r.ts, &r.id, r.instance, "refused");
    out["client"] = valid_utf8(r.client);
    out["method"] = text_or_null(r.method);
    out["host"] = text_or_null(r.host);
    out["port"] = r.port ? json::value(*r.port) : nullptr;
    out["status"] = r.status;
    out["error"] = valid_utf8(r.error);
    return out;
}

json::object to_json(const TlsClientRejectedRecord& r) {
    json::object out = head(r.ts, &r.id, r.instance, "tls_client_rejected");
    out["client"] = valid_utf8(r.client);
    out["host"] = valid_utf8(r.host);
    out["port"] = r.port;
    out["reason"] = valid_utf8(r.reason);
    return out;
}

json::object to_json(const OutOfScopeRecord& r) {
    json::object out = head(r.ts, &r.id, r.instance, "out_of_scope");
    out["client"] = valid_utf8(r.client);
    out["via"] = to_string(r.via);
    out["method"] = valid_utf8(r.method);
    out["host"] = valid_utf8(r.host);
    out["port"] = r.port;
    out["status"] = status_or_null(r.status);
    out["bytes_in"] = r.bytes_in;
    out["bytes_out"] = r.bytes_out;
    out["duration_ms"] = round_ms(r.duration_ms);
    return out;
}

json::object to_json(const OutOfScopeSummaryRecord& r) {
    json::object out = head(r.ts, nullptr, r.instance, "out_of_scope_summary");
    out["host"] = valid_utf8(r.host);
    out["port"] = r.port;
    out["requests"] = r.requests;
    out["tunnels"] = r.tunnels;
    out["bytes_in"] = r.bytes_in;
    out["bytes_out"] = r.bytes_out;
    return out;
}

json::object to_json(const RunStartRecord& r) {
    return run_info(r, "run_start");
}

json::object to_json(const RunStopRecord& r) {
    json::object out = run_info(r, "run_stop");
    const RunTotals& t = r.totals;
    out["totals"] = json::object{{"requests", t.requests},
                                 {"compliant", t.compliant},
                                 {"noncompliant", t.noncompliant},
                                 {"rewritten", t.rewritten},
                                 {"blocked", t.blocked},
                                 {"refused", t.refused},
                                 {"out_of_scope", t.out_of_scope},
                                 {"tunnels", t.tunnels},
                                 {"tls_client_rejected", t.tls_client_rejected},
                                 {"upstream_errors", t.upstream_errors}};
    return out;
}

json::object to_json(const EventRecord& record) {
    return std::visit([](const auto& r) { return to_json(r); }, record);
}

std::string to_json_line(const EventRecord& record) {
    std::string out;
    out.reserve(1024);  // a request record with findings is 600-1000 bytes
    detail::append_record(out, record);
    return out;
}

void append_json_line(std::string& out, const EventRecord& record) {
    detail::append_record(out, record);
    out += '\n';
}

ParseResult parse_event_line(std::string_view line) {
    while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) {
        line.remove_suffix(1);
    }
    ParseResult result;
    if (line.empty()) {
        result.message = "empty line";
        return result;
    }
    // One parser per thread and a stack arena per line: a log holds millions of small
    // objects, and a fresh parser plus a malloc per JSON node dominated `uaudit report`.
    thread_local json::parser parser;
    unsigned char arena[8192];
    json::monotonic_resource resource(arena, sizeof arena);
    parser.reset(json::storage_ptr(&resource));
    boost::system::error_code ec;
    parser.write(line.data(), line.size(), ec);
    const json::value parsed = ec ? json::value() : parser.release();
    parser.reset();  // drops any partial document while `resource` is still alive
    if (ec) {
        result.message = "not valid JSON: " + ec.message();
        return result;
    }
    if (!parsed.is_object()) {
        result.message = "not a JSON object";
        return result;
    }
    const json::object& object = parsed.get_object();
    const auto* v = object.if_contains("v");
    if (v == nullptr || !v->is_number() || (!v->is_int64() && !v->is_uint64())) {
        result.message = "\"v\" is missing or not an integer";
        return result;
    }
    if (v->is_uint64() || v->get_int64() > event_format_version) {
        result.status = ParseStatus::unsupported_version;
        result.message = "event format v" + json::serialize(*v) +
                         " was written by a newer uaudit; this one reads v" +
                         std::to_string(event_format_version) + ": upgrade uaudit";
        return result;
    }
    if (v->get_int64() < 1) {
        result.message = "\"v\" must be 1";
        return result;
    }
    return detail::read_record(object);
}

}  // namespace uaudit::audit
