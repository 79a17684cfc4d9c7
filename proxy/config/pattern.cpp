#include "config/pattern.hpp"

#include "config/detail/text.hpp"

#include <cstddef>

namespace uaudit::config {
namespace {

bool is_host_pattern_char(char c) {
    return detail::is_alnum(c) || c == '-' || c == '_' || c == '*';
}

// A label glob: every `*` matches a non-empty run, so `api-*` does not match `api-`.
bool label_matches(std::string_view pattern, std::string_view label) {
    if (pattern.empty()) {
        return label.empty();
    }
    if (pattern.front() != '*') {
        return !label.empty() && pattern.front() == label.front() &&
               label_matches(pattern.substr(1), label.substr(1));
    }
    for (std::size_t taken = 1; taken <= label.size(); ++taken) {
        if (label_matches(pattern.substr(1), label.substr(taken))) {
            return true;
        }
    }
    return false;
}

bool labels_match(const std::vector<std::string>& pattern, std::size_t p,
                  const std::vector<std::string_view>& host, std::size_t h) {
    if (p == pattern.size()) {
        return h == host.size();
    }
    if (h == host.size()) {
        return false;
    }
    if (pattern[p] == "**") {
        // One or more labels: try every length, shortest first.
        for (std::size_t next = h + 1; next <= host.size(); ++next) {
            if (labels_match(pattern, p + 1, host, next)) {
                return true;
            }
        }
        return false;
    }
    return label_matches(pattern[p], host[h]) && labels_match(pattern, p + 1, host, h + 1);
}

// `*` matches any run without '/', except a final `*` which takes the rest of the path.
bool path_matches(std::string_view pattern, std::string_view path) {
    if (pattern.empty()) {
        return path.empty();
    }
    if (pattern.front() != '*') {
        return !path.empty() && pattern.front() == path.front() &&
               path_matches(pattern.substr(1), path.substr(1));
    }
    std::string_view rest = pattern.substr(1);
    if (rest.empty()) {
        return true;
    }
    for (std::size_t taken = 0; taken <= path.size(); ++taken) {
        if (path_matches(rest, path.substr(taken))) {
            return true;
        }
        if (taken < path.size() && path[taken] == '/') {
            break;
        }
    }
    return false;
}

}  // namespace

std::optional<HostPattern> HostPattern::parse(std::string_view text, std::string& error) {
    if (text.empty()) {
        error = "empty host pattern";
        return std::nullopt;
    }
    HostPattern pattern;
    pattern.text_ = std::string(text);
    for (std::string_view label : detail::split(text, '.')) {
        if (label.empty()) {
            error = "empty label in host pattern '" + std::string(text) + "'";
            return std::nullopt;
        }
        for (char c : label) {
            if (!is_host_pattern_char(c)) {
                error = "invalid character '" + detail::printable(c) + "' in host pattern '" +
                        std::string(text) + "' (letters, digits, '-', '_', '.' and '*' only)";
                return std::nullopt;
            }
        }
        if (label != "**" && label.find("**") != std::string_view::npos) {
            error = "'**' must be a whole label in host pattern '" + std::string(text) + "'";
            return std::nullopt;
        }
        pattern.labels_.push_back(detail::to_lower(label));
    }
    return pattern;
}

bool HostPattern::matches(std::string_view host) const {
    if (!host.empty() && host.back() == '.') {  // a fully qualified name is the same host
        host.remove_suffix(1);
    }
    if (host.empty()) {
        return false;
    }
    const std::string lowered = detail::to_lower(host);
    const std::vector<std::string_view> labels = detail::split(lowered, '.');
    for (std::string_view label : labels) {
        if (label.empty()) {
            return false;
        }
    }
    return labels_match(labels_, 0, labels, 0);
}

std::optional<PathPattern> PathPattern::parse(std::string_view text, std::string& error) {
    if (text.empty()) {
        error = "empty path pattern";
        return std::nullopt;
    }
    if (text.front() != '/') {
        error = "path pattern '" + std::string(text) + "' must start with '/'";
        return std::nullopt;
    }
    for (char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u >= 0x7f || c == '?' || c == '#' || c == '\\') {
            error = "invalid character '" + detail::printable(c) + "' in path pattern '" +
                    std::string(text) + "'";
            return std::nullopt;
        }
    }
    PathPattern pattern;
    pattern.text_ = std::string(text);
    pattern.lowered_ = detail::to_lower(text);
    return pattern;
}

bool PathPattern::matches(std::string_view path) const {
    if (const auto query = path.find_first_of("?#"); query != std::string_view::npos) {
        path = path.substr(0, query);
    }
    const std::string lowered = detail::to_lower(path);
    if (path_matches(lowered_, lowered)) {
        return true;
    }
    // `/v1.0/security/*` also names `/v1.0/security` itself (SPEC §12.10).
    const std::string_view pattern = lowered_;
    if (pattern.size() >= 2 && pattern.ends_with("/*")) {
        return path_matches(pattern.substr(0, pattern.size() - 2), lowered);
    }
    return false;
}

}  // namespace uaudit::config
