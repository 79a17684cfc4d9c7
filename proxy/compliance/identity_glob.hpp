#pragma once
// Matching of `identity.version` globs (SPEC §4): "*" matches any run of characters,
// every other character matches itself, case-sensitively.

#include <string_view>

namespace uaudit::compliance {

/// True when `pattern` holds a "*", i.e. is a glob rather than an exact value.
bool is_glob(std::string_view pattern);

/// Whether `text` matches `pattern` as a whole. Linear backtracking: no input is slow.
bool glob_match(std::string_view pattern, std::string_view text);

}  // namespace uaudit::compliance
