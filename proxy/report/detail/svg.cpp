#include "report/detail/svg.hpp"

#include "audit/timestamp.hpp"
#include "report/detail/escape.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <vector>

namespace uaudit::report::detail {
namespace {

std::string num(double value) {
    std::array<char, 32> text{};
    std::snprintf(text.data(), text.size(), "%.1f", value);
    return text.data();
}

}  // namespace

std::string timeline_chart(const Table<TimelineRow>& timeline) {
    if (timeline.rows.empty()) {
        return "<p>No in-scope request.</p>";
    }
    constexpr std::int64_t max_buckets = 120;
    using std::chrono::minutes;
    const auto first = timeline.rows.front().minute;
    const auto last = timeline.rows.back().minute;
    const std::int64_t range = std::chrono::duration_cast<minutes>(last - first).count() + 1;
    const std::int64_t width_minutes = (range + max_buckets - 1) / max_buckets;
    const std::int64_t count = (range + width_minutes - 1) / width_minutes;
    std::vector<std::pair<std::uint64_t, std::uint64_t>> buckets(static_cast<std::size_t>(count));
    for (const auto& row : timeline.rows) {
        const auto index =
            std::chrono::duration_cast<minutes>(row.minute - first).count() / width_minutes;
        auto& bucket = buckets[static_cast<std::size_t>(index)];
        bucket.first += row.compliant;
        bucket.second += row.noncompliant;
    }
    std::uint64_t peak = 1;
    for (const auto& [ok, bad] : buckets) {
        peak = std::max(peak, ok + bad);
    }
    constexpr double chart_w = 840;
    constexpr double chart_h = 160;
    constexpr double left = 50;
    constexpr double top = 10;
    const double bar_w = chart_w / static_cast<double>(count);
    std::string svg =
        "<svg class=\"chart\" viewBox=\"0 0 900 210\" role=\"img\" "
        "aria-label=\"In-scope calls per " +
        std::to_string(width_minutes) + " min: compliant and noncompliant\">\n";
    svg += "<line x1=\"50\" y1=\"170\" x2=\"890\" y2=\"170\" class=\"axis\"/>\n";
    svg += "<text x=\"45\" y=\"16\" text-anchor=\"end\">" + std::to_string(peak) + "</text>\n";
    svg += "<text x=\"45\" y=\"170\" text-anchor=\"end\">0</text>\n";
    for (std::size_t i = 0; i < buckets.size(); ++i) {
        const auto [ok, bad] = buckets[i];
        const double x = left + bar_w * static_cast<double>(i);
        const double ok_h = chart_h * static_cast<double>(ok) / static_cast<double>(peak);
        const double bad_h = chart_h * static_cast<double>(bad) / static_cast<double>(peak);
        const double w = std::max(bar_w - 1.0, 0.5);
        if (ok > 0) {
            svg += "<rect class=\"ok\" x=\"" + num(x) + "\" y=\"" + num(top + chart_h - ok_h) +
                   "\" width=\"" + num(w) + "\" height=\"" + num(ok_h) + "\"><title>" +
                   std::to_string(ok) + " compliant</title></rect>\n";
        }
        if (bad > 0) {
            svg += "<rect class=\"bad\" x=\"" + num(x) + "\" y=\"" +
                   num(top + chart_h - ok_h - bad_h) + "\" width=\"" + num(w) + "\" height=\"" +
                   num(bad_h) + "\"><title>" + std::to_string(bad) +
                   " noncompliant</title></rect>\n";
        }
    }
    svg += "<text x=\"50\" y=\"190\">" + xml_escape(audit::format_timestamp(first)) + "</text>\n";
    svg += "<text x=\"890\" y=\"190\" text-anchor=\"end\">" +
           xml_escape(audit::format_timestamp(last)) + "</text>\n";
    svg +=
        "<rect class=\"ok\" x=\"300\" y=\"197\" width=\"10\" height=\"10\"/>"
        "<text x=\"315\" y=\"206\">compliant</text>"
        "<rect class=\"bad\" x=\"420\" y=\"197\" width=\"10\" height=\"10\"/>"
        "<text x=\"435\" y=\"206\">noncompliant</text>"
        "<text x=\"560\" y=\"206\">one bar = " +
        std::to_string(width_minutes) + " min</text>\n";
    svg += "</svg>";
    return svg;
}

std::string findings_chart(const Table<FindingRow>& findings) {
    if (findings.rows.empty()) {
        return "<p>No finding.</p>";
    }
    constexpr std::size_t max_codes = 20;
    const std::size_t shown = std::min(findings.rows.size(), max_codes);
    std::uint64_t peak = 1;
    for (std::size_t i = 0; i < shown; ++i) {
        peak = std::max(peak, findings.rows[i].requests);
    }
    const double height = 24.0 * static_cast<double>(shown) + 10;
    std::string svg = "<svg class=\"chart\" viewBox=\"0 0 900 " + num(height) +
                      "\" role=\"img\" aria-label=\"Requests per finding code\">\n";
    for (std::size_t i = 0; i < shown; ++i) {
        const auto& row = findings.rows[i];
        const double y = 5 + 24.0 * static_cast<double>(i);
        const double w = 700.0 * static_cast<double>(row.requests) / static_cast<double>(peak);
        const char* cls = row.as_error > 0 ? "bad" : "warn";
        svg += "<text x=\"70\" y=\"" + num(y + 15) + "\" text-anchor=\"end\">" +
               xml_escape(row.code) + "</text>";
        svg += "<rect class=\"" + std::string(cls) + "\" x=\"80\" y=\"" + num(y) + "\" width=\"" +
               num(std::max(w, 1.0)) + "\" height=\"18\"/>";
        svg += "<text x=\"" + num(86 + w) + "\" y=\"" + num(y + 15) + "\">" +
               std::to_string(row.requests) + "</text>\n";
    }
    svg += "</svg>";
    return svg;
}

}  // namespace uaudit::report::detail
