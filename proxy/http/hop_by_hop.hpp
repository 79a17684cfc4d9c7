#pragma once
// Hop-by-hop hygiene (RFC 9110 §7.6.1): fields that describe one connection, not the message,
// are removed before a message is forwarded to the next hop.

#include <boost/beast/http/fields.hpp>

namespace uaudit::http {

/// Removes `Connection` and every field it names, `Proxy-Connection`, `Keep-Alive`, `TE`,
/// `Trailer`, `Upgrade`, `Proxy-Authorization` and `Proxy-Authenticate`.
/// `Transfer-Encoding` and `Content-Length` stay (the serializer frames the forwarded body
/// from them), and so do `Host` and `User-Agent` even when `Connection` names them: a peer
/// must not be able to strip the fields the audit is about.
void remove_hop_by_hop(boost::beast::http::fields& fields);

}  // namespace uaudit::http
