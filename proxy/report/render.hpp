#pragma once
// The report formats of SPEC §9. Each renders a Summary (see aggregator.hpp) completely and
// is pure apart from writing to `out`; the CSV form is per record (csv_writer.hpp).
// The field-by-field description of the JSON form is docs/report-schema.md.

#include "report/summary.hpp"

#include <boost/json.hpp>

#include <cstddef>
#include <ostream>
#include <string_view>

namespace uaudit::report {

/// The `schema` member of the JSON report; bumped when a field changes meaning or goes away.
inline constexpr std::string_view json_schema = "uaudit-report/1";

struct RenderOptions {
    /// Rows shown per table in Markdown and HTML (the JSON report has them all); the rest
    /// are summed in a "more rows" line.
    std::size_t max_listed = 50;
};

/// The JSON document (`uaudit report --format json`, the live `GET /report`).
boost::json::object to_json(const Summary& summary);
void render_json(const Summary& summary, std::ostream& out);

/// What a reviewer reads in a pull request.
void render_markdown(const Summary& summary, std::ostream& out, const RenderOptions& options = {});

/// One self-contained HTML file: no external asset, no script, inline SVG charts.
void render_html(const Summary& summary, std::ostream& out, const RenderOptions& options = {});

/// JUnit XML: one test case per endpoint × User-Agent (classname `METHOD endpoint`, name the
/// User-Agent or `(no User-Agent)`), failing with the findings when a call was noncompliant;
/// with no in-scope request, one failing test case `uaudit` / `verdict` (NO-DATA).
void render_junit(const Summary& summary, std::ostream& out);

}  // namespace uaudit::report
