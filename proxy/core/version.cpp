#include "core/version.hpp"

namespace uaudit::core {

std::string_view version() {
    return UAUDIT_VERSION;
}

}  // namespace uaudit::core
