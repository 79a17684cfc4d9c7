#pragma once
// The version formats of `rules.version_format` (SPEC §6).

#include "compliance/rules.hpp"

#include <string_view>

namespace uaudit::compliance {

/// semver.org 2.0: MAJOR.MINOR.PATCH with optional "-prerelease" and "+build", numeric
/// identifiers without leading zeros.
bool is_semver(std::string_view version);

/// 1 to 4 components of decimal digits separated by dots ("5.1.22621.2506").
bool is_dotted(std::string_view version);

/// Whether `version` follows `format` (`token`: any RFC 9110 token).
bool matches_version_format(std::string_view version, VersionFormat format);

/// A short human description of `format` for messages.
std::string_view describe_version_format(VersionFormat format);

}  // namespace uaudit::compliance
