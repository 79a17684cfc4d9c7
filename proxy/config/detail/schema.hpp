#pragma once
// The two passes of loading (STYLE.md §6): read the YAML into a Config against the schema of
// SPEC §4, then validate what spans several keys. Both report into the same Reader.

#include "config/config.hpp"
#include "config/detail/reader.hpp"

namespace uaudit::config::detail {

/// Fills `out` from the document root (a null root leaves the defaults).
void read_config(Reader& reader, const YAML::Node& root, Config& out);

/// Checks between keys: rewrite value, access control of listeners, listener clashes.
void validate_config(Reader& reader, const Config& config);

}  // namespace uaudit::config::detail
