#pragma once
// Reading event records from parsed JSON objects (the `v` check is done by the caller).

#include "audit/event_json.hpp"

#include <boost/json.hpp>

namespace uaudit::audit::detail {

/// The record of a JSON object whose `v` is 1: ok, unknown_kind or malformed.
ParseResult read_record(const boost::json::object& object);

}  // namespace uaudit::audit::detail
