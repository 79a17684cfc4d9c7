#include "cli/report_command.hpp"

#include "report/aggregator.hpp"
#include "report/csv_writer.hpp"
#include "report/event_reader.hpp"
#include "report/render.hpp"

#include <charconv>
#include <fstream>
#include <optional>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

namespace uaudit::cli {
namespace {

constexpr int exit_pass = 0;
constexpr int exit_fail = 1;
constexpr int exit_error = 2;

enum class Format { json, md, html, junit, csv };

struct ReportArgs {
    std::vector<std::string> files;
    std::optional<Format> format;
    std::optional<std::string> output;
    std::size_t max_rows = 10000;
    bool help = false;
};

std::optional<Format> parse_format(std::string_view text) {
    if (text == "json") {
        return Format::json;
    }
    if (text == "md" || text == "markdown") {
        return Format::md;
    }
    if (text == "html") {
        return Format::html;
    }
    if (text == "junit" || text == "xml") {
        return Format::junit;
    }
    if (text == "csv") {
        return Format::csv;
    }
    return std::nullopt;
}

// The format an output file name implies: .json .md .html/.htm .xml .csv.
std::optional<Format> format_of_file(std::string_view path) {
    const auto dot = path.rfind('.');
    if (dot == std::string_view::npos) {
        return std::nullopt;
    }
    const std::string_view ext = path.substr(dot + 1);
    if (ext == "htm") {
        return Format::html;
    }
    if (ext == "markdown") {
        return Format::md;
    }
    return parse_format(ext);
}

std::optional<std::string> parse_args(std::span<const std::string_view> args, ReportArgs& parsed) {
    bool in_events = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string_view arg = args[i];
        const auto value = [&]() -> std::optional<std::string_view> {
            if (i + 1 >= args.size()) {
                return std::nullopt;
            }
            return args[++i];
        };
        if (arg == "--help" || arg == "-h") {
            parsed.help = true;
        } else if (arg == "--events") {
            in_events = true;
            const auto file = value();
            if (!file) {
                return std::string("--events needs a file");
            }
            parsed.files.emplace_back(*file);
        } else if (arg == "--format" || arg == "-f") {
            in_events = false;
            const auto text = value();
            if (!text || !(parsed.format = parse_format(*text))) {
                return "--format takes json, md, html, junit or csv";
            }
        } else if (arg == "-o" || arg == "--output") {
            in_events = false;
            const auto path = value();
            if (!path || path->empty()) {
                return std::string("-o needs a file name");
            }
            parsed.output = std::string(*path);
        } else if (arg == "--max-rows") {
            in_events = false;
            const auto text = value();
            std::size_t rows = 0;
            if (!text ||
                std::from_chars(text->data(), text->data() + text->size(), rows).ec !=
                    std::errc() ||
                rows == 0) {
                return std::string("--max-rows takes a positive number");
            }
            parsed.max_rows = rows;
        } else if (in_events && (arg.empty() || arg.front() != '-' || arg == "-")) {
            parsed.files.emplace_back(arg);
        } else {
            return "unknown argument '" + std::string(arg) + "'";
        }
    }
    if (!parsed.help && parsed.files.empty()) {
        return std::string("--events FILE is required");
    }
    return std::nullopt;
}

// Reads one log into the aggregator (and the CSV writer). Returns an exit code on error.
std::optional<int> read_file(const std::string& path, report::Aggregator& aggregator,
                             report::CsvWriter* csv, std::ostream& err) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        err << "uaudit report: cannot open '" << path
            << "': check the path and that it is readable.\n";
        return exit_error;
    }
    const auto result = report::read_event_log(in, [&](const audit::EventRecord& record) {
        aggregator.add(record);
        if (csv) {
            csv->write(record);
        }
    });
    if (result.read_error) {
        err << "uaudit report: reading '" << path << "' failed.\n";
        return exit_error;
    }
    if (result.unsupported_version) {
        err << "uaudit report: " << path << ":" << result.unsupported_version->line << ": "
            << result.unsupported_version->message << ".\n";
        return exit_error;
    }
    for (const auto& problem : result.first_malformed) {
        err << "uaudit report: warning: " << path << ":" << problem.line
            << ": skipped malformed line: " << problem.message << '\n';
    }
    if (result.malformed > result.first_malformed.size()) {
        err << "uaudit report: warning: " << path << ": "
            << result.malformed - result.first_malformed.size()
            << " more malformed lines skipped\n";
    }
    aggregator.count_malformed(result.malformed);
    aggregator.count_unknown_kind(result.unknown_kind);
    if (result.lines > 0 && result.records + result.unknown_kind == 0) {
        err << "uaudit report: '" << path
            << "' holds no valid event record: is it a uaudit event log (events.jsonl)?\n";
        return exit_error;
    }
    return std::nullopt;
}

}  // namespace

