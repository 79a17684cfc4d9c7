#include "compliance/detail/partner_token.hpp"

#include "compliance/identity_glob.hpp"
#include "compliance/version_format.hpp"

namespace uaudit::compliance::detail {
namespace {

constexpr std::size_t max_name_length = 64;

PartnerToken make_token(std::span<const UaElement> elements, std::size_t index,
                        const PrefixMatch& match) {
    const UaElement& element = elements[index];
    PartnerToken token{index, element.name, match, element.version, std::nullopt};
    const std::size_t next = index + 1;
    if (!token.version && next < elements.size() && elements[next].kind == ElementKind::product &&
        !elements[next].version && looks_like_version(elements[next].name)) {
        token.version = elements[next].name;
        token.spaced_version = next;
    }
    return token;
}

std::string as_written(const PartnerToken& token, std::span<const UaElement> elements) {
    std::string text(elements[token.index].text);
    if (token.spaced_version) {
        text += " " + std::string(*token.version);
    }
    return text;
}

// The token with only its prefix (and a spaced version) corrected.
std::string with_prefix_fixed(const PartnerToken& token) {
    std::string text = std::string(partner_prefix) + std::string(token.prefix.rest);
    if (token.version) {
        text += "/" + std::string(*token.version);
    }
    return text;
}

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
    std::string out;
    for (const auto& part : parts) {
        out += (out.empty() ? "" : std::string(separator)) + part;
    }
    return out;
}

void check_outdated_prefix(const PartnerToken& token, FindingList& out) {
    const std::string written = quote(token.prefix.written(token.name));
    const std::string why = token.prefix.family == PrefixFamily::mdatp
                                ? " is the outdated Defender ATP prefix"
                                : " is an unofficial prefix, not in Microsoft's documentation";
    out.add("UA014", written + why +
                         "; Microsoft requires 'MdePartner-': " + quote(with_prefix_fixed(token)));
}

void check_prefix(const PartnerToken& token, std::span<const UaElement> elements,
                  FindingList& out) {
    if (token.prefix.family != PrefixFamily::official) {
        check_outdated_prefix(token, out);
        return;
    }
    std::vector<std::string> problems;
    if (token.prefix.wrong_case()) {
        problems.push_back("prefix written " + quote(token.prefix.word) +
                           " instead of 'MdePartner'");
    }
    if (token.prefix.wrong_separator()) {
        problems.push_back(token.prefix.separator == '\0'
                               ? std::string("no '-' after 'MdePartner'")
                               : quote(std::string(1, token.prefix.separator)) +
                                     " instead of '-' after 'MdePartner'");
    }
    if (token.spaced_version) {
        problems.push_back("a space instead of '/' before the version");
    }
    if (problems.empty()) {
        return;
    }
    std::string message =
        quote(as_written(token, elements)) + " is almost right: " + join(problems, ", ");
    if (!token.prefix.rest.empty()) {
        message += "; write " + quote(with_prefix_fixed(token));
    }
    out.add("UA006", std::move(message));
}

void check_position(const PartnerToken& token, std::span<const UaElement> elements,
                    FindingList& out) {
    for (std::size_t i = 0; i < token.index; ++i) {
        if (elements[i].kind == ElementKind::product) {
            out.add("UA007", quote(token.name) + " is not the first product; move it to the front");
            break;
        }
    }
    const std::size_t after = (token.spaced_version ? *token.spaced_version : token.index) + 1;
    if (after < elements.size()) {
        out.add("UA008", "other products or comments follow " + quote(token.name) +
                             "; the header should be the MdePartner token alone");
    }
}

bool is_name_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_';
}

// UA012 for one of company/product; true when it is well-formed.
bool check_name(std::string_view label, std::string_view name, FindingList& out) {
    std::string problem;
    if (name.empty()) {
        problem = std::string(label) + " is empty";
    } else if (name.size() > max_name_length) {
        problem = std::string(label) + " is " + std::to_string(name.size()) +
                  " characters long, at most 64 are allowed";
    } else {
        for (const char c : name) {
            if (!is_name_char(c)) {
                problem =
                    std::string(label) + " " + quote(name) + " may hold only A-Z a-z 0-9 . and _";
                break;
            }
        }
    }
    if (!problem.empty()) {
        out.add("UA012", std::move(problem));
    }
    return problem.empty();
}

bool equal_ignoring_case(std::string_view a, std::string_view b) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    if (a.size() != b.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (lower(a[i]) != lower(b[i])) {
            return false;
        }
    }
    return true;
}

// UA010: messages name only what the User-Agent holds, not the configured value.
void check_identity_name(std::string_view label, std::string_view actual,
                         const std::optional<std::string>& wanted, FindingList& out) {
    if (!wanted || actual == *wanted) {
        return;
    }
    const std::string subject = std::string(label) + " " + quote(actual);
    out.add("UA010", equal_ignoring_case(actual, *wanted)
                         ? subject + " differs from the configured identity only in letter case"
                         : subject + " differs from the configured identity");
}

