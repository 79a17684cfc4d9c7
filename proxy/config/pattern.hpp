#pragma once
// Host and path patterns of `scope` (SPEC §5, §12.10). Pure matching code: the config
// module compiles them while validating, the audit module's Scope matches with them.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace uaudit::config {

/// Case-insensitive DNS pattern: `*` is exactly one non-empty label, `**` one or more labels,
/// a label may also hold `*` inside it (`api-*` matches `api-us`, not `api-`).
class HostPattern {
public:
    /// nullopt with `error` set when the text is not a valid pattern.
    static std::optional<HostPattern> parse(std::string_view text, std::string& error);
    bool matches(std::string_view host) const;
    const std::string& text() const { return text_; }

private:
    std::string text_;                 // as configured
    std::vector<std::string> labels_;  // lower-case
};

/// Case-insensitive path glob: `*` matches any run of characters except `/`, a trailing `*`
/// matches the rest of the path. `/v1.0/security/*` also matches `/v1.0/security` itself.
class PathPattern {
public:
    static std::optional<PathPattern> parse(std::string_view text, std::string& error);
    bool matches(std::string_view path) const;
    const std::string& text() const { return text_; }

private:
    std::string text_;
    std::string lowered_;
};

}  // namespace uaudit::config
