#pragma once
// The "how to fix it" section shared by the Markdown and HTML reports: noncompliant
// User-Agents grouped by the client library they come from.

#include "report/summary.hpp"

#include <optional>
#include <string>
#include <vector>

namespace uaudit::report::detail {

struct FixGroup {
    std::optional<ClientLibrary> library;                 // nullopt: not recognized
    std::vector<std::optional<std::string>> user_agents;  // up to 10, most calls first
    std::uint64_t noncompliant = 0;
};

/// One group per library (unrecognized last), most noncompliant calls first.
std::vector<FixGroup> fix_groups(const Summary& summary);

}  // namespace uaudit::report::detail
