#pragma once
#include <string_view>

namespace uaudit::cli {

std::string_view usage_text();
std::string_view check_help_text();
std::string_view config_help_text();

}  // namespace uaudit::cli
