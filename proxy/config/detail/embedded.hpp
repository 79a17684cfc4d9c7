#pragma once
// config/default.yaml, compiled into the binary by cmake/embed.cmake.

#include <string_view>

namespace uaudit::config::detail {

std::string_view embedded_default_yaml();

}  // namespace uaudit::config::detail
