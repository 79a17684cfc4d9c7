#include "http/framing.hpp"

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/rfc7230.hpp>

#include <charconv>
#include <cstdint>
#include <vector>

namespace uaudit::http {
namespace {

namespace bh = boost::beast::http;

// Every Content-Length value of the head, split on commas; nullopt when one is not a number.
std::optional<std::vector<std::uint64_t>> content_lengths(const bh::fields& fields) {
    std::vector<std::uint64_t> values;
    for (auto it = fields.find(bh::field::content_length);
         it != fields.end() && it->name() == bh::field::content_length; ++it) {
        std::string_view rest = it->value();
        for (;;) {
            const std::size_t comma = rest.find(',');
            std::string_view item = rest.substr(0, comma);
            while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) {
                item.remove_prefix(1);
            }
            while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) {
                item.remove_suffix(1);
            }
            std::uint64_t value = 0;
            const auto [end, ec] = std::from_chars(item.data(), item.data() + item.size(), value);
            if (item.empty() || ec != std::errc{} || end != item.data() + item.size()) {
                return std::nullopt;
            }
            values.push_back(value);
            if (comma == std::string_view::npos) {
                break;
            }
            rest.remove_prefix(comma + 1);
        }
    }
    return values;
}

}  // namespace

std::optional<std::string> check_raw_head(std::string_view head) {
    for (std::size_t pos = head.find('\n'); pos != std::string_view::npos;
         pos = head.find('\n', pos + 1)) {
        if (pos + 1 < head.size() && (head[pos + 1] == ' ' || head[pos + 1] == '\t')) {
            return "obsolete line folding (obs-fold) in the request head";
        }
    }
    return std::nullopt;
}

std::optional<std::string> check_request_framing(const bh::request_header<>& head) {
    const auto te = head.find(bh::field::transfer_encoding);
    const bool has_cl = head.find(bh::field::content_length) != head.end();
    if (te != head.end()) {
        if (has_cl) {
            return "both Content-Length and Transfer-Encoding";
        }
        if (head.version() < 11) {
            return "Transfer-Encoding in an HTTP/1.0 request";
        }
        if (head.count(bh::field::transfer_encoding) > 1) {
            return "more than one Transfer-Encoding field";
        }
        std::string_view last;
        for (const auto coding : bh::token_list{te->value()}) {
            last = coding;
        }
        if (!boost::beast::iequals(last, "chunked")) {
            return "Transfer-Encoding whose final coding is not chunked";
        }
    }
    if (has_cl) {
        const auto values = content_lengths(head);
        if (!values || values->empty()) {
            return "invalid Content-Length";
        }
        for (const auto value : *values) {
            if (value != values->front()) {
                return "differing Content-Length values";
            }
        }
    }
    return std::nullopt;
}

void normalize_content_length(bh::fields& fields) {
    const auto values = content_lengths(fields);
    if (!values || values->empty()) {
        return;
    }
    const bool plain = fields.count(bh::field::content_length) == 1 && values->size() == 1;
    if (!plain) {
        fields.set(bh::field::content_length, std::to_string(values->front()));
    }
}

}  // namespace uaudit::http
