#include "audit/detail/record_reader.hpp"

#include "audit/timestamp.hpp"

#include <limits>

namespace uaudit::audit::detail {

namespace json = boost::json;

namespace {

// Reads typed fields from one object; the first problem is kept, later reads return
// defaults, and the caller checks ok() once at the end.
class FieldReader {
public:
    explicit FieldReader(const json::object& object)
        : object_(object) {}

    bool ok() const { return error_.empty(); }
    const std::string& error() const { return error_; }

    void fail(std::string_view key, std::string_view what) {
        if (ok()) {
            error_ = "\"" + std::string(key) + "\" " + std::string(what);
        }
    }

    // The value of a key, nullptr when missing or null.
    const json::value* get(std::string_view key) const {
        const json::value* value = object_.if_contains(key);
        return value == nullptr || value->is_null() ? nullptr : value;
    }

    std::optional<std::string> optional_string(std::string_view key) {
        const json::value* value = get(key);
        if (value == nullptr) {
            return std::nullopt;
        }
        if (!value->is_string()) {
            fail(key, "must be a string");
            return std::nullopt;
        }
        return std::string(value->get_string());
    }

    std::string string(std::string_view key) {
        if (get(key) == nullptr) {
            fail(key, "is missing");
            return {};
        }
        return optional_string(key).value_or(std::string{});
    }

    std::optional<std::uint64_t> optional_count(std::string_view key,
                                                std::uint64_t max = UINT64_MAX) {
        const json::value* value = get(key);
        if (value == nullptr) {
            return std::nullopt;
        }
        std::uint64_t number = 0;
        if (value->is_uint64()) {
            number = value->get_uint64();
        } else if (value->is_int64() && value->get_int64() >= 0) {
            number = static_cast<std::uint64_t>(value->get_int64());
        } else {
            fail(key, "must be a non-negative integer");
            return std::nullopt;
        }
        if (number > max) {
            fail(key, "is out of range");
            return std::nullopt;
        }
        return number;
    }

    std::uint64_t count(std::string_view key, std::uint64_t max = UINT64_MAX) {
        if (get(key) == nullptr) {
            fail(key, "is missing");
            return 0;
        }
        return optional_count(key, max).value_or(0);
    }

    std::optional<std::uint16_t> optional_port(std::string_view key) {
        if (const auto port = optional_count(key, 65535)) {
            return static_cast<std::uint16_t>(*port);
        }
        return std::nullopt;
    }
    std::uint16_t port(std::string_view key) {
        return static_cast<std::uint16_t>(count(key, 65535));
    }

    std::optional<unsigned> optional_status(std::string_view key) {
        const auto status = optional_count(key, 999);
        if (status && *status < 100) {
            fail(key, "is not an HTTP status");
        }
        return status ? std::optional<unsigned>(static_cast<unsigned>(*status)) : std::nullopt;
    }
    unsigned status(std::string_view key) {
        if (get(key) == nullptr) {
            fail(key, "is missing");
            return 0;
        }
        return optional_status(key).value_or(0);
    }

    std::optional<double> optional_number(std::string_view key) {
        const json::value* value = get(key);
        if (value == nullptr) {
            return std::nullopt;
        }
        if (value->is_double()) {
            return value->get_double();
        }
        if (value->is_int64()) {
            return static_cast<double>(value->get_int64());
        }
        if (value->is_uint64()) {
            return static_cast<double>(value->get_uint64());
        }
        fail(key, "must be a number");
        return std::nullopt;
    }
    double number(std::string_view key) {
        if (get(key) == nullptr) {
            fail(key, "is missing");
            return 0;
        }
        return optional_number(key).value_or(0);
    }

    bool boolean(std::string_view key) {
        const json::value* value = get(key);
        if (value == nullptr || !value->is_bool()) {
            fail(key, "must be true or false");
            return false;
        }
        return value->get_bool();
    }

