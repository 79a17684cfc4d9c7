#include "compliance/near_miss.hpp"

#include <array>
#include <utility>

namespace uaudit::compliance {
namespace {

char lower(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool starts_with_ignoring_case(std::string_view text, std::string_view lower_prefix) {
    if (text.size() < lower_prefix.size()) {
        return false;
    }
    for (std::size_t i = 0; i < lower_prefix.size(); ++i) {
        if (lower(text[i]) != lower_prefix[i]) {
            return false;
        }
    }
    return true;
}

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

}  // namespace

std::optional<PrefixMatch> match_partner_prefix(std::string_view name) {
    static constexpr std::array<std::pair<std::string_view, PrefixFamily>, 3> words{{
        {"mdepartner", PrefixFamily::official},
        {"mdatppartner", PrefixFamily::mdatp},
        {"m365dpartner", PrefixFamily::m365d},
    }};
    for (const auto& [word, family] : words) {
        if (!starts_with_ignoring_case(name, word)) {
            continue;
        }
        PrefixMatch match{family, name.substr(0, word.size()), '\0', name.substr(word.size())};
        if (!match.rest.empty() &&
            std::string_view("-_.").find(match.rest[0]) != std::string_view::npos) {
            match.separator = match.rest[0];
            match.rest.remove_prefix(1);
        }
        return match;
    }
    return std::nullopt;
}

bool looks_like_version(std::string_view name) {
    if (!name.empty() && (name[0] == 'v' || name[0] == 'V')) {
        name.remove_prefix(1);
    }
    return !name.empty() && is_digit(name[0]);
}

}  // namespace uaudit::compliance
