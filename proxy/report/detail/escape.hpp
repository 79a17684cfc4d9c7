#pragma once
// Text escaping for the renderers. Every function first makes its input valid UTF-8 (a
// User-Agent may hold any byte) and is total: no input makes it throw.

#include <string>
#include <string_view>

namespace uaudit::report::detail {

/// `text` with every invalid UTF-8 sequence replaced by U+FFFD.
std::string valid_utf8(std::string_view text);

/// valid_utf8(), with control characters (below U+0020, and DEL) replaced by U+FFFD.
std::string printable(std::string_view text);

/// For XML / HTML text and attribute values: `& < > " '` escaped, and control characters that
/// XML 1.0 forbids (all below U+0020 but TAB, LF, CR; and DEL) replaced by U+FFFD.
std::string xml_escape(std::string_view text);

/// For Markdown inline text and table cells: punctuation with a Markdown meaning is
/// backslash-escaped, `<`/`>`/`&` become entities, control characters become U+FFFD.
std::string markdown_escape(std::string_view text);

/// One RFC 4180 field: quoted (with doubled quotes) when it holds `,` `"` CR or LF.
std::string csv_field(std::string_view text);

}  // namespace uaudit::report::detail
