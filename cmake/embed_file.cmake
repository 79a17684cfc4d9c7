# Script mode: writes OUTPUT, a C++ file defining NAMESPACE::FUNCTION() returning INPUT's bytes.
file(READ ${INPUT} hex HEX)
string(LENGTH "${hex}" hex_length)
math(EXPR byte_count "${hex_length} / 2")
# Bytes as a char array (not a raw string): any content embeds, whatever delimiters it holds.
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," bytes "${hex}")
string(REGEX REPLACE "(('\\\\x[0-9a-f][0-9a-f]',){16})" "\\1\n" bytes "${bytes}")
file(WRITE ${OUTPUT} "// Generated from ${INPUT} by cmake/embed_file.cmake. Do not edit.
#include <string_view>

namespace ${NAMESPACE} {
namespace {
constexpr char data[${byte_count} + 1] = {
${bytes}'\\0'};
}  // namespace

std::string_view ${FUNCTION}() { return {data, ${byte_count}}; }
}  // namespace ${NAMESPACE}
")
