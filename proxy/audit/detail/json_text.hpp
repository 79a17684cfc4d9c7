#pragma once
// JSON text helpers of the event log: valid UTF-8 strings and the one-line serializer.

#include <boost/json.hpp>

#include <string>
#include <string_view>

namespace uaudit::audit::detail {

/// `text` as a JSON string with every invalid UTF-8 sequence replaced by U+FFFD, so the line
/// stays valid UTF-8 whatever bytes a client sent (a User-Agent may hold any byte, UA004).
boost::json::string valid_utf8(std::string_view text);

/// One line of JSON, no newline: like boost::json::serialize, except that doubles are written
/// in plain decimal ("12.5", not "1.25E1"); non-finite doubles become null.
std::string serialize_line(const boost::json::value& value);

}  // namespace uaudit::audit::detail
