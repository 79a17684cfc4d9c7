#include "audit/catalog.hpp"

#include "audit/detail/embedded.hpp"
#include "audit/detail/text.hpp"

#include <algorithm>
#include <stdexcept>

namespace uaudit::audit {

namespace {

using detail::to_lower;

std::vector<std::string_view> split(std::string_view text, char separator) {
    std::vector<std::string_view> parts;
    for (;;) {
        const auto at = text.find(separator);
        parts.push_back(text.substr(0, at));
        if (at == std::string_view::npos) {
            return parts;
        }
        text.remove_prefix(at + 1);
    }
}

std::string_view trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\r')) {
        text.remove_prefix(1);
    }
    while (!text.empty() && (text.back() == ' ' || text.back() == '\r')) {
        text.remove_suffix(1);
    }
    return text;
}

std::string line_error(std::size_t line, std::string_view what) {
    return "operation catalog line " + std::to_string(line) + ": " + std::string(what);
}

// Query key names of a template or request query: "a=1&b" -> {"a", "b"}, lower-case.
std::vector<std::string> query_keys(std::string_view query) {
    std::vector<std::string> keys;
    for (const auto pair : split(query, '&')) {
        const auto key = pair.substr(0, pair.find('='));
        if (!key.empty()) {
            keys.push_back(to_lower(detail::percent_decode(key)));
        }
    }
    return keys;
}

}  // namespace

OperationCatalog OperationCatalog::parse(std::string_view tsv) {
    OperationCatalog catalog;
    std::size_t line_number = 0;
    bool header_seen = false;
    for (auto line : split(tsv, '\n')) {
        ++line_number;
        line = trim(line);
        if (line.empty() || line.front() == '#') {
            continue;
        }
        if (!header_seen) {
            header_seen = true;  // api_family, method, path_template, id_kinds, source
            continue;
        }
        const auto columns = split(line, '\t');
        if (columns.size() < 3) {
            throw std::invalid_argument(
                line_error(line_number, "expected at least 3 tab-separated columns"));
        }
        const auto path_template = trim(columns[2]);
        if (path_template.empty() || path_template.front() != '/') {
            throw std::invalid_argument(line_error(line_number, "path must start with '/'"));
        }
        const auto question = path_template.find('?');
        Compiled compiled;
        for (const auto text : detail::split_segments(path_template.substr(0, question))) {
            Segment segment;
            std::size_t pos = 0;
            while (pos < text.size()) {
                const auto open = text.find('{', pos);
                if (open != pos) {
                    segment.tokens.push_back({false, to_lower(text.substr(pos, open - pos))});
                }
                if (open == std::string_view::npos) {
                    break;
                }
                const auto close = text.find('}', open);
                if (close == std::string_view::npos || close == open + 1) {
                    throw std::invalid_argument(
                        line_error(line_number, "unbalanced or empty '{' in the path"));
                }
                segment.tokens.push_back({true, {}});
                pos = close + 1;
            }
            const bool any_wildcard = std::any_of(segment.tokens.begin(), segment.tokens.end(),
                                                  [](const Token& t) { return t.wildcard; });
            if (!any_wildcard) {
                segment.kind = SegmentKind::literal;
            } else if (segment.tokens.size() == 1) {
                segment.kind = SegmentKind::placeholder;
            } else {
                segment.kind = SegmentKind::mixed;
            }
            compiled.segments.push_back(std::move(segment));
        }
        if (question != std::string_view::npos) {
            compiled.query_keys = query_keys(path_template.substr(question + 1));
        }
        const auto family = trim(columns[0]);
        const auto id_kinds = columns.size() > 3 ? trim(columns[3]) : std::string_view{};
        const auto source = columns.size() > 4 ? trim(columns[4]) : std::string_view{};
        for (const auto method : split(trim(columns[1]), '/')) {
            if (method.empty()) {
                throw std::invalid_argument(line_error(line_number, "empty method"));
            }
            compiled.method_lower = to_lower(method);
            catalog.operations_.push_back({std::string(family), std::string(method),
                                           std::string(path_template), std::string(id_kinds),
                                           std::string(source)});
            catalog.compiled_.push_back(compiled);
        }
    }
    return catalog;
}

