#pragma once
// The subcommands of `uaudit` (SPEC §3). Each takes the arguments after its own name and
// returns the process exit code; none throws.

#include <iosfwd>
#include <span>
#include <string_view>

namespace uaudit::cli {

/// Exit codes shared by the subcommands.
enum exit_code : int { exit_ok = 0, exit_findings = 1, exit_usage = 2 };

/// `uaudit <command> ...`: picks the subcommand, handles --help and --version.
int dispatch(int argc, char** argv);

/// `uaudit check ...`; reads stdin when no User-Agent is given as an argument.
int check_command(std::span<const std::string_view> args, std::istream& in, std::ostream& out,
                  std::ostream& err);

/// `uaudit config check FILE` / `uaudit config default`.
int config_command(std::span<const std::string_view> args, std::ostream& out, std::ostream& err);

}  // namespace uaudit::cli
