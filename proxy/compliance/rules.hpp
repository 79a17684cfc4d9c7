#pragma once
// The compliance rules of SPEC §6 (UA001-UA014): pure functions over the User-Agent field
// values of one request, as received. No I/O, no sockets, no configuration files: the
// config module fills `Options`, the proxy and `uaudit check` call `evaluate`.

#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace uaudit::compliance {

enum class Severity { warning, error };

/// How the version after the slash must look (`rules.version_format`).
enum class VersionFormat {
    semver,  // MAJOR.MINOR.PATCH[-prerelease][+build], semver.org 2.0, no leading zeros
    dotted,  // 1 to 4 numeric components
    token,   // any RFC 9110 token
};

/// What a compliant token must name (`identity`). An empty optional accepts any value that
/// fits the grammar. `company` and `product` compare exactly (case-sensitive); `version` is
/// exact or a glob where `*` matches any run of characters.
struct Identity {
    std::optional<std::string> company;
    std::optional<std::string> product;
    std::optional<std::string> version;

    friend bool operator==(const Identity&, const Identity&) = default;
};

/// `rules` of the configuration.
struct RuleOptions {
    bool strict = false;  // UA008 becomes an error
    VersionFormat version_format = VersionFormat::semver;
    std::map<std::string, Severity> severity;  // per-code override, key "UA008"

    friend bool operator==(const RuleOptions&, const RuleOptions&) = default;
};

struct Options {
    Identity identity;
    RuleOptions rules;
};

struct Finding {
    std::string code;  // "UA001".."UA014"
    Severity severity = Severity::error;
    std::string message;                    // one line, safe to log (quotes only the UA)
    std::optional<std::string> suggestion;  // a corrected header value, where one exists

    friend bool operator==(const Finding&, const Finding&) = default;
};

struct Verdict {
    bool compliant = true;  // no finding of severity error
    std::vector<Finding> findings;
};

/// Judges the User-Agent fields of one request. `fields` holds every User-Agent field value
/// in the order received: empty = no header (UA001), more than one = UA003.
/// Never throws on any byte sequence.
Verdict evaluate(std::span<const std::string_view> fields, const Options& options);

/// Convenience for one field value.
Verdict evaluate_one(std::string_view field, const Options& options);

/// True for the codes a severity override may name (UA001..UA014).
bool is_rule_code(std::string_view code);

/// The default severity of a code, before `strict` and overrides.
Severity default_severity(std::string_view code);

/// The severity a finding of `code` gets under `rules`: the default, then `strict` (UA008
/// becomes an error), then the per-code override, which wins over both.
Severity effective_severity(std::string_view code, const RuleOptions& rules);

std::string_view to_string(Severity severity);
std::string_view to_string(VersionFormat format);
std::optional<Severity> parse_severity(std::string_view text);
std::optional<VersionFormat> parse_version_format(std::string_view text);

/// The header `enforce` names as `expected` when no rewrite value is set: built from
/// `identity` when company, product and version are all exact (no glob), else the template
/// `MdePartner-{CompanyName}-{ProductName}/{Version}`.
std::string expected_user_agent(const Identity& identity);

}  // namespace uaudit::compliance
