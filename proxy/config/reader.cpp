#include "config/detail/reader.hpp"

#include "config/detail/text.hpp"
#include "config/detail/values.hpp"

#include <algorithm>
#include <string>
#include <vector>

namespace uaudit::config::detail {
namespace {

std::string describe(const YAML::Node& node) {
    switch (node.Type()) {
        case YAML::NodeType::Map:
            return "a map";
        case YAML::NodeType::Sequence:
            return "a list";
        case YAML::NodeType::Scalar:
            return "'" + node.Scalar() + "'";
        default:
            return "no value";
    }
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) {
        row[j] = j;
    }
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t above = row[j];
            const std::size_t cost = to_lower(a[i - 1]) == to_lower(b[j - 1]) ? 0 : 1;
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + cost});
            diagonal = above;
        }
    }
    return row[b.size()];
}

}  // namespace

Location location_of(const YAML::Node& node) {
    if (!node.IsDefined()) {
        return {};
    }
    const YAML::Mark mark = node.Mark();
    if (mark.is_null()) {
        return {};
    }
    return {mark.line + 1, mark.column + 1};
}

std::string join_path(const std::string& parent, std::string_view key) {
    return parent.empty() ? std::string(key) : parent + "." + std::string(key);
}

std::string index_path(const std::string& parent, std::size_t index) {
    return parent + "[" + std::to_string(index) + "]";
}

std::string_view closest_key(std::string_view key,
                             std::initializer_list<std::string_view> candidates) {
    std::string_view best;
    std::size_t best_distance = 3;  // at most two edits count as a typo
    for (std::string_view candidate : candidates) {
        const std::size_t distance = edit_distance(key, candidate);
        if (distance < best_distance && distance < key.size()) {
            best = candidate;
            best_distance = distance;
        }
    }
    return best;
}

void Reader::error(Location where, std::string key_path, std::string message) {
    failed_.insert(key_path);
    diagnostics_.push_back(
        Diagnostic{file_, where.line, where.column, std::move(key_path), std::move(message)});
}

std::vector<Diagnostic> Reader::take_diagnostics() {
    std::stable_sort(diagnostics_.begin(), diagnostics_.end(),
                     [](const Diagnostic& a, const Diagnostic& b) {
                         // Unknown positions (line 0) go last.
                         const auto key = [](const Diagnostic& d) {
                             return std::pair(d.line == 0 ? 1 : 0, std::pair(d.line, d.column));
                         };
                         return key(a) < key(b);
                     });
    return std::move(diagnostics_);
}

Location Reader::where(const std::string& key_path) const {
    const auto found = locations_.find(key_path);
    return found == locations_.end() ? Location{} : found->second;
}

bool Reader::failed(const std::string& key_path) const {
    for (const std::string& path : failed_) {
        if (path == key_path || (path.starts_with(key_path) &&
                                 (path[key_path.size()] == '.' || path[key_path.size()] == '['))) {
            return true;
        }
    }
    return false;
}

void Reader::remember(const std::string& path, const YAML::Node& node) {
    locations_.emplace(path, location_of(node));
}

void Reader::visit_map(const YAML::Node& node, const std::string& path,
                       std::initializer_list<std::string_view> known, const Visitor& visit) {
    if (node.IsNull()) {
        return;
    }
    if (!node.IsMap()) {
        error(node, path, "expected a map, found " + describe(node));
        return;
    }
    std::set<std::string> seen;
    for (const auto& entry : node) {
        const YAML::Node& key_node = entry.first;
        if (!key_node.IsScalar()) {
            error(key_node, path, "a key must be a plain name, found " + describe(key_node));
            continue;
        }
        const std::string& key = key_node.Scalar();
        const std::string key_path = join_path(path, key);
        if (std::find(known.begin(), known.end(), key) == known.end()) {
            std::string message = "unknown key '" + key + "'";
            if (const std::string_view guess = closest_key(key, known); !guess.empty()) {
                message += "; did you mean '" + std::string(guess) + "'?";
            }
            error(key_node, key_path, std::move(message));
            continue;
        }
        if (!seen.insert(key).second) {
            error(key_node, key_path, "duplicate key '" + key + "'");
            continue;
        }
        remember(key_path, entry.second);
        key_location_ = location_of(key_node);
        visit(key, entry.second, key_path);
    }
}

