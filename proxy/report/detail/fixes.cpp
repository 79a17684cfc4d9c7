#include "report/detail/fixes.hpp"

#include <algorithm>

namespace uaudit::report::detail {

std::vector<FixGroup> fix_groups(const Summary& summary) {
    constexpr std::size_t max_user_agents = 10;
    std::vector<FixGroup> groups;
    for (const auto& row : summary.user_agents.rows) {
        if (row.noncompliant == 0) {
            continue;
        }
        const std::string id = row.library ? row.library->id : std::string();
        auto it = std::find_if(groups.begin(), groups.end(), [&](const FixGroup& g) {
            return (g.library ? g.library->id : std::string()) == id;
        });
        if (it == groups.end()) {
            it = groups.insert(groups.end(), FixGroup{row.library, {}, 0});
        }
        it->noncompliant += row.noncompliant;
        if (it->user_agents.size() < max_user_agents) {
            it->user_agents.push_back(row.ua);
        }
    }
    std::stable_sort(groups.begin(), groups.end(), [](const FixGroup& a, const FixGroup& b) {
        if (a.library.has_value() != b.library.has_value()) {
            return a.library.has_value();
        }
        return b.noncompliant < a.noncompliant;
    });
    return groups;
}

}  // namespace uaudit::report::detail
