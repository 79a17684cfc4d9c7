#include "compliance/detail/finding_list.hpp"

#include <algorithm>
#include <cstdio>

namespace uaudit::compliance::detail {

void FindingList::add(std::string_view code, std::string message) {
    for (auto& finding : findings_) {
        if (finding.code == code) {
            finding.message += "; " + message;
            return;
        }
    }
    findings_.push_back(
        {std::string(code), effective_severity(code, rules_), std::move(message), std::nullopt});
}

bool FindingList::has(std::string_view code) const {
    return std::any_of(findings_.begin(), findings_.end(),
                       [code](const Finding& finding) { return finding.code == code; });
}

std::vector<Finding> FindingList::take() {
    std::sort(findings_.begin(), findings_.end(),
              [](const Finding& a, const Finding& b) { return a.code < b.code; });
    return std::move(findings_);
}

std::string quote(std::string_view text) {
    constexpr std::size_t max_bytes = 120;
    std::string out = "'";
    for (std::size_t i = 0; i < text.size() && i < max_bytes; ++i) {
        const auto byte = static_cast<unsigned char>(text[i]);
        if (byte < 0x20 || byte >= 0x7F) {
            char hex[8];
            std::snprintf(hex, sizeof hex, "\\x%02X", static_cast<unsigned>(byte));
            out += hex;
        } else {
            out += text[i];
        }
    }
    if (text.size() > max_bytes) {
        out += "...";
    }
    return out + "'";
}

}  // namespace uaudit::compliance::detail
