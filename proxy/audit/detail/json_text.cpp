#include "audit/detail/json_text.hpp"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstring>

namespace uaudit::audit::detail {

namespace {

constexpr std::string_view replacement = "\xef\xbf\xbd";  // U+FFFD REPLACEMENT CHARACTER

// Length of the valid UTF-8 sequence at `pos` (RFC 3629: no overlong forms, no surrogates,
// nothing above U+10FFFF), or 0 when the bytes there are not one.
std::size_t utf8_sequence(std::string_view text, std::size_t pos) {
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
    const unsigned char lead = byte(pos);
    if (lead < 0x80) {
        return 1;
    }
    std::size_t length = 0;
    unsigned char low = 0x80;
    unsigned char high = 0xbf;
    if (lead >= 0xc2 && lead <= 0xdf) {
        length = 2;
    } else if (lead >= 0xe0 && lead <= 0xef) {
        length = 3;
        low = lead == 0xe0 ? 0xa0 : 0x80;
        high = lead == 0xed ? 0x9f : 0xbf;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
        length = 4;
        low = lead == 0xf0 ? 0x90 : 0x80;
        high = lead == 0xf4 ? 0x8f : 0xbf;
    } else {
        return 0;
    }
    if (pos + length > text.size()) {
        return 0;
    }
    if (byte(pos + 1) < low || byte(pos + 1) > high) {
        return 0;
    }
    for (std::size_t i = 2; i < length; ++i) {
        if (byte(pos + i) < 0x80 || byte(pos + i) > 0xbf) {
            return 0;
        }
    }
    return length;
}

// Boost.JSON's escapes (serializer.ipp): the two-character forms it knows, \u00xx with
// lower-case hex for the other control characters; `/` and DEL are not escaped.
void append_escape(std::string& out, unsigned char c) {
    char short_form = 0;
    switch (c) {
        case '"':
            short_form = '"';
            break;
        case '\\':
            short_form = '\\';
            break;
        case '\b':
            short_form = 'b';
            break;
        case '\f':
            short_form = 'f';
            break;
        case '\n':
            short_form = 'n';
            break;
        case '\r':
            short_form = 'r';
            break;
        case '\t':
            short_form = 't';
            break;
        default:
            break;
    }
    if (short_form != 0) {
        const char escape[2] = {'\\', short_form};
        out.append(escape, 2);
        return;
    }
    constexpr std::string_view hex = "0123456789abcdef";
    const char escape[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
    out.append(escape, 6);
}

// Up to 8 bytes from `data` as a little-endian word, padded with spaces (which need no care).
std::uint64_t load_word(const char* data, std::size_t size) {
    std::uint64_t word = 0x2020202020202020;
    if (size >= sizeof word) {
        std::memcpy(&word, data, sizeof word);  // one load
    } else {
        std::memcpy(&word, data, size);
    }
    if constexpr (std::endian::native == std::endian::big) {
        std::uint64_t swapped = 0;
        for (int i = 0; i < 8; ++i, word >>= 8) {
            swapped = (swapped << 8) | (word & 0xff);
        }
        word = swapped;
    }
    return word;
}

// The high bit of each byte of `word` that needs care in a JSON string (a control character,
// `"`, `\\`, or >= 0x80), by the classic SWAR tests. Bytes above a flagged one may be flagged
// wrongly (borrows), but the lowest flagged byte is always the first that needs care.
std::uint64_t care_mask(std::uint64_t word) {
    constexpr std::uint64_t ones = 0x0101010101010101;
    constexpr std::uint64_t highs = 0x8080808080808080;
    const auto zero_bytes = [](std::uint64_t v) { return (v - ones) & ~v & highs; };
    const std::uint64_t below_space = (word - ones * 0x20) & ~word & highs;
    return (word & highs) | below_space | zero_bytes(word ^ (ones * '"')) |
           zero_bytes(word ^ (ones * '\\'));
}

// Index of the first byte at or after `pos` that needs care, or `size`.
std::size_t skip_plain(const char* data, std::size_t pos, std::size_t size) {
    while (pos < size) {
        const std::uint64_t mask = care_mask(load_word(data + pos, size - pos));
        if (mask != 0) {
            return pos + static_cast<std::size_t>(std::countr_zero(mask)) / 8;
        }
        pos += 8;
    }
    return size;
}

// One pass over `text`: runs of bytes that need nothing are found eight bytes at a time and
// appended in one piece.
template <bool Repair>
void append_string(std::string& out, std::string_view text) {
    out += '"';
    const char* const data = text.data();
    const std::size_t size = text.size();
    std::size_t run = 0;  // start of the bytes not yet appended
    std::size_t pos = skip_plain(data, 0, size);
    while (pos < size) {
        const auto c = static_cast<unsigned char>(data[pos]);
        if (c < 0x80) {  // a control character, `"` or `\\`
            out.append(data + run, pos - run);
            append_escape(out, c);
            run = ++pos;
        } else if constexpr (Repair) {
            const std::size_t length = utf8_sequence(text, pos);
            if (length == 0) {
                out.append(data + run, pos - run);
                out.append(replacement);
                run = ++pos;
            } else {
                pos += length;
            }
        } else {
            ++pos;
        }
        pos = skip_plain(data, pos, size);
    }
    out.append(data + run, size - run);
    out += '"';
}

void append(std::string& out, const boost::json::value& value) {
    switch (value.kind()) {
        case boost::json::kind::object: {
            out += '{';
            bool first = true;
            for (const auto& member : value.get_object()) {
                if (!first) {
                    out += ',';
                }
                first = false;
                out += boost::json::serialize(boost::json::string_view(member.key()));
                out += ':';
                append(out, member.value());
            }
            out += '}';
            break;
        }
        case boost::json::kind::array: {
            out += '[';
            bool first = true;
            for (const auto& element : value.get_array()) {
                if (!first) {
                    out += ',';
                }
                first = false;
                append(out, element);
            }
            out += ']';
            break;
        }
        case boost::json::kind::double_:
            append_double(out, value.get_double());
            break;
        default:
            out += boost::json::serialize(value);
            break;
    }
}

}  // namespace

boost::json::string valid_utf8(std::string_view text) {
    boost::json::string out;
    out.reserve(text.size());
    std::size_t pos = 0;
    while (pos < text.size()) {
        const auto length = utf8_sequence(text, pos);
        if (length == 0) {
            out.append(replacement);
            ++pos;
        } else {
            out.append(text.substr(pos, length));
            pos += length;
        }
    }
    return out;
}

std::string serialize_line(const boost::json::value& value) {
    std::string out;
    append(out, value);
    return out;
}

double round_ms(double value) {
    return std::isfinite(value) ? std::round(value * 1000.0) / 1000.0 : 0.0;
}

void append_text(std::string& out, std::string_view text) {
    append_string<true>(out, text);
}

void append_escaped(std::string& out, std::string_view text) {
    append_string<false>(out, text);
}

void append_uint(std::string& out, std::uint64_t value) {
    char buffer[24];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
    out.append(buffer, result.ptr);
}

void append_int(std::string& out, std::int64_t value) {
    char buffer[24];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
    out.append(buffer, result.ptr);
}

void append_double(std::string& out, double value) {
    if (!std::isfinite(value)) {
        out += "null";
        return;
    }
    // Every duration has at most three decimals (round_ms), and below 2^43 the spacing of
    // doubles is under 0.001: then the decimal k/1000 that gives `value` is the only one with
    // three decimals or fewer, hence the shortest form to_chars would write, trailing zeros
    // dropped. Writing it directly skips the general shortest-digits search.
    constexpr double fast_limit = 8796093022208.0;  // 2^43
    if (std::fabs(value) < fast_limit) {
        const double scaled = std::round(value * 1000.0);
        if (scaled / 1000.0 == value) {
            const auto k = static_cast<std::uint64_t>(std::fabs(scaled));
            char buffer[24];
            char* end = buffer;
            if (std::signbit(value)) {
                *end++ = '-';  // "-0" too, like to_chars
            }
            end = std::to_chars(end, buffer + sizeof buffer, k / 1000).ptr;
            if (auto fraction = static_cast<unsigned>(k % 1000); fraction != 0) {
                *end++ = '.';
                int digits = 3;
                for (; fraction % 10 == 0; fraction /= 10) {
                    --digits;
                }
                for (int i = digits - 1; i >= 0; --i) {
                    end[i] = static_cast<char>('0' + fraction % 10);
                    fraction /= 10;
                }
                end += digits;
            }
            out.append(buffer, end);
            return;
        }
    }
    char buffer[400];  // the longest fixed form of a double fits in ~330 characters
    const auto result =
        std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed);
    out.append(buffer, result.ptr);
}

void append_timestamp(std::string& out, std::chrono::system_clock::time_point time) {
    using namespace std::chrono;
    constexpr auto lowest = sys_days{year{0} / January / 1};
    constexpr auto highest = sys_days{year{10000} / January / 1} - milliseconds{1};
    const auto ms =
        std::clamp(time_point_cast<milliseconds>(floor<milliseconds>(time)),
                   time_point_cast<milliseconds>(lowest), time_point_cast<milliseconds>(highest));
    const auto day = floor<days>(ms);
    const year_month_day date{day};
    auto in_day = static_cast<unsigned>((ms - day).count());  // below 86,400,000
    char text[24] = {'0', '0', '0', '0', '-', '0', '0', '-', '0', '0', 'T', '0',
                     '0', ':', '0', '0', ':', '0', '0', '.', '0', '0', '0', 'Z'};
    const auto put = [&](std::size_t end, unsigned value, int width) {
        for (int i = 1; i <= width; ++i) {
            text[end - static_cast<std::size_t>(i)] = static_cast<char>('0' + value % 10);
            value /= 10;
        }
    };
    put(4, static_cast<unsigned>(static_cast<int>(date.year())), 4);
    put(7, static_cast<unsigned>(date.month()), 2);
    put(10, static_cast<unsigned>(date.day()), 2);
    put(23, in_day % 1000, 3);
    in_day /= 1000;
    put(19, in_day % 60, 2);
    in_day /= 60;
    put(16, in_day % 60, 2);
    put(13, in_day / 60, 2);
    out += '"';
    out.append(text, sizeof text);
    out += '"';
}

}  // namespace uaudit::audit::detail
