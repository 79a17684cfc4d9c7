#pragma once
// Number and time formatting shared by the Markdown and HTML reports.

#include "audit/event_record.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace uaudit::report::detail {

/// "12.5%" (one decimal).
std::string percent(double value);

/// "1.2 MB", "512 B" (powers of 1000, one decimal).
std::string bytes(std::uint64_t count);

/// RFC 3339 UTC with milliseconds, or "-" when absent.
std::string when(const std::optional<audit::TimePoint>& time);

/// "2 h 5 min", "42 s" between two times; "-" when either is absent.
std::string span(const std::optional<audit::TimePoint>& first,
                 const std::optional<audit::TimePoint>& last);

}  // namespace uaudit::report::detail
