#pragma once
// Reading YAML nodes into typed values while collecting diagnostics. Every read reports
// what is wrong at the node's position and leaves the target at its default, so one pass
// finds every problem of a file. Only the config module sees yaml-cpp.

#include "config/config.hpp"
#include "config/load.hpp"

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace uaudit::config::detail {

struct Location {
    int line = 0;  // 1-based; 0 unknown
    int column = 0;
};

Location location_of(const YAML::Node& node);

/// "a.b" + "c" -> "a.b.c"; "" + "c" -> "c".
std::string join_path(const std::string& parent, std::string_view key);
std::string index_path(const std::string& parent, std::size_t index);

template <class T>
struct EnumName {
    std::string_view name;
    T value;
};

class Reader {
public:
    explicit Reader(std::string file)
        : file_(std::move(file)) {}

    void error(Location where, std::string key_path, std::string message);
    /// An empty value (`key:`) has no position of its own; it is reported at its key.
    void error(const YAML::Node& node, std::string key_path, std::string message) {
        error(node.IsNull() ? key_location_ : location_of(node), std::move(key_path),
              std::move(message));
    }
    bool has_errors() const { return !diagnostics_.empty(); }
    std::vector<Diagnostic> take_diagnostics();

    /// Where the value of `key_path` was written (0:0 when the key was not given).
    Location where(const std::string& key_path) const;
    bool given(const std::string& key_path) const { return locations_.contains(key_path); }
    /// True when reading `key_path` (or anything below it) reported an error.
    bool failed(const std::string& key_path) const;

    using Visitor =
        std::function<void(std::string_view key, const YAML::Node& value, const std::string& path)>;
    /// Calls `visit` for every known key of the map `node`; reports unknown keys (with a
    /// "did you mean" for near misses), duplicate keys and a node that is not a map.
    /// A null node (an empty section) visits nothing.
    void visit_map(const YAML::Node& node, const std::string& path,
                   std::initializer_list<std::string_view> known, const Visitor& visit);
    /// Calls `visit` for every entry of a map whose keys are data (resolve, severity).
    void visit_entries(const YAML::Node& node, const std::string& path, const Visitor& visit);
    /// Calls `visit(index, element, path)` for a sequence; false when `node` is not one.
    bool visit_list(
        const YAML::Node& node, const std::string& path,
        const std::function<void(std::size_t, const YAML::Node&, const std::string&)>& visit);

    /// The scalar text of `node`, or nullopt after reporting a non-scalar.
    std::optional<std::string> scalar(const YAML::Node& node, const std::string& path,
                                      std::string_view expected = "a string");

    void read_string(const YAML::Node& node, const std::string& path, std::string& out);
    void read_bool(const YAML::Node& node, const std::string& path, bool& out);
    std::optional<std::uint64_t> read_number(const YAML::Node& node, const std::string& path,
                                             std::uint64_t min, std::uint64_t max);
    template <class T>
    void read_number(const YAML::Node& node, const std::string& path, T& out, std::uint64_t min,
                     std::uint64_t max) {
        if (const auto value = read_number(node, path, min, max)) {
            out = static_cast<T>(*value);
        }
    }
    void read_duration(const YAML::Node& node, const std::string& path, Duration& out,
                       bool allow_zero);
    void read_size(const YAML::Node& node, const std::string& path, std::uint64_t& out,
                   std::uint64_t min);
    std::optional<HostPort> read_host_port(const YAML::Node& node, const std::string& path);

    template <class T, std::size_t N>
    void read_enum(const YAML::Node& node, const std::string& path, T& out,
                   const EnumName<T> (&names)[N]) {
        const auto text = scalar(node, path);
        if (!text) {
            return;
        }
        std::string choices;
        for (const auto& entry : names) {
            if (entry.name == *text) {
                out = entry.value;
                return;
            }
            choices += choices.empty() ? "" : " | ";
            choices += entry.name;
        }
        error(node, path, "expected " + choices + ", found '" + *text + "'");
    }

    void remember(const std::string& path, const YAML::Node& node);

private:
    std::string file_;
    std::vector<Diagnostic> diagnostics_;
    std::map<std::string, Location> locations_;
    std::set<std::string> failed_;
    Location key_location_;  // of the key whose value is being read
};

/// The closest of `candidates` to `key` when it is a plausible typo, else "".
std::string_view closest_key(std::string_view key,
                             std::initializer_list<std::string_view> candidates);

}  // namespace uaudit::config::detail
