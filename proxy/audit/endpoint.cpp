#include "audit/endpoint.hpp"

#include "audit/detail/text.hpp"

#include <algorithm>

namespace uaudit::audit {

namespace {

using detail::is_digit;
using detail::is_hex;

bool all_of(std::string_view text, bool (*predicate)(char) noexcept) {
    return !text.empty() && std::all_of(text.begin(), text.end(), predicate);
}

bool is_bare_guid(std::string_view text) {
    if (text.size() != 36) {
        return false;
    }
    for (std::size_t i = 0; i < text.size(); ++i) {
        const bool dash_position = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash_position ? text[i] != '-' : !is_hex(text[i])) {
            return false;
        }
    }
    return true;
}

bool is_guid(std::string_view text) {
    if (is_bare_guid(text)) {
        return true;
    }
    if (text.size() == 38 && text.front() == '{' && text.back() == '}') {
        return is_bare_guid(text.substr(1, 36));
    }
    if (text.size() == 42 && detail::iequals(text.substr(0, 3), "%7b") &&
        detail::iequals(text.substr(39), "%7d")) {
        return is_bare_guid(text.substr(3, 36));
    }
    return false;
}

// `da637308392288907382_-880718168`, `ed...`, `fa...`, or the older
// `636688558380765161_2136280442`.
bool is_alert_id(std::string_view text) {
    if (text.size() > 2) {
        const char a = detail::ascii_lower(text[0]);
        const char b = detail::ascii_lower(text[1]);
        if ((a == 'd' && b == 'a') || (a == 'e' && b == 'd') || (a == 'f' && b == 'a')) {
            text.remove_prefix(2);
        }
    }
    const auto underscore = text.find('_');
    if (underscore == std::string_view::npos) {
        return false;
    }
    auto tail = text.substr(underscore + 1);
    if (!tail.empty() && tail.front() == '-') {
        tail.remove_prefix(1);
    }
    return all_of(text.substr(0, underscore), is_digit) && all_of(tail, is_digit);
}

std::optional<std::string_view> id_placeholder(std::string_view text) {
    if (all_of(text, is_hex)) {
        if (text.size() == 40) {
            return "{sha1}";
        }
        if (text.size() == 64) {
            return "{sha256}";
        }
    }
    if (is_guid(text)) {
        return "{guid}";
    }
    if (is_alert_id(text)) {
        return "{alertId}";
    }
    if (all_of(text, is_digit)) {
        return "{n}";
    }
    return std::nullopt;
}

std::string_view value_placeholder(std::string_view value) {
    return id_placeholder(value).value_or("{id}");
}

// The arguments of an OData key or function form, `'a'` or `ip='x',timestamp=y`, with every
// value replaced; nullopt when the quotes do not balance.
std::optional<std::string> normalize_arguments(std::string_view args) {
    std::string out;
    std::size_t pos = 0;
    while (pos < args.size()) {
        // One argument: [name=]value, up to a comma outside quotes.
        std::size_t end = pos;
        bool quoted = false;
        while (end < args.size() && (quoted || args[end] != ',')) {
            if (args[end] == '\'') {
                quoted = !quoted;  // an escaped '' toggles twice
            }
            ++end;
        }
        if (quoted) {
            return std::nullopt;
        }
        auto argument = args.substr(pos, end - pos);
        const auto equals = argument.find('=');
        const auto first_quote = argument.find('\'');
        if (equals != std::string_view::npos && equals < first_quote) {
            out.append(argument.substr(0, equals + 1));
            argument.remove_prefix(equals + 1);
        }
        if (argument.empty()) {
            // nothing to replace: `f()` or `name=`
        } else if (argument.size() >= 2 && argument.front() == '\'' && argument.back() == '\'') {
            const auto inner = argument.substr(1, argument.size() - 2);
            out.push_back('\'');
            out.append(inner.empty() ? std::string_view{} : value_placeholder(inner));
            out.push_back('\'');
        } else {
            out.append(value_placeholder(argument));
        }
        if (end < args.size()) {
            out.push_back(',');
        }
        pos = end + 1;
    }
    return out;
}

}  // namespace

std::string normalize_segment(std::string_view segment) {
    if (const auto placeholder = id_placeholder(segment)) {
        return std::string(*placeholder);
    }
    const auto open = segment.find('(');
    if (open != std::string_view::npos && segment.back() == ')') {
        const auto args = segment.substr(open + 1, segment.size() - open - 2);
        if (auto normalized = normalize_arguments(args)) {
            std::string out(segment.substr(0, open + 1));
            out += *normalized;
            out.push_back(')');
            return out;
        }
    }
    return std::string(segment);
}

std::string normalize_endpoint(std::string_view path) {
    path = detail::path_part(path);
    std::string out;
    out.reserve(path.size());
    const bool rooted = !path.empty() && path.front() == '/';
    bool first = true;
    for (const auto segment : detail::split_segments(path)) {
        if (!first || rooted) {
            out.push_back('/');
        }
        first = false;
        out += normalize_segment(segment);
    }
    return out;
}

EndpointInfo classify_endpoint(std::string_view method, std::string_view target,
                               const OperationCatalog& catalog) {
    const Operation* op = catalog.find(method, target);
    if (op == nullptr) {
        return {normalize_endpoint(target), std::nullopt};
    }
    const auto path = detail::path_part(target);
    const auto templ = detail::path_part(op->path_template);
    const auto segments = detail::split_segments(path);
    const auto template_segments = detail::split_segments(templ);
    std::string endpoint;
    for (std::size_t i = 0; i < segments.size(); ++i) {
        endpoint.push_back('/');
        // find() ignores one trailing slash: the path may have one segment more, empty.
        const auto templ_segment =
            i < template_segments.size() ? template_segments[i] : std::string_view{};
        const bool whole_placeholder = templ_segment.size() > 2 && templ_segment.front() == '{' &&
                                       templ_segment.back() == '}' &&
                                       templ_segment.find('{', 1) == std::string_view::npos;
        if (templ_segment.find('{') == std::string_view::npos) {
            endpoint += segments[i];  // a literal of the operation, kept as sent
        } else if (!whole_placeholder) {
            endpoint += normalize_segment(segments[i]);
        } else if (const auto placeholder = id_placeholder(segments[i])) {
            endpoint += *placeholder;
        } else {
            endpoint += templ_segment;
        }
    }
    return {std::move(endpoint), op->name()};
}

}  // namespace uaudit::audit