void Reader::visit_entries(const YAML::Node& node, const std::string& path, const Visitor& visit) {
    if (node.IsNull()) {
        return;
    }
    if (!node.IsMap()) {
        error(node, path, "expected a map, found " + describe(node));
        return;
    }
    for (const auto& entry : node) {
        const YAML::Node& key_node = entry.first;
        if (!key_node.IsScalar()) {
            error(key_node, path, "a key must be a string, found " + describe(key_node));
            continue;
        }
        // Keys like UA008 read well as a path; names with dots or colons need quoting.
        const std::string& key = key_node.Scalar();
        const bool plain = !key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
            return is_alnum(c) || c == '_' || c == '-';
        });
        const std::string key_path = plain ? join_path(path, key) : path + "[\"" + key + "\"]";
        remember(key_path, entry.second);
        key_location_ = location_of(key_node);
        visit(key_node.Scalar(), entry.second, key_path);
    }
}

bool Reader::visit_list(
    const YAML::Node& node, const std::string& path,
    const std::function<void(std::size_t, const YAML::Node&, const std::string&)>& visit) {
    if (node.IsNull()) {
        return false;
    }
    if (!node.IsSequence()) {
        error(node, path, "expected a list, found " + describe(node));
        return false;
    }
    std::size_t index = 0;
    for (const auto& element : node) {
        const std::string element_path = index_path(path, index);
        remember(element_path, element);
        key_location_ = location_of(element);
        visit(index, element, element_path);
        ++index;
    }
    return true;
}

std::optional<std::string> Reader::scalar(const YAML::Node& node, const std::string& path,
                                          std::string_view expected) {
    if (!node.IsScalar()) {
        error(node, path, "expected " + std::string(expected) + ", found " + describe(node));
        return std::nullopt;
    }
    return node.Scalar();
}

void Reader::read_string(const YAML::Node& node, const std::string& path, std::string& out) {
    if (auto text = scalar(node, path)) {
        out = std::move(*text);
    }
}

void Reader::read_bool(const YAML::Node& node, const std::string& path, bool& out) {
    const auto text = scalar(node, path, "true or false");
    if (!text) {
        return;
    }
    // YAML 1.2 booleans only: `yes`/`on` are strings there, and silently reading them as
    // true is how the "Norway problem" starts.
    if (*text == "true" || *text == "True" || *text == "TRUE") {
        out = true;
    } else if (*text == "false" || *text == "False" || *text == "FALSE") {
        out = false;
    } else {
        error(node, path, "expected true or false, found '" + *text + "'");
    }
}

std::optional<std::uint64_t> Reader::read_number(const YAML::Node& node, const std::string& path,
                                                 std::uint64_t min, std::uint64_t max) {
    const auto text = scalar(node, path, "a whole number");
    if (!text) {
        return std::nullopt;
    }
    const bool digits = !text->empty() &&
                        std::all_of(text->begin(), text->end(), [](char c) { return is_digit(c); });
    if (!digits) {
        error(node, path, "expected a whole number, found '" + *text + "'");
        return std::nullopt;
    }
    std::uint64_t value = 0;
    bool too_big = text->size() > 18;
    if (!too_big) {
        value = std::stoull(*text);
    }
    if (too_big || value < min || value > max) {
        error(node, path,
              "must be from " + std::to_string(min) + " to " + std::to_string(max) + ", found " +
                  *text);
        return std::nullopt;
    }
    return value;
}

void Reader::read_duration(const YAML::Node& node, const std::string& path, Duration& out,
                           bool allow_zero) {
    const auto text = scalar(node, path, "a duration");
    if (!text) {
        return;
    }
    const auto value = parse_duration(*text);
    if (!value) {
        error(node, path,
              "expected a duration such as 500ms, 10s, 5m, 2h or 30d, found '" + *text + "'");
        return;
    }
    if (!allow_zero && value->count() == 0) {
        error(node, path, "must be longer than 0");
        return;
    }
    out = *value;
}

void Reader::read_size(const YAML::Node& node, const std::string& path, std::uint64_t& out,
                       std::uint64_t min) {
    const auto text = scalar(node, path, "a size");
    if (!text) {
        return;
    }
    const auto value = parse_size(*text);
    if (!value) {
        error(node, path, "expected a size such as 1024, 64KiB or 100MiB, found '" + *text + "'");
        return;
    }
    if (*value < min) {
        error(node, path, "must be at least " + std::to_string(min) + " bytes, found " + *text);
        return;
    }
    out = *value;
}

std::optional<HostPort> Reader::read_host_port(const YAML::Node& node, const std::string& path) {
    const auto text = scalar(node, path, "host:port");
    if (!text) {
        return std::nullopt;
    }
    std::string why;
    auto value = detail::parse_host_port(*text, why);
    if (!value) {
        error(node, path, why);
    }
    return value;
}

}  // namespace uaudit::config::detail
