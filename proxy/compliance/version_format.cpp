#include "compliance/version_format.hpp"

#include "compliance/user_agent_grammar.hpp"

namespace uaudit::compliance {
namespace {

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

bool all_digits(std::string_view text) {
    for (const char c : text) {
        if (!is_digit(c)) {
            return false;
        }
    }
    return !text.empty();
}

bool is_numeric_identifier(std::string_view text) {
    return all_digits(text) && (text.size() == 1 || text[0] != '0');
}

bool is_alphanumeric_identifier(std::string_view text) {
    for (const char c : text) {
        const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        if (!letter && !is_digit(c) && c != '-') {
            return false;
        }
    }
    return !text.empty();
}

bool is_prerelease_identifier(std::string_view text) {
    return all_digits(text) ? is_numeric_identifier(text) : is_alphanumeric_identifier(text);
}

// Splits `text` at dots and checks every part (empty parts included) with `valid`;
// returns the number of parts, or 0 when one is invalid.
template <class Predicate>
std::size_t count_valid_parts(std::string_view text, Predicate valid) {
    std::size_t parts = 0;
    for (;;) {
        const auto dot = text.find('.');
        if (!valid(text.substr(0, dot))) {
            return 0;
        }
        ++parts;
        if (dot == std::string_view::npos) {
            return parts;
        }
        text.remove_prefix(dot + 1);
    }
}

}  // namespace

bool is_semver(std::string_view version) {
    if (const auto plus = version.find('+'); plus != std::string_view::npos) {
        if (count_valid_parts(version.substr(plus + 1), is_alphanumeric_identifier) == 0) {
            return false;
        }
        version = version.substr(0, plus);
    }
    if (const auto dash = version.find('-'); dash != std::string_view::npos) {
        if (count_valid_parts(version.substr(dash + 1), is_prerelease_identifier) == 0) {
            return false;
        }
        version = version.substr(0, dash);
    }
    return count_valid_parts(version, is_numeric_identifier) == 3;
}

bool is_dotted(std::string_view version) {
    const std::size_t parts = count_valid_parts(version, all_digits);
    return parts >= 1 && parts <= 4;
}

bool matches_version_format(std::string_view version, VersionFormat format) {
    switch (format) {
        case VersionFormat::semver:
            return is_semver(version);
        case VersionFormat::dotted:
            return is_dotted(version);
        case VersionFormat::token:
            return is_token(version);
    }
    return false;
}

std::string_view describe_version_format(VersionFormat format) {
    switch (format) {
        case VersionFormat::semver:
            return "semver (MAJOR.MINOR.PATCH[-prerelease][+build], no leading zeros)";
        case VersionFormat::dotted:
            return "dotted (1 to 4 numeric components)";
        case VersionFormat::token:
            return "an HTTP token";
    }
    return "";
}

}  // namespace uaudit::compliance
