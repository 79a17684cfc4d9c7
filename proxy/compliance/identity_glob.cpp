#include "compliance/identity_glob.hpp"

namespace uaudit::compliance {

bool is_glob(std::string_view pattern) {
    return pattern.find('*') != std::string_view::npos;
}

bool glob_match(std::string_view pattern, std::string_view text) {
    constexpr auto none = std::string_view::npos;
    std::size_t p = 0;
    std::size_t t = 0;
    std::size_t star = none;  // position of the last "*" seen
    std::size_t resume = 0;   // where in `text` that "*" match ends so far
    while (t < text.size()) {
        if (p < pattern.size() && pattern[p] == '*') {
            star = p++;
            resume = t;
        } else if (p < pattern.size() && pattern[p] == text[t]) {
            ++p;
            ++t;
        } else if (star != none) {
            // Only the last "*" needs to grow: earlier ones can never do better.
            p = star + 1;
            t = ++resume;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern[p] == '*') {
        ++p;
    }
    return p == pattern.size();
}

}  // namespace uaudit::compliance
