#pragma once
// Collects the findings of one evaluation: one finding per code (several problems under one
// code are joined into one message), severities resolved by `effective_severity`, sorted by
// code when taken.

#include "compliance/rules.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace uaudit::compliance::detail {

class FindingList {
public:
    explicit FindingList(const RuleOptions& rules)
        : rules_(rules) {}

    /// Adds `message` under `code`, or appends it ("; ") to that code's finding.
    void add(std::string_view code, std::string message);

    bool has(std::string_view code) const;

    /// The findings, sorted by code.
    std::vector<Finding> take();

private:
    const RuleOptions& rules_;
    std::vector<Finding> findings_;
};

/// `text` in single quotes, for a message: bytes outside visible ASCII and SP become \xNN,
/// and long text is cut to 120 bytes, so a message stays one readable line.
std::string quote(std::string_view text);

}  // namespace uaudit::compliance::detail
