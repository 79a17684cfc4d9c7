#pragma once
// The `endpoint` and `operation` fields of a request record (SPEC §8, §12.12): the path with
// identifiers replaced by typed placeholders, so that calls group by API operation, and the
// documented operation of the catalog it calls.

#include "audit/catalog.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace uaudit::audit {

/// Replaces identifiers in a path by typed placeholders. Works segment by segment on the
/// path as sent (not decoded; a query or fragment is dropped); literal segments keep their
/// case. A whole segment that is
///   - 40 hex digits (machine id, SHA-1)                      becomes `{sha1}`,
///   - 64 hex digits (SHA-256)                                 becomes `{sha256}`,
///   - a GUID, bare, braced `{...}` or `%7B...%7D`             becomes `{guid}`,
///   - an alert id: `da`/`ed`/`fa` or nothing, digits, `_`, optional `-`, digits
///     (`da637308392288907382_-880718168`, `636688558380765161_2136280442`) becomes `{alertId}`,
///   - any other run of digits only                            becomes `{n}`.
/// Hex matches in either case. An OData key or function-argument form `name(...)` at the end
/// of a segment keeps its name, argument names and quotes, and every value becomes the typed
/// placeholder above or `{id}` when it is of no known kind:
///   `users('abc@x.com')` -> `users('{id}')`,
///   `findbyip(ip='10.1.1.1',timestamp=2024-05-01T00:00:00Z)` ->
///   `findbyip(ip='{id}',timestamp={id})`, `GetLiveResponseResultDownloadLink(index=0)` ->
///   `GetLiveResponseResultDownloadLink(index={n})`.
/// Never throws on any input.
std::string normalize_endpoint(std::string_view path);

/// One segment of normalize_endpoint(): the typed placeholder, the OData form, or the
/// segment unchanged.
std::string normalize_segment(std::string_view segment);

/// What the record says about the path of an in-scope request.
struct EndpointInfo {
    std::string endpoint;                  // normalized template
    std::optional<std::string> operation;  // "METHOD /template" of the catalog; nullopt: none
};

/// `endpoint` and `operation` of a request. For a documented operation the endpoint keeps
/// the operation's literal segments as sent (`/api/machines/{sha1}/isolate`), and a segment
/// that fills a whole `{name}` of the template but is of no known kind becomes the catalog's
/// placeholder (`GET /api/machines/MyComputer` -> `/api/machines/{id}`), so one operation
/// groups under few endpoints. Otherwise the endpoint is normalize_endpoint(path).
/// `target` is the path, optionally with its query (only its key names break catalog ties).
EndpointInfo classify_endpoint(std::string_view method, std::string_view target,
                               const OperationCatalog& catalog = OperationCatalog::embedded());

}  // namespace uaudit::audit
