#pragma once
// Timestamps of the event log: RFC 3339, UTC, milliseconds ("2026-11-25T18:20:55.123Z").

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace uaudit::audit {

/// "2026-11-25T18:20:55.123Z": UTC, always three fraction digits (the time is truncated to
/// the millisecond). Years outside 0000-9999 are clamped to that range.
std::string format_timestamp(std::chrono::system_clock::time_point time);

/// Parses an RFC 3339 date-time: `YYYY-MM-DDTHH:MM:SS[.fraction](Z|+hh:mm|-hh:mm)` (`T`, `Z`
/// in either case); fractions beyond milliseconds are truncated. nullopt when malformed or
/// out of range (month 13, Feb 30, a year outside 1700-2200, ...). Never throws.
std::optional<std::chrono::system_clock::time_point> parse_timestamp(std::string_view text);

}  // namespace uaudit::audit
