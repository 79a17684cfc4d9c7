#pragma once
// Responses uaudit writes itself: short JSON error bodies `{"error","message"}` (SPEC §7),
// the enforce block, admin pages.

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <string>
#include <string_view>

namespace uaudit::server {

using StringResponse = boost::beast::http::response<boost::beast::http::string_body>;

/// A complete response with Content-Length; `version` 10 or 11 (the client's).
StringResponse make_response(unsigned status, std::string_view content_type, std::string body,
                             unsigned version, bool keep_alive);

/// `{"error": code, "message": message}` as application/json.
StringResponse json_error(unsigned status, std::string_view code, std::string_view message,
                          unsigned version, bool keep_alive);

}  // namespace uaudit::server
