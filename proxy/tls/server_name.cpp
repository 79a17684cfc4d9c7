#include "tls/server_name.hpp"

#include <arpa/inet.h>

namespace uaudit::tls {
namespace {

bool is_label_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

bool is_dns_name(std::string_view name) {
    if (name.empty() || name.size() > 253) {
        return false;
    }
    std::size_t label = 0;
    for (const char c : name) {
        if (c == '.') {
            if (label == 0) {
                return false;
            }
            label = 0;
        } else if (is_label_char(c) && ++label <= 63) {
            continue;
        } else {
            return false;
        }
    }
    return label != 0;
}

}  // namespace

std::optional<ServerName> parse_server_name(std::string_view name) {
    if (name.size() >= 2 && name.front() == '[' && name.back() == ']') {
        name = name.substr(1, name.size() - 2);
        const std::string text(name);
        unsigned char address[16];
        char canonical[INET6_ADDRSTRLEN];
        if (::inet_pton(AF_INET6, text.c_str(), address) != 1 ||
            ::inet_ntop(AF_INET6, address, canonical, sizeof canonical) == nullptr) {
            return std::nullopt;
        }
        return ServerName{canonical, true};
    }
    std::string text;
    text.reserve(name.size());
    for (const char c : name) {
        text += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    }
    unsigned char address[16];
    char canonical[INET6_ADDRSTRLEN];
    if (::inet_pton(AF_INET, text.c_str(), address) == 1) {
        return ServerName{text, true};
    }
    if (::inet_pton(AF_INET6, text.c_str(), address) == 1 &&
        ::inet_ntop(AF_INET6, address, canonical, sizeof canonical) != nullptr) {
        return ServerName{canonical, true};
    }
    if (!text.empty() && text.back() == '.') {
        text.pop_back();
    }
    if (!is_dns_name(text)) {
        return std::nullopt;
    }
    // All-numeric last label: a mangled IPv4 address ("1.2.3", "01.2.3.4"), not a name.
    const std::size_t last = text.rfind('.');
    const std::string_view tld =
        std::string_view(text).substr(last == std::string::npos ? 0 : last + 1);
    if (tld.find_first_not_of("0123456789") == std::string_view::npos) {
        return std::nullopt;
    }
    return ServerName{std::move(text), false};
}

}  // namespace uaudit::tls