const OperationCatalog& OperationCatalog::embedded() {
    static const OperationCatalog catalog = parse(detail::embedded_catalog_tsv());
    return catalog;
}

bool OperationCatalog::tokens_match(const std::vector<Token>& tokens, std::string_view lowered) {
    // Linear, whatever the input: anchor the literal ends, then take each inner literal at
    // its leftmost place (greedy is exact for globs) leaving every placeholder one character.
    std::size_t first = 0;
    std::size_t last = tokens.size();
    if (first < last && !tokens[first].wildcard) {
        if (!lowered.starts_with(tokens[first].lowered)) {
            return false;
        }
        lowered.remove_prefix(tokens[first].lowered.size());
        ++first;
    }
    if (first < last && !tokens[last - 1].wildcard) {
        if (!lowered.ends_with(tokens[last - 1].lowered)) {
            return false;
        }
        lowered.remove_suffix(tokens[last - 1].lowered.size());
        --last;
    }
    std::size_t pos = 0;
    std::size_t pending = 0;  // characters the placeholders since `pos` still need
    for (std::size_t i = first; i < last; ++i) {
        if (tokens[i].wildcard) {
            ++pending;
            continue;
        }
        const auto at = lowered.find(tokens[i].lowered, pos + pending);
        if (at == std::string_view::npos) {
            return false;
        }
        pos = at + tokens[i].lowered.size();
        pending = 0;
    }
    // Trailing placeholders need their characters; without any, nothing may be left over.
    const auto rest = lowered.size() - pos;
    return pending == 0 ? rest == 0 : rest >= pending;
}

const Operation* OperationCatalog::find(std::string_view method, std::string_view target) const {
    const auto question = target.find('?');
    auto path = detail::path_part(target);
    if (path.empty() || path.front() != '/') {
        return nullptr;
    }
    if (path.size() > 1 && path.back() == '/') {
        path.remove_suffix(1);
    }
    std::vector<std::string> lowered;
    for (const auto segment : detail::split_segments(path)) {
        lowered.push_back(to_lower(detail::percent_decode(segment)));
    }
    std::vector<std::string> request_keys;
    if (question != std::string_view::npos) {
        auto query = target.substr(question + 1);
        query = query.substr(0, query.find('#'));
        request_keys = query_keys(query);
    }
    const auto method_lower = to_lower(method);

    const Operation* best = nullptr;
    std::vector<int> best_rank;
    int best_query = 0;
    for (std::size_t i = 0; i < compiled_.size(); ++i) {
        const Compiled& op = compiled_[i];
        if (op.method_lower != method_lower || op.segments.size() != lowered.size()) {
            continue;
        }
        std::vector<int> rank;
        rank.reserve(lowered.size());
        bool matched = true;
        for (std::size_t s = 0; s < lowered.size() && matched; ++s) {
            matched = tokens_match(op.segments[s].tokens, lowered[s]);
            rank.push_back(static_cast<int>(op.segments[s].kind));
        }
        if (!matched) {
            continue;
        }
        // 0: the template names no query; 1 + n: n of its keys are in the request; -1: none.
        int query_score = 0;
        if (!op.query_keys.empty()) {
            int present = 0;
            for (const auto& key : op.query_keys) {
                present +=
                    std::find(request_keys.begin(), request_keys.end(), key) != request_keys.end()
                        ? 1
                        : 0;
            }
            query_score = present > 0 ? 1 + present : -1;
        }
        if (best == nullptr || rank > best_rank ||
            (rank == best_rank && query_score > best_query)) {
            best = &operations_[i];
            best_rank = std::move(rank);
            best_query = query_score;
        }
    }
    return best;
}

std::optional<std::string> OperationCatalog::match(std::string_view method,
                                                   std::string_view target) const {
    if (const Operation* op = find(method, target)) {
        return op->name();
    }
    return std::nullopt;
}

}  // namespace uaudit::audit
