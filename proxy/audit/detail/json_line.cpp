#include "audit/detail/json_line.hpp"

#include "audit/detail/json_text.hpp"

#include <cstring>

namespace uaudit::audit::detail {

namespace {

// The members of one JSON object, in the order they are added. key() copies its name as it
// is (the names are fixed ASCII words); escaped_key() is for the names that come from data.
class ObjectWriter {
public:
    explicit ObjectWriter(std::string& out)
        : out_(out) {
        out_ += '{';
    }
    ObjectWriter(const ObjectWriter&) = delete;
    ObjectWriter& operator=(const ObjectWriter&) = delete;

    /// Appends `"name":` (after a comma unless it is the first member); the value follows.
    std::string& key(std::string_view name) {
        // One append per key: keys are short fixed names.
        char text[40];
        std::size_t size = 0;
        if (!first_) {
            text[size++] = ',';
        }
        first_ = false;
        if (name.size() + 4 > sizeof text) {
            out_.append(text, size).append("\"").append(name).append("\":");
            return out_;
        }
        text[size++] = '"';
        std::memcpy(text + size, name.data(), name.size());
        size += name.size();
        text[size++] = '"';
        text[size++] = ':';
        out_.append(text, size);
        return out_;
    }
    std::string& escaped_key(std::string_view name) {
        if (!first_) {
            out_ += ',';
        }
        first_ = false;
        append_escaped(out_, name);
        out_ += ':';
        return out_;
    }

    void text(std::string_view name, std::string_view value) { append_text(key(name), value); }
    void text_or_null(std::string_view name, const std::optional<std::string>& value) {
        if (value) {
            append_text(key(name), *value);
        } else {
            null(name);
        }
    }
    // Fixed names (kinds, enum values): written as they are, like the json::value route.
    void fixed(std::string_view name, std::string_view value) { append_escaped(key(name), value); }
    void number(std::string_view name, std::uint64_t value) { append_uint(key(name), value); }
    void number_or_null(std::string_view name, const std::optional<unsigned>& value) {
        if (value) {
            number(name, *value);
        } else {
            null(name);
        }
    }
    void duration(std::string_view name, double value) {
        append_double(key(name), round_ms(value));
    }
    void boolean(std::string_view name, bool value) { key(name).append(value ? "true" : "false"); }
    void null(std::string_view name) { key(name).append("null"); }

