#include "http/target.hpp"

#include <boost/url/authority_view.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>

namespace uaudit::http {
namespace {

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

// Fills host and port from any Boost.URL view with an authority (url_view, authority_view).
template <class View>
bool take_host_port(const View& view, Target& target, std::optional<std::uint16_t> default_port,
                    std::string& error) {
    if (view.has_userinfo()) {
        error = "user information in the request target is not allowed";
        return false;
    }
    switch (view.host_type()) {
        case boost::urls::host_type::name:
        case boost::urls::host_type::ipv4:
        case boost::urls::host_type::ipv6:
            break;
        default:
            error = "unsupported host in the request target";
            return false;
    }
    const std::string_view host = view.encoded_host_address();
    if (host.empty()) {
        error = "empty host in the request target";
        return false;
    }
    if (host.find('%') != std::string_view::npos) {
        error = "percent-encoded or zoned host in the request target";
        return false;
    }
    target.host = lower(host);
    const std::string_view port_text = view.port();
    if (!view.has_port() || port_text.empty()) {
        if (!default_port) {
            error = "the port is required (host:port)";
            return false;
        }
        target.port = *default_port;
        return true;
    }
    unsigned value = 0;
    const auto [end, ec] =
        std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
    if (ec != std::errc{} || end != port_text.data() + port_text.size() || value == 0 ||
        value > 65535) {
        error = "invalid port in the request target";
        return false;
    }
    target.port = static_cast<std::uint16_t>(value);
    return true;
}

}  // namespace

std::string format_authority(std::string_view host, std::uint16_t port) {
    std::string out;
    if (host.find(':') != std::string_view::npos) {
        out.append("[").append(host).append("]");
    } else {
        out.append(host);
    }
    out.append(":").append(std::to_string(port));
    return out;
}

std::string Target::authority() const {
    return format_authority(host, port);
}

std::string Target::origin_form() const {
    std::string out = path;
    if (query) {
        out.append("?").append(*query);
    }
    return out;
}

bool Target::host_is_ipv6() const {
    return host.find(':') != std::string::npos;
}

std::optional<Target> parse_absolute_target(std::string_view text, std::string& error) {
    if (text.empty()) {
        error = "empty request target";
        return std::nullopt;
    }
    if (text.front() == '/') {
        error = "origin-form target on a forward proxy: send the absolute URL (http://host/path)";
        return std::nullopt;
    }
    if (text == "*") {
        error = "asterisk-form target is not supported";
        return std::nullopt;
    }
    auto parsed = boost::urls::parse_uri(text);
    if (!parsed) {
        error = "malformed request target";
        return std::nullopt;
    }
    const boost::urls::url_view& url = *parsed;
    Target target;
    target.scheme = lower(url.scheme());
    if (target.scheme != "http") {
        error = target.scheme == "https" ? "https:// in absolute-form is not supported: use CONNECT"
                                         : "unsupported scheme in the request target";
        return std::nullopt;
    }
    if (!url.has_authority()) {
        error = "no host in the request target";
        return std::nullopt;
    }
    if (!take_host_port(url, target, std::uint16_t{80}, error)) {
        return std::nullopt;
    }
    target.path = url.encoded_path();
    if (target.path.empty()) {
        target.path = "/";
    }
    if (url.has_query()) {
        target.query = std::string(url.encoded_query());
    }
    return target;
}

std::optional<Target> parse_upstream_base(std::string_view text, std::string& error) {
    auto parsed = boost::urls::parse_uri(text);
    if (!parsed) {
        error = "malformed upstream URL";
        return std::nullopt;
    }
    const boost::urls::url_view& url = *parsed;
    Target target;
    target.scheme = lower(url.scheme());
    if (target.scheme != "http" && target.scheme != "https") {
        error = "the upstream URL must be http:// or https://";
        return std::nullopt;
    }
    if (!url.has_authority()) {
        error = "no host in the upstream URL";
        return std::nullopt;
    }
    const std::uint16_t default_port = target.scheme == "https" ? 443 : 80;
    if (!take_host_port(url, target, default_port, error)) {
        return std::nullopt;
    }
    target.path = "/";
    return target;
}

std::optional<Target> parse_origin_target(std::string_view text, std::string& error) {
    if (text.empty() || text.front() != '/') {
        error = "expected an origin-form target (/path) inside the tunnel";
        return std::nullopt;
    }
    auto parsed = boost::urls::parse_origin_form(text);
    if (!parsed) {
        error = "malformed request target";
        return std::nullopt;
    }
    Target target;
    target.path = parsed->encoded_path();
    if (parsed->has_query()) {
        target.query = std::string(parsed->encoded_query());
    }
    return target;
}

std::optional<Target> parse_authority_target(std::string_view text, std::string& error) {
    auto parsed = boost::urls::parse_authority(text);
    if (!parsed || text.empty()) {
        error = "malformed CONNECT target: expected host:port";
        return std::nullopt;
    }
    Target target;
    if (!take_host_port(*parsed, target, std::nullopt, error)) {
        return std::nullopt;
    }
    target.path.clear();
    return target;
}

std::vector<std::string> query_keys(std::string_view query) {
    std::vector<std::string> keys;
    std::size_t start = 0;
    while (start <= query.size()) {
        std::size_t end = query.find('&', start);
        if (end == std::string_view::npos) {
            end = query.size();
        }
        std::string_view pair = query.substr(start, end - start);
        std::string_view key = pair.substr(0, pair.find('='));
        if (!key.empty()) {
            std::string decoded;
            for (std::size_t i = 0; i < key.size(); ++i) {
                const char c = key[i];
                if (c == '+') {
                    decoded.push_back(' ');
                } else if (c == '%' && i + 2 < key.size() &&
                           std::isxdigit(static_cast<unsigned char>(key[i + 1])) != 0 &&
                           std::isxdigit(static_cast<unsigned char>(key[i + 2])) != 0) {
                    const auto hex = [](char h) {
                        return std::isdigit(static_cast<unsigned char>(h)) != 0
                                   ? h - '0'
                                   : (std::tolower(static_cast<unsigned char>(h)) - 'a' + 10);
                    };
                    decoded.push_back(static_cast<char>(hex(key[i + 1]) * 16 + hex(key[i + 2])));
                    i += 2;
                } else {
                    decoded.push_back(c);
                }
            }
            keys.push_back(std::move(decoded));
        }
        start = end + 1;
    }
    return keys;
}

}  // namespace uaudit::http
