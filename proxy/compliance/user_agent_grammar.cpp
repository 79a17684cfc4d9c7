#include "compliance/user_agent_grammar.hpp"

#include <cstdio>

namespace uaudit::compliance {
namespace {

std::string describe_byte(unsigned char byte) {
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned>(byte));
    const char* what = byte >= 0x80 ? "non-ASCII byte " : "control character ";
    return std::string(what) + hex;
}

std::string describe_char(char c) {
    return std::string("'") + c + "'";
}

// A recursive-descent parser without recursion: comments are matched with a depth counter.
class Parser {
public:
    explicit Parser(std::string_view value)
        : value_(value) {}

    UaParseResult run() {
        if (auto bad = find_invalid_byte(value_)) {
            fail(*bad, describe_byte(static_cast<unsigned char>(value_[*bad])) + " is not allowed");
            return std::move(result_);
        }
        if (value_.empty()) {
            fail(0, "empty value");
            return std::move(result_);
        }
        if (value_[0] == '(') {
            fail(0, "a comment cannot come first: the value must start with a product");
            return std::move(result_);
        }
        bool ok = parse_product();
        while (ok && pos_ < value_.size()) {
            ok = parse_separator() && parse_element();
        }
        return std::move(result_);
    }

private:
    bool parse_separator() {
        const std::size_t start = pos_;
        while (pos_ < value_.size() && is_blank(value_[pos_])) {
            ++pos_;
        }
        if (pos_ == start) {
            return fail(pos_, "unexpected " + describe_char(value_[pos_]) +
                                  ": a space must separate products and comments");
        }
        if (pos_ == value_.size()) {
            return fail(start, "trailing whitespace");
        }
        return true;
    }

    bool parse_element() { return value_[pos_] == '(' ? parse_comment() : parse_product(); }

    std::size_t token_end(std::size_t from) const {
        while (from < value_.size() && is_tchar(value_[from])) {
            ++from;
        }
        return from;
    }

    bool parse_product() {
        const std::size_t start = pos_;
        const std::size_t name_end = token_end(start);
        if (name_end == start) {
            return fail(start, "expected a product token, found " + describe_char(value_[start]));
        }
        UaElement element{
            ElementKind::product, start, {}, value_.substr(start, name_end - start), std::nullopt};
        pos_ = name_end;
        if (pos_ < value_.size() && value_[pos_] == '/') {
            const std::size_t version_end = token_end(pos_ + 1);
            if (version_end == pos_ + 1) {
                return fail(pos_ + 1, "expected a product version after '/'");
            }
            element.version = value_.substr(pos_ + 1, version_end - pos_ - 1);
            pos_ = version_end;
        }
        element.text = value_.substr(start, pos_ - start);
        result_.elements.push_back(element);
        return true;
    }

    // Bytes were validated up front, so everything but "(", ")" and "\" is ctext.
    bool parse_comment() {
        const std::size_t start = pos_;
        std::size_t depth = 0;
        while (pos_ < value_.size()) {
            const char c = value_[pos_];
            if (c == '(') {
                if (++depth > max_comment_depth) {
                    return fail(pos_, "comments nested deeper than " +
                                          std::to_string(max_comment_depth) + " levels");
                }
            } else if (c == ')') {
                if (--depth == 0) {
                    ++pos_;
                    const auto text = value_.substr(start, pos_ - start);
                    result_.elements.push_back({ElementKind::comment, start, text, {}, {}});
                    return true;
                }
            } else if (c == '\\') {
                ++pos_;  // quoted-pair: the next byte is taken literally
                if (pos_ == value_.size()) {
                    break;
                }
            }
            ++pos_;
        }
        return fail(start, "unterminated comment");
    }

    bool fail(std::size_t offset, std::string reason) {
        result_.error = UaParseError{offset, std::move(reason)};
        return false;
    }

    std::string_view value_;
    std::size_t pos_ = 0;
    UaParseResult result_;
};

// End of a comment starting at `start` for the lenient scan: the matching ")" or the end.
std::size_t lenient_comment_end(std::string_view value, std::size_t start) {
    std::size_t depth = 0;
    for (std::size_t i = start; i < value.size(); ++i) {
        if (value[i] == '\\') {
            ++i;
        } else if (value[i] == '(') {
            ++depth;
        } else if (value[i] == ')' && --depth == 0) {
            return i + 1;
        }
    }
    return value.size();
}

// Control bytes end a word too: "token\r\nX-Injected: 1" keeps the token intact. Non-ASCII
// bytes do not, as they are most likely UTF-8 inside a name.
bool is_lenient_separator(char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte < 0x20 || byte == 0x7F || c == ' ';
}

UaElement lenient_product(std::string_view value, std::size_t start, std::size_t end) {
    const auto text = value.substr(start, end - start);
    UaElement element{ElementKind::product, start, text, text, std::nullopt};
    if (const auto slash = text.find('/'); slash != std::string_view::npos) {
        element.name = text.substr(0, slash);
        if (slash + 1 < text.size()) {
            element.version = text.substr(slash + 1);
        }
    }
    return element;
}

}  // namespace

bool is_tchar(char c) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
        return true;
    }
    return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool is_token(std::string_view text) {
    if (text.empty()) {
        return false;
    }
    for (const char c : text) {
        if (!is_tchar(c)) {
            return false;
        }
    }
    return true;
}

std::optional<std::size_t> find_invalid_byte(std::string_view value) {
    for (std::size_t i = 0; i < value.size(); ++i) {
        const auto byte = static_cast<unsigned char>(value[i]);
        if ((byte < 0x20 && byte != '\t') || byte >= 0x7F) {
            return i;
        }
    }
    return std::nullopt;
}

UaParseResult parse_user_agent(std::string_view value) {
    return Parser(value).run();
}

std::vector<UaElement> scan_user_agent_leniently(std::string_view value) {
    std::vector<UaElement> elements;
    std::size_t i = 0;
    while (i < value.size()) {
        if (is_lenient_separator(value[i])) {
            ++i;
        } else if (value[i] == '(') {
            const std::size_t end = lenient_comment_end(value, i);
            elements.push_back({ElementKind::comment, i, value.substr(i, end - i), {}, {}});
            i = end;
        } else {
            std::size_t end = i;
            while (end < value.size() && !is_lenient_separator(value[end]) && value[end] != '(') {
                ++end;
            }
            elements.push_back(lenient_product(value, i, end));
            i = end;
        }
    }
    return elements;
}

}  // namespace uaudit::compliance
