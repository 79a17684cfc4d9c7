#include "audit/timestamp.hpp"

#include <algorithm>

namespace uaudit::audit {

namespace {

using namespace std::chrono;

void put_digits(std::string& out, long long value, int width) {
    std::string digits(static_cast<std::size_t>(width), '0');
    for (int i = width - 1; i >= 0 && value > 0; --i) {
        digits[static_cast<std::size_t>(i)] = static_cast<char>('0' + value % 10);
        value /= 10;
    }
    out += digits;
}

// Reads exactly `width` digits at `pos`.
std::optional<int> read_digits(std::string_view text, std::size_t pos, std::size_t width) {
    if (pos + width > text.size()) {
        return std::nullopt;
    }
    int value = 0;
    for (std::size_t i = pos; i < pos + width; ++i) {
        if (text[i] < '0' || text[i] > '9') {
            return std::nullopt;
        }
        value = value * 10 + (text[i] - '0');
    }
    return value;
}

}  // namespace

std::string format_timestamp(system_clock::time_point time) {
    constexpr auto lowest = sys_days{year{0} / January / 1};
    constexpr auto highest = sys_days{year{10000} / January / 1} - milliseconds{1};
    const auto ms =
        std::clamp(time_point_cast<milliseconds>(floor<milliseconds>(time)),
                   time_point_cast<milliseconds>(lowest), time_point_cast<milliseconds>(highest));
    const auto day = floor<days>(ms);
    const year_month_day date{day};
    const hh_mm_ss clock{ms - day};
    std::string out;
    out.reserve(24);
    put_digits(out, static_cast<int>(date.year()), 4);
    out += '-';
    put_digits(out, static_cast<unsigned>(date.month()), 2);
    out += '-';
    put_digits(out, static_cast<unsigned>(date.day()), 2);
    out += 'T';
    put_digits(out, clock.hours().count(), 2);
    out += ':';
    put_digits(out, clock.minutes().count(), 2);
    out += ':';
    put_digits(out, clock.seconds().count(), 2);
    out += '.';
    put_digits(out, clock.subseconds().count(), 3);
    out += 'Z';
    return out;
}

std::optional<system_clock::time_point> parse_timestamp(std::string_view text) {
    // YYYY-MM-DDTHH:MM:SS is 19 characters.
    const auto y = read_digits(text, 0, 4);
    const auto mo = read_digits(text, 5, 2);
    const auto d = read_digits(text, 8, 2);
    const auto h = read_digits(text, 11, 2);
    const auto mi = read_digits(text, 14, 2);
    const auto s = read_digits(text, 17, 2);
    if (!y || !mo || !d || !h || !mi || !s || text[4] != '-' || text[7] != '-' ||
        (text[10] != 'T' && text[10] != 't') || text[13] != ':' || text[16] != ':') {
        return std::nullopt;
    }
    const year_month_day date{year{*y}, month{static_cast<unsigned>(*mo)},
                              day{static_cast<unsigned>(*d)}};
    // 60 would be a leap second, which system_clock cannot represent; years are bounded so
    // that the nanosecond clock of libstdc++ (1677-2262) cannot overflow.
    if (!date.ok() || *y < 1700 || *y > 2200 || *h > 23 || *mi > 59 || *s > 59) {
        return std::nullopt;
    }
    std::size_t pos = 19;
    milliseconds fraction{0};
    if (pos < text.size() && text[pos] == '.') {
        ++pos;
        const auto start = pos;
        long long value = 0;
        while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
            if (pos - start < 3) {
                value = value * 10 + (text[pos] - '0');
            }
            ++pos;
        }
        if (pos == start) {
            return std::nullopt;
        }
        for (auto digits = pos - start; digits < 3; ++digits) {
            value *= 10;
        }
        fraction = milliseconds{value};
    }
    minutes offset{0};
    if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
        ++pos;
    } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
        const auto oh = read_digits(text, pos + 1, 2);
        const auto om = read_digits(text, pos + 4, 2);
        if (!oh || !om || text[pos + 3] != ':' || *oh > 23 || *om > 59) {
            return std::nullopt;
        }
        offset = hours{*oh} + minutes{*om};
        if (text[pos] == '-') {
            offset = -offset;
        }
        pos += 6;
    } else {
        return std::nullopt;
    }
    if (pos != text.size()) {
        return std::nullopt;
    }
    const auto local = sys_days{date} + hours{*h} + minutes{*mi} + seconds{*s} + fraction;
    return time_point_cast<system_clock::duration>(local - offset);
}

}  // namespace uaudit::audit
