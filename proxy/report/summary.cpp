#include "report/summary.hpp"

namespace uaudit::report {

std::string_view UserAgentRow::verdict() const {
    if (noncompliant == 0) {
        return "compliant";
    }
    return noncompliant == calls ? "noncompliant" : "mixed";
}

}  // namespace uaudit::report
