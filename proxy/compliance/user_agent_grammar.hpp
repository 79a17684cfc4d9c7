#pragma once
// The User-Agent grammar of RFC 9110 §10.1.5:
//
//     User-Agent      = product *( RWS ( product / comment ) )
//     product         = token [ "/" product-version ]
//     comment         = "(" *( ctext / quoted-pair / comment ) ")"
//
// with one deliberate restriction (SPEC §6): bytes outside visible ASCII, SP and HTAB are
// errors everywhere, comments included (RFC 9110 tolerates them there as obs-text only).
// Pure and iterative: no input makes it throw, recurse or allocate more than O(n).

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace uaudit::compliance {

/// Deepest comment nesting the parser accepts; deeper nesting is a parse error.
inline constexpr std::size_t max_comment_depth = 32;

enum class ElementKind { product, comment };

/// One element of a User-Agent value. The views point into the parsed value: keep it alive
/// as long as the element.
struct UaElement {
    ElementKind kind = ElementKind::product;
    std::size_t offset = 0;  // byte offset of the element in the value
    std::string_view text;   // the element as written: "curl/8.5.0" or "(Linux; x64)"
    std::string_view name;   // a product's token before "/"; empty for a comment
    std::optional<std::string_view> version;  // a product's token after "/", when written

    friend bool operator==(const UaElement&, const UaElement&) = default;
};

struct UaParseError {
    std::size_t offset = 0;  // byte offset where parsing failed
    std::string reason;      // short, one line, quotes no byte outside visible ASCII
};

/// The elements parsed before any error, and the error.
struct UaParseResult {
    std::vector<UaElement> elements;
    std::optional<UaParseError> error;

    bool ok() const { return !error; }
};

/// Parses one User-Agent field value. The value is expected without leading or trailing
/// whitespace (HTTP parsers strip it); any that remains is a parse error.
UaParseResult parse_user_agent(std::string_view value);

/// Best-effort elements of a value that fails the grammar, so that the rules can still find
/// the MdePartner token in it: products are runs of bytes up to whitespace, a control byte or
/// "(", split at their first "/"; comments run to their matching ")" or to the end.
std::vector<UaElement> scan_user_agent_leniently(std::string_view value);

/// RFC 9110 tchar.
bool is_tchar(char c);

/// RFC 9110 token: one or more tchar.
bool is_token(std::string_view text);

/// SP or HTAB.
inline bool is_blank(char c) {
    return c == ' ' || c == '\t';
}

/// Offset of the first byte that is not visible ASCII, SP or HTAB, if any.
std::optional<std::size_t> find_invalid_byte(std::string_view value);

}  // namespace uaudit::compliance
