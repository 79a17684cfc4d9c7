#pragma once
// `uaudit ca init [--force] | show | export` (SPEC §3): the interception CA's life cycle.

#include <iosfwd>
#include <span>
#include <string_view>

namespace uaudit::cli {

/// `uaudit ca ...`, with `-c FILE` (data_dir, tls.ca_cert, tls.ca_key) or `--data-dir DIR`
/// (overrides the file's data_dir) to find the CA; neither = the embedded default. `export`
/// writes only the PEM certificate to `out`. Exit 0, or 2 with a message on `err` (no CA,
/// unreadable, refused, usage).
int ca_command(std::span<const std::string_view> args, std::ostream& out, std::ostream& err);

}  // namespace uaudit::cli
