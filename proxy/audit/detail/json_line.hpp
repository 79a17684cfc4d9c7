#pragma once
// The direct writer of event records: appends the JSON text of a record to a string without
// building a boost::json::value first (the event log writes one record per proxied request).
// The bytes are those of serialize_line(to_json(record)) (json_line_test.cpp checks it).

#include "audit/event_record.hpp"

#include <string>

namespace uaudit::audit::detail {

/// Appends the record as one line of JSON, without newline.
void append_record(std::string& out, const EventRecord& record);

}  // namespace uaudit::audit::detail
