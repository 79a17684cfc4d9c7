#pragma once
// Request framing checks against request smuggling (RFC 9112 §6.1, §6.3, §5.2): a request
// whose body length two parsers could read differently is refused with 400, never forwarded.

#include <boost/beast/http/message.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace uaudit::http {

/// Checks a complete request head as received (start line through the blank line) for
/// obsolete line folding or a field line starting with whitespace. Returns the reason, or
/// nullopt when the head is clean.
std::optional<std::string> check_raw_head(std::string_view head);

/// Checks the parsed framing fields of a request: Transfer-Encoding with Content-Length,
/// Transfer-Encoding whose final coding is not `chunked`, Transfer-Encoding on HTTP/1.0,
/// several or list-valued Content-Length fields that disagree or are not numbers.
/// Returns the reason, or nullopt. Beast's parser already refuses some of these; this
/// check holds the rule in one place whatever the parser version does.
std::optional<std::string> check_request_framing(const boost::beast::http::request_header<>& head);

/// Rewrites agreeing duplicate or list-valued Content-Length fields (`5, 5`) into one field,
/// so the next hop cannot read them differently. Call after check_request_framing.
void normalize_content_length(boost::beast::http::fields& fields);

}  // namespace uaudit::http
