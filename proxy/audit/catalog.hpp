#pragma once
// The catalog of documented MDE / Defender XDR / Graph security operations (SPEC §5,
// config/mde_endpoints.tsv, compiled into the binary). It maps a request to the operation
// it calls, "METHOD /template" exactly as the catalog writes it, and lists the operations
// for the API-coverage table of the report.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace uaudit::audit {

/// One documented operation. A catalog row naming several methods (`GET/PATCH/DELETE`) gives
/// one Operation per method, so coverage is counted per method.
struct Operation {
    std::string family;         // "MDE", "MDE-TVM", "M365D", "Graph v1.0", "Entra token", ...
    std::string method;         // upper-case, as the catalog writes it: "GET"
    std::string path_template;  // as written, query part included: "/api/machines/{id}"
    std::string id_kinds;       // free text: what the placeholders hold
    std::string source;         // where the operation is documented

    /// "GET /api/machines/{id}": the `operation` value of a request record.
    std::string name() const { return method + ' ' + path_template; }
};

/// The operations of a catalog, with their path templates compiled for matching.
///
/// Matching rules: the method compares case-insensitively with the operation's method; the
/// path (its query ignored) compares segment by segment, case-insensitively, after decoding
/// %XX escapes; a template segment `{name}` matches one non-empty segment; placeholders
/// inside a segment (`findbyip(ip='{IP}',timestamp={TimeStamp})`) match a non-empty run of
/// characters within it; one trailing slash is ignored. When several operations match, the
/// more literal one wins: segments compare left to right, literal before mixed before
/// placeholder (`/api/machines/SoftwareInventoryExport` beats `/api/machines/{id}`). Ties
/// go to the operation whose template query names a key present in the request's query
/// (`/api/alerts?sinceTimeUtc=...` is the SIEM operation), then to the earlier row.
class OperationCatalog {
public:
    /// Parses catalog text: tab-separated `api_family, method, path_template, id_kinds,
    /// source`, a header line first; blank lines and lines starting with '#' are skipped.
    /// Throws std::invalid_argument naming the line when a row is unusable (start-up only).
    static OperationCatalog parse(std::string_view tsv);

    /// The catalog compiled into the binary, parsed on first use (well under a millisecond).
    static const OperationCatalog& embedded();

    /// The operation a request calls, or nullptr when it is undocumented. `target` is the
    /// path as sent, optionally with its query (used only to break ties, by key name).
    const Operation* find(std::string_view method, std::string_view target) const;

    /// `find(...)->name()`: "METHOD /template", or nullopt when undocumented.
    std::optional<std::string> match(std::string_view method, std::string_view target) const;

    /// Every operation, in catalog order.
    const std::vector<Operation>& operations() const { return operations_; }

private:
    enum class SegmentKind { placeholder = 0, mixed = 1, literal = 2 };  // rank order
    struct Token {
        bool wildcard = false;
        std::string lowered;  // the literal text, lower-case; empty for a wildcard
    };
    struct Segment {
        SegmentKind kind = SegmentKind::literal;
        std::vector<Token> tokens;
    };
    struct Compiled {
        std::string method_lower;
        std::vector<Segment> segments;
        std::vector<std::string> query_keys;  // lower-case names in the template's query
    };

    static bool tokens_match(const std::vector<Token>& tokens, std::string_view lowered);

    std::vector<Operation> operations_;
    std::vector<Compiled> compiled_;  // parallel to operations_
};

}  // namespace uaudit::audit
