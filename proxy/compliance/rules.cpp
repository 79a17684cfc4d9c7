#include "compliance/rules.hpp"

#include "compliance/detail/finding_list.hpp"
#include "compliance/detail/partner_token.hpp"
#include "compliance/identity_glob.hpp"
#include "compliance/user_agent_grammar.hpp"

#include <algorithm>

namespace uaudit::compliance {
namespace {

using detail::check_partner_token;
using detail::find_partner_token;
using detail::FindingList;
using detail::TokenCorrection;

constexpr std::size_t max_header_bytes = 256;  // UA013

// A verdict and the corrected header values that may resolve its findings, best first.
struct Judgement {
    Verdict verdict;
    std::vector<std::string> candidates;
};

std::string_view trim_blanks(std::string_view text) {
    while (!text.empty() && is_blank(text.front())) {
        text.remove_prefix(1);
    }
    while (!text.empty() && is_blank(text.back())) {
        text.remove_suffix(1);
    }
    return text;
}

// Several fields are judged as one value: the non-empty ones joined by a single space, the
// way a client library would have combined them (RFC 9110 §5.3 joins list fields with ",",
// which the User-Agent grammar does not allow) and the way `prepend` joins them.
std::string combine_fields(std::span<const std::string_view> fields) {
    std::string value;
    for (const auto field : fields) {
        const auto trimmed = trim_blanks(field);
        if (!trimmed.empty()) {
            value += (value.empty() ? "" : " ") + std::string(trimmed);
        }
    }
    return value;
}

bool is_exact(const Identity& identity) {
    return identity.company && identity.product && identity.version && !is_glob(*identity.version);
}

// Without any MdePartner-like token only a fully known identity can be suggested.
std::vector<std::string> identity_candidates(const Identity& identity) {
    if (is_exact(identity)) {
        return {expected_user_agent(identity)};
    }
    return {};
}

// The corrected token followed by the other elements (unless they are an error themselves),
// then the corrected token alone.
std::vector<std::string> token_candidates(const TokenCorrection& fix, const RuleOptions& rules) {
    std::vector<std::string> candidates;
    if (!fix.others.empty() && effective_severity("UA008", rules) != Severity::error) {
        std::string full = fix.token;
        for (const auto other : fix.others) {
            full += " " + std::string(other);
        }
        candidates.push_back(std::move(full));
    }
    candidates.push_back(fix.token);
    return candidates;
}

std::vector<std::string> check_value(std::string_view value, const Options& options,
                                     FindingList& out) {
    if (value.size() > max_header_bytes) {
        out.add("UA013",
                "the header is " + std::to_string(value.size()) + " bytes long, more than 256");
    }
    const UaParseResult parsed = parse_user_agent(value);
    if (parsed.error) {
        out.add("UA004", "not a valid User-Agent at byte " + std::to_string(parsed.error->offset) +
                             ": " + parsed.error->reason);
    }
    const auto elements = parsed.ok() ? parsed.elements : scan_user_agent_leniently(value);
    const auto token = find_partner_token(elements);
    if (!token) {
        out.add("UA005",
                "no MdePartner product token: the header must start with "
                "MdePartner-{CompanyName}-{ProductName}/{Version}");
        return identity_candidates(options.identity);
    }
    return token_candidates(check_partner_token(*token, elements, options, out), options.rules);
}

Verdict finish(FindingList& out) {
    Verdict verdict;
    verdict.findings = out.take();
    verdict.compliant =
        std::none_of(verdict.findings.begin(), verdict.findings.end(),
                     [](const Finding& f) { return f.severity == Severity::error; });
    return verdict;
}

Judgement judge(std::span<const std::string_view> fields, const Options& options) {
    FindingList out(options.rules);
    if (fields.empty()) {
        out.add("UA001", "no User-Agent header");
        return {finish(out), identity_candidates(options.identity)};
    }
    if (fields.size() > 1) {
        out.add("UA003", std::to_string(fields.size()) + " User-Agent fields; send exactly one");
    }
    const std::string value = combine_fields(fields);
    if (value.empty()) {
        out.add("UA002", "the User-Agent header is empty");
        return {finish(out), identity_candidates(options.identity)};
    }
    auto candidates = check_value(value, options, out);
    return {finish(out), std::move(candidates)};
}

bool has_code(const Verdict& verdict, std::string_view code) {
    return std::any_of(verdict.findings.begin(), verdict.findings.end(),
                       [code](const Finding& f) { return f.code == code; });
}

// A finding gets the first candidate that, judged itself, no longer has the finding's code,
// preferring compliant candidates: a suggestion never repeats the problem it fixes.
void attach_suggestions(Verdict& verdict, const std::vector<std::string>& candidates,
                        const Options& options) {
    std::vector<Verdict> rechecked;
    for (const auto& candidate : candidates) {
        const std::string_view field = candidate;
        rechecked.push_back(judge(std::span(&field, 1), options).verdict);
    }
    for (auto& finding : verdict.findings) {
        for (const bool need_compliant : {true, false}) {
            for (std::size_t i = 0; i < candidates.size() && !finding.suggestion; ++i) {
                if (!has_code(rechecked[i], finding.code) &&
                    (rechecked[i].compliant || !need_compliant)) {
                    finding.suggestion = candidates[i];
                }
            }
        }
    }
}

}  // namespace

Verdict evaluate(std::span<const std::string_view> fields, const Options& options) {
    Judgement judgement = judge(fields, options);
    if (!judgement.verdict.findings.empty()) {
        attach_suggestions(judgement.verdict, judgement.candidates, options);
    }
    return std::move(judgement.verdict);
}

Verdict evaluate_one(std::string_view field, const Options& options) {
    return evaluate(std::span(&field, 1), options);
}

bool is_rule_code(std::string_view code) {
    if (code.size() != 5 || code.substr(0, 3) != "UA0") {
        return false;
    }
    const char tens = code[3];
    const char ones = code[4];
    if (tens < '0' || tens > '1' || ones < '0' || ones > '9') {
        return false;
    }
    const int number = (tens - '0') * 10 + (ones - '0');
    return number >= 1 && number <= 14;
}

Severity default_severity(std::string_view code) {
    return code == "UA008" || code == "UA013" ? Severity::warning : Severity::error;
}

Severity effective_severity(std::string_view code, const RuleOptions& rules) {
    if (const auto it = rules.severity.find(std::string(code)); it != rules.severity.end()) {
        return it->second;
    }
    if (code == "UA008" && rules.strict) {
        return Severity::error;
    }
    return default_severity(code);
}

std::string_view to_string(Severity severity) {
    return severity == Severity::error ? "error" : "warning";
}

std::string_view to_string(VersionFormat format) {
    switch (format) {
        case VersionFormat::semver:
            return "semver";
        case VersionFormat::dotted:
            return "dotted";
        case VersionFormat::token:
            return "token";
    }
    return "semver";
}

std::optional<Severity> parse_severity(std::string_view text) {
    if (text == "error") {
        return Severity::error;
    }
    if (text == "warning") {
        return Severity::warning;
    }
    return std::nullopt;
}

std::optional<VersionFormat> parse_version_format(std::string_view text) {
    for (const auto format : {VersionFormat::semver, VersionFormat::dotted, VersionFormat::token}) {
        if (text == to_string(format)) {
            return format;
        }
    }
    return std::nullopt;
}

std::string expected_user_agent(const Identity& identity) {
    if (!is_exact(identity)) {
        return "MdePartner-{CompanyName}-{ProductName}/{Version}";
    }
    return "MdePartner-" + *identity.company + "-" + *identity.product + "/" + *identity.version;
}

}  // namespace uaudit::compliance
