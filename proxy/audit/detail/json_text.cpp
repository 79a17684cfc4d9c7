#include "audit/detail/json_text.hpp"

#include <charconv>
#include <cmath>

namespace uaudit::audit::detail {

namespace {

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

void append_double(std::string& out, double value) {
    if (!std::isfinite(value)) {
        out += "null";
        return;
    }
    char buffer[400];  // the longest fixed form of a double fits in ~330 characters
    const auto result =
        std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed);
    out.append(buffer, result.ptr);
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
            out.append("\xef\xbf\xbd");  // U+FFFD REPLACEMENT CHARACTER
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

}  // namespace uaudit::audit::detail
