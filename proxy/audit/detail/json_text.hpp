#pragma once
// JSON text helpers of the event log: valid UTF-8 strings, the one-line serializer of a
// boost::json::value, and the appenders the direct record writer (json_line.hpp) is made of.
// Both routes write the same bytes: the appenders escape exactly like Boost.JSON's serializer
// and format numbers exactly like serialize_line().

#include <boost/json.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace uaudit::audit::detail {

/// `text` as a JSON string with every invalid UTF-8 sequence replaced by U+FFFD, so the line
/// stays valid UTF-8 whatever bytes a client sent (a User-Agent may hold any byte, UA004).
boost::json::string valid_utf8(std::string_view text);

/// One line of JSON, no newline: like boost::json::serialize, except that doubles are written
/// in plain decimal ("12.5", not "1.25E1"); non-finite doubles become null.
std::string serialize_line(const boost::json::value& value);

/// Durations to the microsecond: finer digits are noise, and a rounded value reads back equal.
/// Non-finite values become 0.
double round_ms(double value);

/// Appends `text` quoted and escaped, with invalid UTF-8 replaced by U+FFFD: the bytes of
/// `boost::json::serialize(valid_utf8(text))`.
void append_text(std::string& out, std::string_view text);

/// Appends `text` quoted and escaped, bytes >= 0x80 unchanged: the bytes of
/// `boost::json::serialize(boost::json::string_view(text))`. For keys and fixed names.
void append_escaped(std::string& out, std::string_view text);

/// Appends the quoted timestamp: the bytes of `serialize(format_timestamp(time))`.
void append_timestamp(std::string& out, std::chrono::system_clock::time_point time);

void append_uint(std::string& out, std::uint64_t value);
void append_int(std::string& out, std::int64_t value);
/// Plain decimal, shortest form that reads back equal ("12.5", "0.001", "-0"); non-finite
/// values become null.
void append_double(std::string& out, double value);

}  // namespace uaudit::audit::detail
