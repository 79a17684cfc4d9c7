#pragma once
// Small ASCII helpers shared by the scope, endpoint and catalog code. Paths are byte strings
// as sent (never decoded for output), so these work on bytes and ignore locales.

#include <string>
#include <string_view>
#include <vector>

namespace uaudit::audit::detail {

constexpr char ascii_lower(char c) noexcept {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

constexpr bool is_hex(char c) noexcept {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

constexpr bool is_digit(char c) noexcept {
    return c >= '0' && c <= '9';
}

std::string to_lower(std::string_view text);
bool iequals(std::string_view a, std::string_view b) noexcept;

/// The path without its query (`?...`) or fragment (`#...`).
std::string_view path_part(std::string_view target) noexcept;

/// The segments between slashes of a path that starts with '/': "/a//b/" gives
/// {"a", "", "b", ""}. A path without the leading slash is split as is.
std::vector<std::string_view> split_segments(std::string_view path);

/// Decodes %XX escapes (either hex case); malformed escapes stay as written. For matching
/// only: nothing uaudit writes is decoded.
std::string percent_decode(std::string_view text);

}  // namespace uaudit::audit::detail
