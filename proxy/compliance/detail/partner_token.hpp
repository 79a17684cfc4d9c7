#pragma once
// The MdePartner product token of a header: finding it among the elements, and the checks
// that judge it (UA006-UA012, UA014). Each check adds its findings and contributes to a
// corrected token, from which `rules.cpp` builds the suggestions.

#include "compliance/detail/finding_list.hpp"
#include "compliance/near_miss.hpp"
#include "compliance/rules.hpp"
#include "compliance/user_agent_grammar.hpp"

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace uaudit::compliance::detail {

/// The product element judged as the MdePartner token: the first whose name starts with the
/// exact prefix, else the first that is almost right or outdated.
struct PartnerToken {
    std::size_t index = 0;  // of its element
    std::string_view name;  // the element's product name
    PrefixMatch prefix;
    std::optional<std::string_view> version;
    /// "MdePartner-C-P 1.0.0": the element that holds the version written after a space.
    std::optional<std::size_t> spaced_version;
};

std::optional<PartnerToken> find_partner_token(std::span<const UaElement> elements);

/// What the checks learned that a suggestion needs.
struct TokenCorrection {
    std::string token;                     // the token with every fix that can be made
    std::vector<std::string_view> others;  // the other elements as written, in order
};

/// Runs every check of the token (all codes but UA001-UA005 and UA013) into `out`.
TokenCorrection check_partner_token(const PartnerToken& token, std::span<const UaElement> elements,
                                    const Options& options, FindingList& out);

}  // namespace uaudit::compliance::detail