// Company and product from the rest after the prefix. A missing hyphen between them is
// UA012, not UA006: names may hold anything but "-", so where one ends cannot be known.
// Returns the corrected "Company-Product".
std::string check_names(const PartnerToken& token, const Identity& identity, FindingList& out) {
    const std::string_view rest = token.prefix.rest;
    const auto hyphen = rest.find('-');
    std::string problem;
    if (rest.empty()) {
        problem = "company and product are missing after the prefix";
    } else if (hyphen == std::string_view::npos) {
        problem =
            quote(rest) + " has no '-' between company and product: they cannot be told apart";
    } else if (rest.find('-', hyphen + 1) != std::string_view::npos) {
        problem = quote(rest) +
                  " has extra hyphens: company and product cannot be told apart (neither may "
                  "contain '-')";
    }
    if (!problem.empty()) {
        out.add("UA012", std::move(problem));
        if (identity.company && identity.product) {
            return *identity.company + "-" + *identity.product;
        }
        return std::string(rest);
    }
    const auto company = rest.substr(0, hyphen);
    const auto product = rest.substr(hyphen + 1);
    if (check_name("company", company, out)) {
        check_identity_name("company", company, identity.company, out);
    }
    if (check_name("product", product, out)) {
        check_identity_name("product", product, identity.product, out);
    }
    return identity.company.value_or(std::string(company)) + "-" +
           identity.product.value_or(std::string(product));
}

std::optional<std::string_view> without_leading_v(std::string_view version) {
    if (version.size() > 1 && (version[0] == 'v' || version[0] == 'V')) {
        return version.substr(1);
    }
    return std::nullopt;
}

// UA009 and UA011. Returns the corrected version, none when it is missing and unknown.
// A "v1.0.0" whose "v" is the only problem is compared with the identity without the "v",
// so one mistake gives one finding.
std::optional<std::string> check_version(const PartnerToken& token, const Options& options,
                                         FindingList& out) {
    const auto& wanted = options.identity.version;
    const bool wanted_exact = wanted && !is_glob(*wanted);
    const VersionFormat format = options.rules.version_format;
    if (!token.version) {
        out.add("UA009", "no version: the token must end in '/' and a version, " +
                             std::string(describe_version_format(format)));
        return wanted_exact ? wanted : std::nullopt;
    }
    std::string_view version = *token.version;
    if (!matches_version_format(version, format)) {
        std::string message =
            "version " + quote(version) + " is not " + std::string(describe_version_format(format));
        const auto stripped = without_leading_v(version);
        if (stripped && matches_version_format(*stripped, format)) {
            message += "; drop the leading " + quote(version.substr(0, 1));
            version = *stripped;
        }
        out.add("UA009", std::move(message));
    }
    if (wanted && !glob_match(*wanted, version)) {
        out.add("UA011",
                "version " + quote(*token.version) + " does not match the configured identity");
    }
    return wanted_exact ? *wanted : std::string(version);
}

// The elements a corrected header keeps: all but the token itself and any other
// MdePartner-like token (a corrected header names one identity).
std::vector<std::string_view> other_elements(const PartnerToken& token,
                                             std::span<const UaElement> elements) {
    std::vector<std::string_view> others;
    for (std::size_t i = 0; i < elements.size(); ++i) {
        const UaElement& element = elements[i];
        const bool partner_like =
            element.kind == ElementKind::product && match_partner_prefix(element.name);
        if (i != token.index && i != token.spaced_version && !partner_like) {
            others.push_back(element.text);
        }
    }
    return others;
}

}  // namespace

std::optional<PartnerToken> find_partner_token(std::span<const UaElement> elements) {
    std::optional<PartnerToken> near;
    for (std::size_t i = 0; i < elements.size(); ++i) {
        if (elements[i].kind != ElementKind::product) {
            continue;
        }
        const auto match = match_partner_prefix(elements[i].name);
        if (match && match->exact()) {
            return make_token(elements, i, *match);
        }
        if (match && !near) {
            near = make_token(elements, i, *match);
        }
    }
    return near;
}

TokenCorrection check_partner_token(const PartnerToken& token, std::span<const UaElement> elements,
                                    const Options& options, FindingList& out) {
    check_prefix(token, elements, out);
    check_position(token, elements, out);
    TokenCorrection fix;
    fix.token = std::string(partner_prefix) + check_names(token, options.identity, out);
    if (const auto version = check_version(token, options, out)) {
        fix.token += "/" + *version;
    }
    fix.others = other_elements(token, elements);
    return fix;
}

}  // namespace uaudit::compliance::detail