    TimePoint timestamp(std::string_view key) {
        const auto text = string(key);
        if (!ok()) {
            return {};
        }
        const auto time = parse_timestamp(text);
        if (!time) {
            fail(key, "is not an RFC 3339 time");
            return {};
        }
        return *time;
    }

    // A string key read through `parse` (e.g. parse_via); `what` names the allowed values.
    template <class Parse>
    auto enumeration(std::string_view key, Parse parse, std::string_view what)
        -> decltype(parse(std::string_view{})) {
        const auto text = optional_string(key);
        if (!text) {
            if (ok()) {
                fail(key, "is missing");
            }
            return std::nullopt;
        }
        auto value = parse(*text);
        if (!value) {
            fail(key, "must be " + std::string(what));
        }
        return value;
    }

    std::vector<std::string> strings(std::string_view key, bool required = true) {
        std::vector<std::string> out;
        const json::value* value = get(key);
        if (value == nullptr) {
            if (required) {
                fail(key, "is missing");
            }
            return out;
        }
        if (!value->is_array()) {
            fail(key, "must be an array of strings");
            return out;
        }
        for (const auto& element : value->get_array()) {
            if (!element.is_string()) {
                fail(key, "must be an array of strings");
                return {};
            }
            out.emplace_back(element.get_string());
        }
        return out;
    }

