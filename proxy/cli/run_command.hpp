#pragma once
// `uaudit run [-c FILE] [--listen H:P] [--admin H:P|""] [--mode M] [--data-dir DIR]` (SPEC §3):
// runs the proxy until SIGINT/SIGTERM. Exit codes: 0 clean stop, 2 bad config or cannot listen.

#include <iosfwd>
#include <span>
#include <string_view>

namespace uaudit::cli {

/// `args` are the arguments after `run`.
int run_command(std::span<const std::string_view> args, std::ostream& out, std::ostream& err);

}  // namespace uaudit::cli
