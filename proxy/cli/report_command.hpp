#pragma once
// `uaudit report` (SPEC §3): merges event logs into one report.

#include <iosfwd>
#include <span>
#include <string_view>

namespace uaudit::cli {

/// `uaudit report --events FILE [FILE ...] [--events FILE ...] [--format F] [-o OUT]
/// [--max-rows N]`. Exit 0 for PASS or WARN, 1 for FAIL or NO-DATA, 2 for a usage error, a
/// file that cannot be read, a non-empty file without a valid record, or a record of a newer
/// event format. Warnings (malformed lines) go to `err`.
int report_command(std::span<const std::string_view> args, std::ostream& out, std::ostream& err);

/// The text of `uaudit report --help`.
std::string_view report_help_text();

}  // namespace uaudit::cli
