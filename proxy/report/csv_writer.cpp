#include "report/csv_writer.hpp"

#include "audit/timestamp.hpp"
#include "report/detail/escape.hpp"

#include <cstdio>
#include <string>

namespace uaudit::report {
namespace {

std::string number(double value) {
    char text[48];
    std::snprintf(text, sizeof text, "%.3f", value);
    return text;
}

std::string optional_text(const std::optional<std::string>& value) {
    return value ? detail::csv_field(*value) : std::string();
}

}  // namespace

std::string_view csv_header() {
    return "ts,instance,id,client,via,method,scheme,host,port,path,endpoint,operation,ua,"
           "ua_fields,verdict,findings,action,ua_sent,status,bytes_in,bytes_out,duration_ms,"
           "upstream_ms,error,process_exe,process_cmd";
}

CsvWriter::CsvWriter(std::ostream& out)
    : out_(out) {
    out_ << csv_header() << "\r\n";
}

void CsvWriter::write(const audit::EventRecord& record) {
    if (const auto* request = std::get_if<audit::RequestRecord>(&record)) {
        write(*request);
    }
}

void CsvWriter::write(const audit::RequestRecord& r) {
    using detail::csv_field;
    std::string codes;
    for (const auto& finding : r.findings) {
        codes += (codes.empty() ? "" : " ") + finding.code;
    }
    std::string line;
    line.reserve(512);
    line += audit::format_timestamp(r.ts);
    line += ',' + csv_field(r.instance);
    line += ',' + csv_field(r.id);
    line += ',' + csv_field(r.client);
    line += ',' + std::string(audit::to_string(r.via));
    line += ',' + csv_field(r.method);
    line += ',' + csv_field(r.scheme);
    line += ',' + csv_field(r.host);
    line += ',' + std::to_string(r.port);
    line += ',' + csv_field(r.path);
    line += ',' + csv_field(r.endpoint);
    line += ',' + optional_text(r.operation);
    line += ',' + optional_text(r.ua);
    line += ',' + std::to_string(r.ua_fields);
    line += ',' + std::string(audit::to_string(r.verdict));
    line += ',' + codes;
    line += ',' + std::string(audit::to_string(r.action));
    line += ',' + optional_text(r.ua_sent);
    line += ',' + (r.status ? std::to_string(*r.status) : std::string());
    line += ',' + std::to_string(r.bytes_in);
    line += ',' + std::to_string(r.bytes_out);
    line += ',' + number(r.duration_ms);
    line += ',' + (r.upstream_ms ? number(*r.upstream_ms) : std::string());
    line += ',' + (r.error ? std::string(audit::to_string(*r.error)) : std::string());
    line += ',' + (r.client_process ? csv_field(r.client_process->exe) : std::string());
    line += ',' + (r.client_process ? csv_field(r.client_process->cmd) : std::string());
    line += "\r\n";
    out_ << line;
    ++rows_;
}

}  // namespace uaudit::report