std::string_view report_help_text() {
    return "usage: uaudit report --events FILE [FILE ...] [--events FILE ...]\n"
           "                     [--format json|md|html|junit|csv] [-o OUT] [--max-rows N]\n"
           "\n"
           "Builds one report from any number of event logs (several instances, rotated\n"
           "files). Malformed lines are skipped, counted and warned about on stderr.\n"
           "\n"
           "  --events FILE ...  event logs (JSON Lines) to merge; repeatable\n"
           "  --format F         json, md (Markdown), html, junit (JUnit XML), csv (one row\n"
           "                     per in-scope request). Default: from the extension of -o\n"
           "                     (.json .md .html .xml .csv), else md\n"
           "  -o OUT             write the report to OUT instead of stdout\n"
           "  --max-rows N       rows per table before the rest is summed as 'other'\n"
           "                     (default 10000)\n"
           "\n"
           "Exit: 0 PASS or WARN, 1 FAIL or NO-DATA, 2 usage error, unreadable file, a\n"
           "non-empty file without a valid record, or a log of a newer format.\n";
}

int report_command(std::span<const std::string_view> args, std::ostream& out, std::ostream& err) {
    ReportArgs parsed;
    if (const auto problem = parse_args(args, parsed)) {
        err << "uaudit report: " << *problem << ". Run 'uaudit report --help'.\n";
        return exit_error;
    }
    if (parsed.help) {
        out << report_help_text();
        return exit_pass;
    }
    const Format format = parsed.format.value_or(
        parsed.output ? format_of_file(*parsed.output).value_or(Format::md) : Format::md);

    std::ofstream file;
    if (parsed.output) {
        file.open(*parsed.output, std::ios::binary | std::ios::trunc);
        if (!file) {
            err << "uaudit report: cannot write '" << *parsed.output
                << "': check that its directory exists and is writable.\n";
            return exit_error;
        }
    }
    std::ostream& sink = parsed.output ? static_cast<std::ostream&>(file) : out;

    report::Aggregator aggregator(report::AggregatorOptions{parsed.max_rows});
    std::optional<report::CsvWriter> csv;
    if (format == Format::csv) {
        csv.emplace(sink);  // rows stream out while the logs are read
    }
    for (const auto& path : parsed.files) {
        if (const auto code = read_file(path, aggregator, csv ? &*csv : nullptr, err)) {
            return *code;
        }
    }
    const report::Summary summary = aggregator.summarize();
    switch (format) {
        case Format::json:
            report::render_json(summary, sink);
            break;
        case Format::md:
            report::render_markdown(summary, sink);
            break;
        case Format::html:
            report::render_html(summary, sink);
            break;
        case Format::junit:
            report::render_junit(summary, sink);
            break;
        case Format::csv:
            break;
    }
    sink.flush();
    if (!sink) {
        err << "uaudit report: writing the report failed (disk full?).\n";
        return exit_error;
    }
    if (summary.totals.malformed_lines > 0) {
        err << "uaudit report: warning: " << summary.totals.malformed_lines
            << " malformed lines skipped in total.\n";
    }
    err << "uaudit report: " << report::to_string(summary.judgement.verdict) << " ("
        << summary.totals.requests << " in-scope requests, " << summary.totals.noncompliant
        << " noncompliant)\n";
    const auto verdict = summary.judgement.verdict;
    return verdict == report::Verdict::pass || verdict == report::Verdict::warn ? exit_pass
                                                                                : exit_fail;
}

}  // namespace uaudit::cli
