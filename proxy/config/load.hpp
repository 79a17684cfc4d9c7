#pragma once
// Loading and validating a configuration: YAML -> Config, with every problem reported as
// `file:line:col: key.path: message` (all of them, not just the first).

#include "config/config.hpp"

#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace uaudit::config {

struct Diagnostic {
    std::string file;      // as given, or "<embedded>" / "<string>"
    int line = 0;          // 1-based; 0 when unknown
    int column = 0;        // 1-based; 0 when unknown
    std::string key_path;  // e.g. "limits.header_timeout", "scope[2].host"
    std::string message;

    std::string to_string() const;  // "file:line:col: key.path: message"
};

/// Thrown by the loaders; `what()` is every diagnostic, one per line.
class ConfigError : public std::runtime_error {
public:
    explicit ConfigError(std::vector<Diagnostic> diagnostics);
    const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }

private:
    std::vector<Diagnostic> diagnostics_;
};

/// Parses and validates YAML text. An empty document is the default configuration.
/// `source_name` appears in diagnostics. Throws ConfigError.
Config load_config_string(std::string_view yaml, std::string_view source_name = "<string>");

/// Reads and loads a file. Throws ConfigError (also when the file cannot be read).
Config load_config_file(const std::filesystem::path& path);

/// The embedded default configuration text (config/default.yaml, compiled in).
std::string_view default_config_yaml();

/// The embedded default, loaded.
const Config& default_config();

/// `config check`'s extra pass (SPEC §12.6): files the configuration reads must exist
/// (route cert/key, upstream_ca_file); files `run` creates need a creatable directory.
/// Returns the problems found (empty = fine); paths resolve against `data_dir`.
std::vector<Diagnostic> check_files(const Config& config, std::string_view source_name);

/// A path from the configuration, resolved against `data_dir` when relative.
std::filesystem::path resolve_path(const Config& config, const std::string& path);

/// Parses "500ms", "10s", "5m", "2h", "30d" (a bare "0" is zero). nullopt when malformed.
std::optional<Duration> parse_duration(std::string_view text);

/// Parses "1024", "64KiB", "100MiB", "1GiB" (also KB/MB/GB as powers of 1000).
std::optional<std::uint64_t> parse_size(std::string_view text);

/// Parses "host:port" / "[v6]:port". nullopt when malformed or port is 0 / > 65535.
std::optional<HostPort> parse_host_port(std::string_view text);

/// Parses "a.b.c.d/n" or "v6/n" (a bare address is /32 or /128).
std::optional<Cidr> parse_cidr(std::string_view text);

}  // namespace uaudit::config
