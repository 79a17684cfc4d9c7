#pragma once
// The inline SVG charts of the HTML report: no script, no external asset, readable in print.

#include "report/summary.hpp"

#include <string>

namespace uaudit::report::detail {

/// Stacked bars per time bucket (at most 120 buckets): compliant and noncompliant calls.
std::string timeline_chart(const Table<TimelineRow>& timeline);

/// Horizontal bars: requests per finding code (at most 20 codes).
std::string findings_chart(const Table<FindingRow>& findings);

}  // namespace uaudit::report::detail