    void close() { out_ += '}'; }

private:
    std::string& out_;
    bool first_ = true;
};

void append_text_array(std::string& out, const std::vector<std::string>& values) {
    out += '[';
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (i > 0) {
            out += ',';
        }
        append_text(out, values[i]);
    }
    out += ']';
}

void append_findings(std::string& out, const std::vector<compliance::Finding>& findings) {
    out += '[';
    for (std::size_t i = 0; i < findings.size(); ++i) {
        if (i > 0) {
            out += ',';
        }
        const auto& finding = findings[i];
        ObjectWriter item(out);
        item.text("code", finding.code);
        item.fixed("severity", compliance::to_string(finding.severity));
        item.text("message", finding.message);
        if (finding.suggestion) {
            item.text("suggestion", *finding.suggestion);
        }
        item.close();
    }
    out += ']';
}

// v, ts, id, instance, kind: the head of every record (summaries have no id).
void head(ObjectWriter& out, TimePoint ts, const std::string* id, const std::string& instance,
          std::string_view kind) {
    out.number("v", event_format_version);
    append_timestamp(out.key("ts"), ts);
    if (id != nullptr) {
        out.text("id", *id);
    }
    out.text("instance", instance);
    out.fixed("kind", kind);
}

void append_identity(std::string& out, const compliance::Identity& identity) {
    ObjectWriter object(out);
    object.text_or_null("company", identity.company);
    object.text_or_null("product", identity.product);
    object.text_or_null("version", identity.version);
    object.close();
}

void append_rules(std::string& out, const compliance::RuleOptions& rules) {
    ObjectWriter object(out);
    object.boolean("strict", rules.strict);
    object.fixed("version_format", compliance::to_string(rules.version_format));
    ObjectWriter severity(object.key("severity"));
    for (const auto& [code, level] : rules.severity) {
        append_escaped(severity.escaped_key(code), compliance::to_string(level));
    }
    severity.close();
    object.close();
}

void append_scope(std::string& out, const config::ScopeConfig& scope) {
    out += '[';
    bool first = true;
    if (scope.include_default) {
        out += "\"default\"";
        first = false;
    }
    for (const auto& entry : scope.entries) {
        if (!first) {
            out += ',';
        }
        first = false;
        ObjectWriter object(out);
        object.text("host", entry.host);
        append_text_array(object.key("paths"), entry.paths);
        object.close();
    }
    out += ']';
}

void run_info(ObjectWriter& out, const RunInfo& info, std::string_view kind) {
    head(out, info.ts, &info.id, info.instance, kind);
    out.text("version", info.version);
    out.fixed("mode", config::to_string(info.mode));
    append_identity(out.key("identity"), info.identity);
    append_rules(out.key("rules"), info.rules);
    append_scope(out.key("scope"), info.scope);
    out.text("listen", info.listen);
}

void write(ObjectWriter& out, const RequestRecord& r) {
    head(out, r.ts, &r.id, r.instance, "request");
    out.text("client", r.client);
    out.fixed("via", to_string(r.via));
    out.text("method", r.method);
    out.text("scheme", r.scheme);
    out.text("host", r.host);
    out.number("port", r.port);
    out.text("path", r.path);
    out.text("endpoint", r.endpoint);
    out.text_or_null("operation", r.operation);
    append_text_array(out.key("query_keys"), r.query_keys);
    out.text_or_null("ua", r.ua);
    out.number("ua_fields", r.ua_fields);
    if (r.ua_values.size() > 1) {
        append_text_array(out.key("ua_values"), r.ua_values);
    }
    out.fixed("verdict", to_string(r.verdict));
    append_findings(out.key("findings"), r.findings);
    out.fixed("action", to_string(r.action));
    out.text_or_null("ua_sent", r.ua_sent);
    out.number_or_null("status", r.status);
    out.number("bytes_in", r.bytes_in);
    out.number("bytes_out", r.bytes_out);
    out.duration("duration_ms", r.duration_ms);
    if (r.upstream_ms) {
        out.duration("upstream_ms", *r.upstream_ms);
    } else {
        out.null("upstream_ms");
    }
    if (r.error) {
        out.fixed("error", to_string(*r.error));
    } else {
        out.null("error");
    }
    if (r.client_process) {
        ObjectWriter process(out.key("client_process"));
        append_int(process.key("pid"), r.client_process->pid);
        process.text("exe", r.client_process->exe);
        process.text("cmd", r.client_process->cmd);
        process.close();
    } else {
        out.null("client_process");
    }
}

void write(ObjectWriter& out, const RefusedRecord& r) {
    head(out, r.ts, &r.id, r.instance, "refused");
    out.text("client", r.client);
    out.text_or_null("method", r.method);
    out.text_or_null("host", r.host);
    if (r.port) {
        out.number("port", *r.port);
    } else {
        out.null("port");
    }
    out.number("status", r.status);
    out.text("error", r.error);
}

void write(ObjectWriter& out, const TlsClientRejectedRecord& r) {
    head(out, r.ts, &r.id, r.instance, "tls_client_rejected");
    out.text("client", r.client);
    out.text("host", r.host);
    out.number("port", r.port);
    out.text("reason", r.reason);
}

void write(ObjectWriter& out, const OutOfScopeRecord& r) {
    head(out, r.ts, &r.id, r.instance, "out_of_scope");
    out.text("client", r.client);
    out.fixed("via", to_string(r.via));
    out.text("method", r.method);
    out.text("host", r.host);
    out.number("port", r.port);
    out.number_or_null("status", r.status);
    out.number("bytes_in", r.bytes_in);
    out.number("bytes_out", r.bytes_out);
    out.duration("duration_ms", r.duration_ms);
}

void write(ObjectWriter& out, const OutOfScopeSummaryRecord& r) {
    head(out, r.ts, nullptr, r.instance, "out_of_scope_summary");
    out.text("host", r.host);
    out.number("port", r.port);
    out.number("requests", r.requests);
    out.number("tunnels", r.tunnels);
    out.number("bytes_in", r.bytes_in);
    out.number("bytes_out", r.bytes_out);
}

void write(ObjectWriter& out, const RunStartRecord& r) {
    run_info(out, r, "run_start");
}

void write(ObjectWriter& out, const RunStopRecord& r) {
    run_info(out, r, "run_stop");
    const RunTotals& t = r.totals;
    ObjectWriter totals(out.key("totals"));
    totals.number("requests", t.requests);
    totals.number("compliant", t.compliant);
    totals.number("noncompliant", t.noncompliant);
    totals.number("rewritten", t.rewritten);
    totals.number("blocked", t.blocked);
    totals.number("refused", t.refused);
    totals.number("out_of_scope", t.out_of_scope);
    totals.number("tunnels", t.tunnels);
    totals.number("tls_client_rejected", t.tls_client_rejected);
    totals.number("upstream_errors", t.upstream_errors);
    totals.close();
}

}  // namespace

void append_record(std::string& out, const EventRecord& record) {
    ObjectWriter object(out);
    std::visit([&](const auto& r) { write(object, r); }, record);
    object.close();
}

}  // namespace uaudit::audit::detail