    // A nested object read with its own reader; errors are prefixed with the key.
    template <class Read>
    void nested(std::string_view key, Read read, bool required = true) {
        const json::value* value = get(key);
        if (value == nullptr) {
            if (required) {
                fail(key, "is missing");
            }
            return;
        }
        if (!value->is_object()) {
            fail(key, "must be an object");
            return;
        }
        FieldReader inner(value->get_object());
        read(inner);
        if (!inner.ok()) {
            fail(key, "." + inner.error());
        }
    }

private:
    const json::object& object_;
    std::string error_;
};

std::optional<compliance::Finding> read_finding(const json::value& value, std::string& error) {
    if (!value.is_object()) {
        error = "must be an array of objects";
        return std::nullopt;
    }
    FieldReader reader(value.get_object());
    compliance::Finding finding;
    finding.code = reader.string("code");
    const auto severity =
        reader.enumeration("severity", compliance::parse_severity, "\"error\" or \"warning\"");
    finding.severity = severity.value_or(compliance::Severity::error);
    finding.message = reader.string("message");
    finding.suggestion = reader.optional_string("suggestion");
    if (!reader.ok()) {
        error = reader.error();
        return std::nullopt;
    }
    return finding;
}

std::vector<compliance::Finding> read_findings(FieldReader& reader) {
    std::vector<compliance::Finding> findings;
    const json::value* value = reader.get("findings");
    if (value == nullptr || !value->is_array()) {
        reader.fail("findings", "must be an array");
        return findings;
    }
    for (const auto& element : value->get_array()) {
        std::string error;
        auto finding = read_finding(element, error);
        if (!finding) {
            reader.fail("findings", "item: " + error);
            return {};
        }
        findings.push_back(std::move(*finding));
    }
    return findings;
}

std::optional<config::Mode> parse_mode(std::string_view text) {
    for (const auto mode : {config::Mode::audit, config::Mode::rewrite, config::Mode::enforce}) {
        if (config::to_string(mode) == text) {
            return mode;
        }
    }
    return std::nullopt;
}

config::ScopeConfig read_scope(FieldReader& reader) {
    config::ScopeConfig scope;
    scope.include_default = false;
    const json::value* value = reader.get("scope");
    if (value == nullptr || !value->is_array()) {
        reader.fail("scope", "must be an array");
        return scope;
    }
    for (const auto& element : value->get_array()) {
        if (element.is_string() && element.get_string() == "default") {
            scope.include_default = true;
        } else if (element.is_object()) {
            FieldReader entry_reader(element.get_object());
            config::ScopeEntry entry;
            entry.host = entry_reader.string("host");
            entry.paths = entry_reader.strings("paths", false);
            if (!entry_reader.ok()) {
                reader.fail("scope", "entry: " + entry_reader.error());
                return scope;
            }
            scope.entries.push_back(std::move(entry));
        } else {
            reader.fail("scope", "items must be \"default\" or {host, paths}");
            return scope;
        }
    }
    return scope;
}

void read_run_info(FieldReader& reader, RunInfo& info) {
    info.ts = reader.timestamp("ts");
    info.id = reader.string("id");
    info.instance = reader.string("instance");
    info.version = reader.string("version");
    info.mode = reader.enumeration("mode", parse_mode, "audit, rewrite or enforce")
                    .value_or(config::Mode::audit);
    reader.nested("identity", [&info](FieldReader& r) {
        info.identity.company = r.optional_string("company");
        info.identity.product = r.optional_string("product");
        info.identity.version = r.optional_string("version");
    });
    reader.nested("rules", [&info](FieldReader& r) {
        info.rules.strict = r.boolean("strict");
        info.rules.version_format =
            r.enumeration("version_format", compliance::parse_version_format,
                          "semver, dotted or token")
                .value_or(compliance::VersionFormat::semver);
        const json::value* severity = r.get("severity");
        if (severity == nullptr) {
            return;
        }
        if (!severity->is_object()) {
            r.fail("severity", "must be an object");
            return;
        }
        for (const auto& member : severity->get_object()) {
            const auto level = member.value().is_string()
                                   ? compliance::parse_severity(member.value().get_string())
                                   : std::nullopt;
            if (!level) {
                r.fail("severity", "values must be \"error\" or \"warning\"");
                return;
            }
            info.rules.severity[std::string(member.key())] = *level;
        }
    });
    info.scope = read_scope(reader);
    info.listen = reader.string("listen");
}

RequestRecord read_request(FieldReader& reader) {
    RequestRecord r;
    r.ts = reader.timestamp("ts");
    r.id = reader.string("id");
    r.instance = reader.string("instance");
    r.client = reader.string("client");
    r.via = reader.enumeration("via", parse_via, "forward, intercept or gateway")
                .value_or(Via::forward);
    r.method = reader.string("method");
    r.scheme = reader.string("scheme");
    r.host = reader.string("host");
    r.port = reader.port("port");
    r.path = reader.string("path");
    r.endpoint = reader.string("endpoint");
    r.operation = reader.optional_string("operation");
    r.query_keys = reader.strings("query_keys");
    r.ua = reader.optional_string("ua");
    r.ua_fields = reader.count("ua_fields");
    r.ua_values = reader.strings("ua_values", false);
    r.verdict = reader.enumeration("verdict", parse_verdict, "compliant or noncompliant")
                    .value_or(RequestVerdict::compliant);
    r.findings = read_findings(reader);
    r.action =
        reader.enumeration("action", parse_action, "pass, rewrite or block").value_or(Action::pass);
    r.ua_sent = reader.optional_string("ua_sent");
    r.status = reader.optional_status("status");
    r.bytes_in = reader.count("bytes_in");
    r.bytes_out = reader.count("bytes_out");
    r.duration_ms = reader.number("duration_ms");
    r.upstream_ms = reader.optional_number("upstream_ms");
    if (reader.get("error") != nullptr) {
        r.error = reader.enumeration("error", parse_exchange_error, "an error word of SPEC §8");
    }
    if (reader.get("client_process") != nullptr) {
        ClientProcess process;
        reader.nested("client_process", [&process](FieldReader& p) {
            const auto pid = p.optional_count("pid", std::numeric_limits<std::int64_t>::max());
            if (!pid) {
                p.fail("pid", "is missing");
            }
            process.pid = static_cast<std::int64_t>(pid.value_or(0));
            process.exe = p.string("exe");
            process.cmd = p.string("cmd");
        });
        r.client_process = std::move(process);
    }
    return r;
}

RefusedRecord read_refused(FieldReader& reader) {
    RefusedRecord r;
    r.ts = reader.timestamp("ts");
    r.id = reader.string("id");
    r.instance = reader.string("instance");
    r.client = reader.string("client");
    r.method = reader.optional_string("method");
    r.host = reader.optional_string("host");
    r.port = reader.optional_port("port");
    r.status = reader.status("status");
    r.error = reader.string("error");
    return r;
}

TlsClientRejectedRecord read_tls_rejected(FieldReader& reader) {
    TlsClientRejectedRecord r;
    r.ts = reader.timestamp("ts");
    r.id = reader.string("id");
    r.instance = reader.string("instance");
    r.client = reader.string("client");
    r.host = reader.string("host");
    r.port = reader.port("port");
    r.reason = reader.string("reason");
    if (reader.ok() && !is_tls_reject_reason(r.reason)) {
        reader.fail("reason", "is not a known TLS rejection reason");
    }
    return r;
}

OutOfScopeRecord read_out_of_scope(FieldReader& reader) {
    OutOfScopeRecord r;
    r.ts = reader.timestamp("ts");
    r.id = reader.string("id");
    r.instance = reader.string("instance");
    r.client = reader.string("client");
    r.via = reader.enumeration("via", parse_via, "forward, tunnel, intercept or gateway")
                .value_or(Via::forward);
    r.method = reader.string("method");
    r.host = reader.string("host");
    r.port = reader.port("port");
    r.status = reader.optional_status("status");
    r.bytes_in = reader.count("bytes_in");
    r.bytes_out = reader.count("bytes_out");
    r.duration_ms = reader.number("duration_ms");
    return r;
}

OutOfScopeSummaryRecord read_summary(FieldReader& reader) {
    OutOfScopeSummaryRecord r;
    r.ts = reader.timestamp("ts");
    r.instance = reader.string("instance");
    r.host = reader.string("host");
    r.port = reader.port("port");
    r.requests = reader.count("requests");
    r.tunnels = reader.count("tunnels");
    r.bytes_in = reader.count("bytes_in");
    r.bytes_out = reader.count("bytes_out");
    return r;
}

RunStopRecord read_run_stop(FieldReader& reader) {
    RunStopRecord r;
    read_run_info(reader, r);
    reader.nested("totals", [&r](FieldReader& t) {
        r.totals.requests = t.count("requests");
        r.totals.compliant = t.count("compliant");
        r.totals.noncompliant = t.count("noncompliant");
        r.totals.rewritten = t.count("rewritten");
        r.totals.blocked = t.count("blocked");
        r.totals.refused = t.count("refused");
        r.totals.out_of_scope = t.count("out_of_scope");
        r.totals.tunnels = t.count("tunnels");
        r.totals.tls_client_rejected = t.count("tls_client_rejected");
        r.totals.upstream_errors = t.count("upstream_errors");
    });
    return r;
}

}  // namespace

ParseResult read_record(const json::object& object) {
    ParseResult result;
    const json::value* kind_value = object.if_contains("kind");
    if (kind_value == nullptr || !kind_value->is_string()) {
        result.message = "\"kind\" is missing or not a string";
        return result;
    }
    const std::string_view kind = kind_value->get_string();
    FieldReader reader(object);
    EventRecord record;
    if (kind == "request") {
        record = read_request(reader);
    } else if (kind == "refused") {
        record = read_refused(reader);
    } else if (kind == "tls_client_rejected") {
        record = read_tls_rejected(reader);
    } else if (kind == "out_of_scope") {
        record = read_out_of_scope(reader);
    } else if (kind == "out_of_scope_summary") {
        record = read_summary(reader);
    } else if (kind == "run_start") {
        RunStartRecord start;
        read_run_info(reader, start);
        record = std::move(start);
    } else if (kind == "run_stop") {
        record = read_run_stop(reader);
    } else {
        result.status = ParseStatus::unknown_kind;
        result.message = "unknown kind \"" + std::string(kind) + "\"";
        return result;
    }
    if (!reader.ok()) {
        result.message = std::string(kind) + " record: " + reader.error();
        return result;
    }
    result.status = ParseStatus::ok;
    result.record = std::move(record);
    return result;
}

}  // namespace uaudit::audit::detail
