#include "report/detail/format.hpp"

#include "audit/timestamp.hpp"

#include <array>
#include <chrono>
#include <cstdio>

namespace uaudit::report::detail {

std::string percent(double value) {
    std::array<char, 32> text{};
    std::snprintf(text.data(), text.size(), "%.1f%%", value);
    return text.data();
}

std::string bytes(std::uint64_t count) {
    constexpr std::array units{"B", "kB", "MB", "GB", "TB", "PB"};
    auto value = static_cast<double>(count);
    std::size_t unit = 0;
    while (value >= 1000.0 && unit + 1 < units.size()) {
        value /= 1000.0;
        ++unit;
    }
    std::array<char, 32> text{};
    if (unit == 0) {
        std::snprintf(text.data(), text.size(), "%llu B", static_cast<unsigned long long>(count));
    } else {
        std::snprintf(text.data(), text.size(), "%.1f %s", value, units[unit]);
    }
    return text.data();
}

std::string when(const std::optional<audit::TimePoint>& time) {
    return time ? audit::format_timestamp(*time) : std::string("-");
}

std::string span(const std::optional<audit::TimePoint>& first,
                 const std::optional<audit::TimePoint>& last) {
    if (!first || !last) {
        return "-";
    }
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(*last - *first).count();
    const auto days = seconds / 86400;
    const auto hours = seconds % 86400 / 3600;
    const auto minutes = seconds % 3600 / 60;
    std::string out;
    if (days > 0) {
        out += std::to_string(days) + " d ";
    }
    if (days > 0 || hours > 0) {
        out += std::to_string(hours) + " h ";
    }
    if (seconds >= 60) {
        out += std::to_string(minutes) + " min";
    } else {
        out += std::to_string(seconds) + " s";
    }
    return out;
}

}  // namespace uaudit::report::detail
