#pragma once
// Table rows and helpers shared by the compliance tests.

#include "compliance/rules.hpp"

#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <vector>

namespace uaudit::compliance::test {

/// One row: a User-Agent value, the exact codes it gets, the verdict and, optionally, the
/// exact suggestion one code carries (`suggested` empty = no suggestion).
struct Row {
    std::string ua;
    std::vector<std::string> codes;
    bool compliant = false;
    std::string code_with_suggestion = {};
    std::optional<std::string> suggested = {};
};

inline std::vector<std::string> codes_of(const Verdict& verdict) {
    std::vector<std::string> codes;
    for (const auto& finding : verdict.findings) {
        codes.push_back(finding.code);
    }
    return codes;
}

inline const Finding* finding_of(const Verdict& verdict, std::string_view code) {
    for (const auto& finding : verdict.findings) {
        if (finding.code == code) {
            return &finding;
        }
    }
    return nullptr;
}

inline std::optional<std::string> suggestion_of(const Verdict& verdict, std::string_view code) {
    const Finding* finding = finding_of(verdict, code);
    return finding ? finding->suggestion : std::nullopt;
}

inline Options identity_options(std::optional<std::string> company,
                                std::optional<std::string> product,
                                std::optional<std::string> version) {
    Options options;
    options.identity = {std::move(company), std::move(product), std::move(version)};
    return options;
}

inline Options format_options(VersionFormat format) {
    Options options;
    options.rules.version_format = format;
    return options;
}

inline void check_verdict(const Verdict& verdict, const Row& row) {
    CHECK(codes_of(verdict) == row.codes);
    CHECK(verdict.compliant == row.compliant);
    if (!row.code_with_suggestion.empty()) {
        REQUIRE(finding_of(verdict, row.code_with_suggestion) != nullptr);
        CHECK(suggestion_of(verdict, row.code_with_suggestion) == row.suggested);
    }
}

inline void check_rows(const std::vector<Row>& rows, const Options& options) {
    for (const auto& row : rows) {
        CAPTURE(row.ua);
        check_verdict(evaluate_one(row.ua, options), row);
    }
}

}  // namespace uaudit::compliance::test
