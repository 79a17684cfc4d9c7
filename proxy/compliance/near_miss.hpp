#pragma once
// Recognises the MdePartner prefix of a product name, written exactly, almost right
// (UA006: another letter case, "_" or "." or nothing instead of the hyphen), or in an
// outdated or unofficial form (UA014: MdatpPartner-, M365DPartner-, any case).

#include <optional>
#include <string_view>

namespace uaudit::compliance {

/// The official prefix word, and the token's required start.
inline constexpr std::string_view partner_word = "MdePartner";
inline constexpr std::string_view partner_prefix = "MdePartner-";

enum class PrefixFamily {
    official,  // MdePartner in any case
    mdatp,     // MdatpPartner: the former Defender ATP form
    m365d,     // M365DPartner / M365dPartner: seen in partner code, not in Microsoft's text
};

struct PrefixMatch {
    PrefixFamily family = PrefixFamily::official;
    std::string_view word;  // the prefix word as written, e.g. "mdepartner"
    char separator = '-';   // '-', '_' or '.' as written; '\0' when there is none
    std::string_view rest;  // what follows the separator: "Contoso-ContosoCognito"

    /// The prefix as written, separator included: "mdepartner_".
    std::string_view written(std::string_view name) const {
        return name.substr(0, word.size() + (separator == '\0' ? 0 : 1));
    }
    bool wrong_case() const { return word != partner_word; }
    bool wrong_separator() const {
        return separator != '-' && !(separator == '\0' && rest.empty());
    }
    bool exact() const {
        return family == PrefixFamily::official && !wrong_case() && separator == '-';
    }
};

/// Matches the start of a product name against every prefix family. Any name starting with
/// one of the words, in any case, matches; none otherwise.
std::optional<PrefixMatch> match_partner_prefix(std::string_view name);

/// Whether a product name looks like a version that lost its "/": "1.0.0", "v2".
bool looks_like_version(std::string_view name);

}  // namespace uaudit::compliance
