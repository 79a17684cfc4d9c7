#pragma once
// The JSON Lines form of the event records (SPEC §8, §12.11). The writer emits keys in a
// fixed order (the field order of event_record.hpp, `v, ts, id, instance, kind` first),
// every absent value as null (only `ua_values` is left out, when there are fewer than two
// fields), times as RFC 3339 UTC with milliseconds, durations in plain decimal rounded to
// the microsecond. Reading a line the writer produced and writing the record again gives the
// same bytes.

#include "audit/event_record.hpp"

#include <boost/json.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace uaudit::audit {

boost::json::object to_json(const RequestRecord& record);
boost::json::object to_json(const RefusedRecord& record);
boost::json::object to_json(const TlsClientRejectedRecord& record);
boost::json::object to_json(const OutOfScopeRecord& record);
boost::json::object to_json(const OutOfScopeSummaryRecord& record);
boost::json::object to_json(const RunStartRecord& record);
boost::json::object to_json(const RunStopRecord& record);
boost::json::object to_json(const EventRecord& record);

/// `[{code, severity, message, suggestion?}]`: `suggestion` only where there is one. Also
/// the shape of `uaudit check --json` and of the enforce body.
boost::json::array to_json(const std::vector<compliance::Finding>& findings);

/// The record as one line of JSON, without the trailing newline. Strings that are not valid
/// UTF-8 (a User-Agent may hold any byte) are written with U+FFFD in place of bad bytes.
/// Written directly, without a boost::json::value in between; the bytes are those of
/// `detail::serialize_line(to_json(record))`.
std::string to_json_line(const EventRecord& record);

/// Appends to_json_line(record) and a newline to `out` (the event log's hot path: no
/// allocation once `out` has grown to a line).
void append_json_line(std::string& out, const EventRecord& record);

enum class ParseStatus {
    ok,
    unknown_kind,         // a `kind` this version does not know: skip the line
    unsupported_version,  // `v` > 1: written by a newer uaudit; refuse the log
    malformed,            // not JSON, or a key missing or of the wrong type
};

struct ParseResult {
    ParseStatus status = ParseStatus::malformed;
    std::optional<EventRecord> record;  // set when status is ok
    std::string message;                // why, when status is not ok (one line)
};

/// Reads one line of an event log (a trailing CR is ignored). Never throws: bad input gives
/// `malformed` with the reason. Keys the record does not know are ignored; a missing key of
/// a nullable field reads as null.
ParseResult parse_event_line(std::string_view line);

}  // namespace uaudit::audit
