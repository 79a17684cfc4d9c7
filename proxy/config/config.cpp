#include "config/config.hpp"

#include <arpa/inet.h>

#include <cstring>

namespace uaudit::config {

std::string HostPort::to_string() const {
    std::string text = host.find(':') != std::string::npos ? "[" + host + "]" : host;
    return text + ":" + std::to_string(port);
}

bool Cidr::contains(const std::string& address) const {
    std::array<std::uint8_t, 16> bytes{};
    bool is_v6 = false;
    if (inet_pton(AF_INET, address.c_str(), bytes.data()) == 1) {
        is_v6 = false;
    } else if (inet_pton(AF_INET6, address.c_str(), bytes.data()) == 1) {
        is_v6 = true;
        // A dual-stack socket reports IPv4 peers as ::ffff:a.b.c.d; judge them as IPv4.
        static constexpr std::uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
        if (!v6 && std::memcmp(bytes.data(), mapped, sizeof mapped) == 0) {
            std::memmove(bytes.data(), bytes.data() + 12, 4);
            is_v6 = false;
        }
    } else {
        return false;
    }
    if (is_v6 != v6) {
        return false;
    }
    unsigned remaining = prefix;
    for (std::size_t i = 0; remaining > 0; ++i) {
        const unsigned bits = remaining >= 8 ? 8 : remaining;
        const auto mask = static_cast<std::uint8_t>(0xff << (8 - bits));
        if ((bytes[i] & mask) != (network[i] & mask)) {
            return false;
        }
        remaining -= bits;
    }
    return true;
}

std::string Cidr::to_string() const {
    char buffer[INET6_ADDRSTRLEN] = {};
    inet_ntop(v6 ? AF_INET6 : AF_INET, network.data(), buffer, sizeof buffer);
    return std::string(buffer) + "/" + std::to_string(prefix);
}

std::string_view to_string(Mode mode) {
    switch (mode) {
        case Mode::audit:
            return "audit";
        case Mode::rewrite:
            return "rewrite";
        case Mode::enforce:
            return "enforce";
    }
    return "audit";
}

std::string_view to_string(RewriteStrategy strategy) {
    switch (strategy) {
        case RewriteStrategy::replace:
            return "replace";
        case RewriteStrategy::prepend:
            return "prepend";
    }
    return "replace";
}

std::string_view to_string(Intercept intercept) {
    switch (intercept) {
        case Intercept::scope:
            return "scope";
        case Intercept::all:
            return "all";
        case Intercept::none:
            return "none";
    }
    return "scope";
}

std::string_view to_string(Fsync fsync) {
    switch (fsync) {
        case Fsync::every:
            return "every";
        case Fsync::interval:
            return "interval";
        case Fsync::never:
            return "never";
    }
    return "interval";
}

std::string_view to_string(OutOfScopeEvents events) {
    switch (events) {
        case OutOfScopeEvents::summary:
            return "summary";
        case OutOfScopeEvents::each:
            return "each";
    }
    return "summary";
}

}  // namespace uaudit::config
