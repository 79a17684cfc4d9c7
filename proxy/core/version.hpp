#pragma once
#include <string_view>

namespace uaudit::core {

/// uaudit's own version ("0.1.0"), from the CMake project version.
std::string_view version();

}  // namespace uaudit::core
