// The RFC 9110 User-Agent grammar, its error offsets, and the lenient fallback scan.

#include "compliance/user_agent_grammar.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

namespace uaudit::compliance {
namespace {

// Elements rendered as "P:text" / "C:text" so a row compares them in one line.
std::vector<std::string> render(const std::vector<UaElement>& elements) {
    std::vector<std::string> out;
    for (const auto& element : elements) {
        out.push_back((element.kind == ElementKind::product ? "P:" : "C:") +
                      std::string(element.text));
    }
    return out;
}

struct ValidRow {
    std::string value;
    std::vector<std::string> elements;
};

TEST_CASE("valid User-Agent values parse into their elements", "[compliance][grammar]") {
    const std::vector<ValidRow> rows = {
        {"curl/8.5.0", {"P:curl/8.5.0"}},
        {"node", {"P:node"}},
        {"a b", {"P:a", "P:b"}},
        {"a  \t b", {"P:a", "P:b"}},
        {"a\t(b)", {"P:a", "C:(b)"}},
        {"a/1 b/2 c", {"P:a/1", "P:b/2", "P:c"}},
        {"a (b (c) d) e", {"P:a", "C:(b (c) d)", "P:e"}},
        {"a ()", {"P:a", "C:()"}},
        {"a (x\\)y)", {"P:a", "C:(x\\)y)"}},
        {"a (\\()", {"P:a", "C:(\\()"}},
        {"a (\\\\)", {"P:a", "C:(\\\\)"}},
        {"a (b) (c)", {"P:a", "C:(b)", "C:(c)"}},
        {"!#$%&'*+-.^_`|~/x", {"P:!#$%&'*+-.^_`|~/x"}},
        {"a (+https://example.com/bot; v=1, \"q\" <x> [y] {z} @?=)",
         {"P:a", "C:(+https://example.com/bot; v=1, \"q\" <x> [y] {z} @?=)"}},
        {"Mozilla/5.0 (Windows NT; Windows NT 10.0; en-US) WindowsPowerShell/5.1.22621.2506",
         {"P:Mozilla/5.0", "C:(Windows NT; Windows NT 10.0; en-US)",
          "P:WindowsPowerShell/5.1.22621.2506"}},
        {"MdePartner-Contoso-X/1.0.0-rc.1+build.5", {"P:MdePartner-Contoso-X/1.0.0-rc.1+build.5"}},
    };
    for (const auto& row : rows) {
        CAPTURE(row.value);
        const auto result = parse_user_agent(row.value);
        CHECK(result.ok());
        CHECK(render(result.elements) == row.elements);
    }
}

TEST_CASE("products split into name and version, with offsets", "[compliance][grammar]") {
    const auto result = parse_user_agent("Apache-HttpClient/4.5.14 (Java/17.0.9) okhttp");
    REQUIRE(result.ok());
    REQUIRE(result.elements.size() == 3);
    CHECK(result.elements[0].name == "Apache-HttpClient");
    CHECK(result.elements[0].version == std::optional<std::string_view>("4.5.14"));
    CHECK(result.elements[0].offset == 0);
    CHECK(result.elements[1].kind == ElementKind::comment);
    CHECK(result.elements[1].offset == 25);
    CHECK(result.elements[2].name == "okhttp");
    CHECK_FALSE(result.elements[2].version.has_value());
    CHECK(result.elements[2].offset == 39);
}

struct InvalidRow {
    std::string value;
    std::size_t offset;
    std::string reason_part;
};

TEST_CASE("invalid values fail at the right offset with a reason", "[compliance][grammar]") {
    using namespace std::string_literals;
    const std::vector<InvalidRow> rows = {
        {"", 0, "empty value"},
        {"(comment) a", 0, "comment cannot come first"},
        {" a", 0, "expected a product token"},
        {"a/", 2, "version after '/'"},
        {"/1.0", 0, "expected a product token"},
        {"a(b)", 1, "a space must separate"},
        {"a/1.0(b)", 5, "unexpected '('"},
        {"a ", 1, "trailing whitespace"},
        {"a (b", 2, "unterminated comment"},
        {"a (b\\", 2, "unterminated comment"},
        {"a (b (c)", 2, "unterminated comment"},
        {"a b/", 4, "version after '/'"},
        {"a/1/2", 3, "unexpected '/'"},
        {"a (b))", 5, "unexpected ')'"},
        {"a ) b", 2, "found ')'"},
        {"a \"quoted\"", 2, "found '\"'"},
        {"a/1.0;b", 5, "unexpected ';'"},
        {"a\0"s, 1, "control character 0x00"},
        {"a (\xff)", 3, "non-ASCII byte 0xFF"},
        {"a (caf\xc3\xa9)", 6, "non-ASCII byte 0xC3"},
        {"a\r\nb", 1, "control character 0x0D"},
        {"a\x7f", 1, "control character 0x7F"},
        {"a\x1b[0m", 1, "control character 0x1B"},
    };
    for (const auto& row : rows) {
        CAPTURE(row.value);
        const auto result = parse_user_agent(row.value);
        REQUIRE_FALSE(result.ok());
        CHECK(result.error->offset == row.offset);
        CHECK_THAT(result.error->reason, Catch::Contains(row.reason_part));
    }
}

TEST_CASE("comment nesting is bounded", "[compliance][grammar]") {
    const auto nested = [](std::size_t depth) {
        return "a " + std::string(depth, '(') + std::string(depth, ')');
    };
    CHECK(parse_user_agent(nested(max_comment_depth)).ok());

    const auto too_deep = parse_user_agent(nested(max_comment_depth + 1));
    REQUIRE_FALSE(too_deep.ok());
    CHECK(too_deep.error->offset == 2 + max_comment_depth);
    CHECK_THAT(too_deep.error->reason, Catch::Contains("nested deeper than 32"));

    const auto huge = parse_user_agent("a " + std::string(1'000'000, '('));
    REQUIRE_FALSE(huge.ok());
    CHECK(huge.error->offset == 2 + max_comment_depth);
}

TEST_CASE("the lenient scan finds elements in values that fail the grammar",
          "[compliance][grammar]") {
    using namespace std::string_literals;
    const std::vector<ValidRow> rows = {
        {"(c) MdePartner-A-B/1.0.0", {"C:(c)", "P:MdePartner-A-B/1.0.0"}},
        {"a/1.0(b) c", {"P:a/1.0", "C:(b)", "P:c"}},
        {"a (unterminated b", {"P:a", "C:(unterminated b"}},
        {"a (x\\) b", {"P:a", "C:(x\\) b"}},
        {"x\0y z"s, {"P:x", "P:y", "P:z"}},
        {"  ", {}},
        {"", {}},
    };
    for (const auto& row : rows) {
        CAPTURE(row.value);
        CHECK(render(scan_user_agent_leniently(row.value)) == row.elements);
    }
    const auto elements = scan_user_agent_leniently("a/ b/1/2");
    REQUIRE(elements.size() == 2);
    CHECK_FALSE(elements[0].version.has_value());
    CHECK(elements[1].version == std::optional<std::string_view>("1/2"));
}

TEST_CASE("tokens and invalid bytes", "[compliance][grammar]") {
    CHECK(is_token("python-requests"));
    CHECK(is_token("~"));
    CHECK_FALSE(is_token(""));
    CHECK_FALSE(is_token("a b"));
    CHECK_FALSE(is_token("a/b"));
    CHECK_FALSE(is_token("a(b"));
    CHECK(find_invalid_byte("visible ASCII\tand tab") == std::nullopt);
    CHECK(find_invalid_byte("ok\x80") == std::optional<std::size_t>(2));
}

}  // namespace
}  // namespace uaudit::compliance
