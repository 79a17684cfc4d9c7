#include "config/detail/text.hpp"
#include "config/detail/values.hpp"
#include "config/load.hpp"

#include <arpa/inet.h>

#include <array>
#include <cstdint>
#include <limits>

namespace uaudit::config {
namespace {

// Up to 18 digits, so the value and any unit multiple below 2^63 cannot overflow unchecked.
std::optional<std::uint64_t> parse_digits(std::string_view digits) {
    if (digits.empty() || digits.size() > 18) {
        return std::nullopt;
    }
    std::uint64_t value = 0;
    for (char c : digits) {
        if (!detail::is_digit(c)) {
            return std::nullopt;
        }
        value = value * 10 + static_cast<std::uint64_t>(c - '0');
    }
    return value;
}

std::optional<std::uint64_t> multiply(std::uint64_t value, std::uint64_t factor,
                                      std::uint64_t limit) {
    if (factor != 0 && value > limit / factor) {
        return std::nullopt;
    }
    return value * factor;
}

std::size_t digit_prefix(std::string_view text) {
    std::size_t n = 0;
    while (n < text.size() && detail::is_digit(text[n])) {
        ++n;
    }
    return n;
}

std::optional<std::uint16_t> parse_port(std::string_view text) {
    if (text.empty() || text.size() > 5) {
        return std::nullopt;
    }
    const auto value = parse_digits(text);
    if (!value || *value == 0 || *value > 65535) {
        return std::nullopt;
    }
    return static_cast<std::uint16_t>(*value);
}

}  // namespace

std::optional<Duration> parse_duration(std::string_view text) {
    const std::size_t n = digit_prefix(text);
    const auto value = parse_digits(text.substr(0, n));
    if (!value) {
        return std::nullopt;
    }
    const std::string_view unit = text.substr(n);
    std::uint64_t factor = 0;
    if (unit == "ms") {
        factor = 1;
    } else if (unit == "s") {
        factor = 1000;
    } else if (unit == "m") {
        factor = 60 * 1000;
    } else if (unit == "h") {
        factor = 3600 * 1000;
    } else if (unit == "d") {
        factor = 24ull * 3600 * 1000;
    } else if (unit.empty() && *value == 0) {
        return Duration::zero();
    } else {
        return std::nullopt;
    }
    const auto limit = static_cast<std::uint64_t>(std::numeric_limits<Duration::rep>::max());
    const auto millis = multiply(*value, factor, limit);
    if (!millis) {
        return std::nullopt;
    }
    return Duration(static_cast<Duration::rep>(*millis));
}

std::optional<std::uint64_t> parse_size(std::string_view text) {
    const std::size_t n = digit_prefix(text);
    const auto value = parse_digits(text.substr(0, n));
    if (!value) {
        return std::nullopt;
    }
    struct Unit {
        std::string_view name;
        std::uint64_t factor;
    };
    static constexpr std::array<Unit, 9> units{{
        {"", 1},
        {"b", 1},
        {"kib", 1ull << 10},
        {"mib", 1ull << 20},
        {"gib", 1ull << 30},
        {"tib", 1ull << 40},
        {"kb", 1000},
        {"mb", 1000 * 1000},
        {"gb", 1000 * 1000 * 1000},
    }};
    const std::string unit = detail::to_lower(text.substr(n));
    for (const Unit& u : units) {
        if (u.name == unit) {
            return multiply(*value, u.factor, std::numeric_limits<std::uint64_t>::max());
        }
    }
    return std::nullopt;
}

std::optional<HostPort> parse_host_port(std::string_view text) {
    std::string error;
    return detail::parse_host_port(text, error);
}

std::optional<Cidr> parse_cidr(std::string_view text) {
    std::string error;
    return detail::parse_cidr(text, error);
}

namespace detail {

bool is_host_name(std::string_view host) {
    if (host.empty() || host.size() > 253) {
        return false;
    }
    for (std::string_view label : split(host, '.')) {
        if (label.empty() || label.size() > 63) {
            return false;
        }
        for (char c : label) {
            if (!is_alnum(c) && c != '-' && c != '_') {
                return false;
            }
        }
    }
    return true;
}

bool is_loopback_host(std::string_view host) {
    if (iequals(host, "localhost")) {
        return true;
    }
    const std::string text(host);
    std::array<std::uint8_t, 16> bytes{};
    if (inet_pton(AF_INET, text.c_str(), bytes.data()) == 1) {
        return bytes[0] == 127;
    }
    if (inet_pton(AF_INET6, text.c_str(), bytes.data()) == 1) {
        static constexpr std::array<std::uint8_t, 16> loopback{0, 0, 0, 0, 0, 0, 0, 0,
                                                               0, 0, 0, 0, 0, 0, 0, 1};
        return bytes == loopback;
    }
    return false;
}

std::optional<HostPort> parse_host_port(std::string_view text, std::string& error) {
    const std::string quoted = "'" + std::string(text) + "'";
    std::string_view host;
    std::string_view port;
    bool bracketed = false;
    if (!text.empty() && text.front() == '[') {
        const std::size_t close = text.find(']');
        if (close == std::string_view::npos) {
            error = quoted + ": missing ']' after the IPv6 address";
            return std::nullopt;
        }
        host = text.substr(1, close - 1);
        const std::string_view rest = text.substr(close + 1);
        if (rest.empty()) {
            error = quoted + ": missing port (write [address]:port)";
            return std::nullopt;
        }
        if (rest.front() != ':') {
            error = quoted + ": expected ':' and a port after ']'";
            return std::nullopt;
        }
        port = rest.substr(1);
        bracketed = true;
    } else {
        const std::size_t colon = text.rfind(':');
        if (colon == std::string_view::npos) {
            error = quoted + ": missing port (write host:port)";
            return std::nullopt;
        }
        host = text.substr(0, colon);
        port = text.substr(colon + 1);
        if (host.find(':') != std::string_view::npos) {
            error = quoted + ": an IPv6 address needs brackets, e.g. [::1]:8080";
            return std::nullopt;
        }
        if (host.find_first_of("[]") != std::string_view::npos) {
            error = quoted + ": misplaced bracket";
            return std::nullopt;
        }
    }
    if (host.empty()) {
        error = quoted + ": missing host";
        return std::nullopt;
    }
    if (bracketed) {
        std::array<std::uint8_t, 16> bytes{};
        if (inet_pton(AF_INET6, std::string(host).c_str(), bytes.data()) != 1) {
            error = quoted + ": '" + std::string(host) + "' is not an IPv6 address";
            return std::nullopt;
        }
    } else if (!is_host_name(host)) {
        error = quoted + ": '" + std::string(host) + "' is not a valid host name or address";
        return std::nullopt;
    }
    const auto number = parse_port(port);
    if (!number) {
        error = quoted + ": port must be a number from 1 to 65535";
        return std::nullopt;
    }
    return HostPort{to_lower(host), *number};
}

std::optional<Cidr> parse_cidr(std::string_view text, std::string& error) {
    const std::string quoted = "'" + std::string(text) + "'";
    const std::size_t slash = text.find('/');
    const std::string address(text.substr(0, slash));
    Cidr cidr;
    if (inet_pton(AF_INET, address.c_str(), cidr.network.data()) == 1) {
        cidr.v6 = false;
    } else if (inet_pton(AF_INET6, address.c_str(), cidr.network.data()) == 1) {
        cidr.v6 = true;
    } else {
        error = quoted + ": '" + address + "' is not an IPv4 or IPv6 address";
        return std::nullopt;
    }
    const unsigned max_prefix = cidr.v6 ? 128 : 32;
    cidr.prefix = max_prefix;
    if (slash != std::string_view::npos) {
        const std::string_view digits = text.substr(slash + 1);
        const auto prefix = digits.size() <= 3 ? parse_digits(digits) : std::nullopt;
        if (!prefix || *prefix > max_prefix) {
            error =
                quoted + ": prefix length must be a number from 0 to " + std::to_string(max_prefix);
            return std::nullopt;
        }
        cidr.prefix = static_cast<unsigned>(*prefix);
    }
    // Keep only the network bits, so to_string() shows the network that is matched.
    for (std::size_t i = 0; i < cidr.network.size(); ++i) {
        const unsigned first_bit = static_cast<unsigned>(i) * 8;
        if (first_bit >= cidr.prefix) {
            cidr.network[i] = 0;
        } else if (cidr.prefix - first_bit < 8) {
            cidr.network[i] &= static_cast<std::uint8_t>(0xff << (8 - (cidr.prefix - first_bit)));
        }
    }
    return cidr;
}

std::optional<std::string> parse_origin_url(std::string_view text, std::string& error) {
    const std::string quoted = "'" + std::string(text) + "'";
    std::string_view rest;
    std::string_view scheme;
    if (text.starts_with("https://")) {
        scheme = "https://";
    } else if (text.starts_with("http://")) {
        scheme = "http://";
    } else {
        error = quoted + ": expected http://host[:port] or https://host[:port]";
        return std::nullopt;
    }
    rest = text.substr(scheme.size());
    if (!rest.empty() && rest.back() == '/') {
        rest.remove_suffix(1);
    }
    if (rest.find_first_of("/?#") != std::string_view::npos) {
        error = quoted + ": the upstream is an origin only (scheme, host, port), without a path";
        return std::nullopt;
    }
    if (rest.find('@') != std::string_view::npos) {
        error = quoted + ": credentials in the upstream URL are not supported";
        return std::nullopt;
    }
    const bool has_port = rest.starts_with("[") ? rest.find("]:") != std::string_view::npos
                                                : rest.find(':') != std::string_view::npos;
    std::string ignored;
    if (!parse_host_port(has_port ? std::string(rest) : std::string(rest) + ":1", ignored)) {
        error = quoted + ": bad host or port in the upstream URL";
        return std::nullopt;
    }
    return std::string(scheme) + to_lower(rest);
}

bool parse_proxy_url(std::string_view text, std::string& error) {
    const std::string quoted = "'" + std::string(text) + "'";
    if (!text.starts_with("http://")) {
        error = quoted + ": expected http://[user:password@]host:port";
        return false;
    }
    std::string_view rest = text.substr(7);
    if (!rest.empty() && rest.back() == '/') {
        rest.remove_suffix(1);
    }
    if (const std::size_t at = rest.rfind('@'); at != std::string_view::npos) {
        const std::string_view user_info = rest.substr(0, at);
        if (user_info.empty() || user_info.find(':') == std::string_view::npos ||
            user_info.front() == ':') {
            error = quoted + ": credentials must be written user:password@";
            return false;
        }
        rest = rest.substr(at + 1);
    }
    if (rest.find_first_of("/?#") != std::string_view::npos) {
        error = quoted + ": a proxy URL has no path";
        return false;
    }
    std::string ignored;
    if (!parse_host_port(rest, ignored)) {
        error = quoted + ": expected http://[user:password@]host:port";
        return false;
    }
    return true;
}

}  // namespace detail
}  // namespace uaudit::config
