#pragma once
// Data compiled into the binary by cmake/embed.cmake (see CMakeLists.txt).

#include <string_view>

namespace uaudit::audit::detail {

/// The bytes of config/mde_endpoints.tsv, the documented-operation catalog.
std::string_view embedded_catalog_tsv();

}  // namespace uaudit::audit::detail
