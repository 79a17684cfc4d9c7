// The direct record writer (to_json_line, append_json_line) against the json::value route it
// replaces (detail::serialize_line(to_json(record))): same bytes for every record, whatever
// the strings hold.

#include "audit/detail/json_text.hpp"
#include "audit/event_json.hpp"
#include "audit/timestamp.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <bit>
#include <charconv>
#include <cmath>
#include <limits>
#include <random>
#include <set>

namespace audit = uaudit::audit;
namespace compliance = uaudit::compliance;
namespace config = uaudit::config;

namespace {

// Fixed seed: a failure reproduces.
class Generator {
public:
    explicit Generator(std::uint64_t seed)
        : random_(seed) {}

    // Severity overrides keyed by any bytes. Both routes write these keys unrepaired (config
    // validation admits only UA001-UA014), so such a line need not be valid UTF-8.
    bool odd_severity_codes = true;

    std::size_t below(std::size_t n) {
        return std::uniform_int_distribution<std::size_t>(0, n - 1)(random_);
    }
    bool chance(int percent) { return below(100) < static_cast<std::size_t>(percent); }
    std::uint64_t u64() { return random_(); }

    template <class T>
    T pick(std::initializer_list<T> values) {
        return values.begin()[below(values.size())];
    }

    // Printable ASCII, JSON specials, control characters, DEL, valid UTF-8 of every length,
    // and broken UTF-8: stray continuation bytes, overlong forms, surrogates, truncations,
    // bytes that never start a sequence.
    std::string text(std::size_t max_pieces = 24) {
        static const std::vector<std::string> pieces{"a",
                                                     "Z",
                                                     "0",
                                                     " ",
                                                     "/",
                                                     "-",
                                                     "MdePartner-Contoso-Cognito/1.0.0",
                                                     "\"",
                                                     "\\",
                                                     std::string(1, '\0'),
                                                     "\b",
                                                     "\f",
                                                     "\n",
                                                     "\r",
                                                     "\t",
                                                     "\x01",
                                                     "\x1f",
                                                     "\x7f",
                                                     "\xc3\xa9",
                                                     "\xe2\x82\xac",
                                                     "\xf0\x9f\x98\x80",
                                                     "\xef\xbb\xbf",
                                                     "\xf4\x8f\xbf\xbf",
                                                     "\x80",
                                                     "\xbf",
                                                     "\xc0\xaf",
                                                     "\xc1\xbf",
                                                     "\xe0\x80\xaf",
                                                     "\xed\xa0\x80",
                                                     "\xf0\x80\x80\xaf",
                                                     "\xf4\x90\x80\x80",
                                                     "\xf5\x80\x80\x80",
                                                     "\xff",
                                                     "\xfe",
                                                     "\xc3",
                                                     "\xe2\x82",
                                                     "\xf0\x9f\x98",
                                                     "\xe2\x28\xa1",
                                                     "\\u0000",
                                                     "</script>"};
        std::string out;
        const std::size_t n = below(max_pieces + 1);
        for (std::size_t i = 0; i < n; ++i) {
            if (chance(20)) {
                out += static_cast<char>(below(256));  // any byte at all
            } else {
                out += pieces[below(pieces.size())];
            }
        }
        return out;
    }

    std::optional<std::string> maybe_text() {
        return chance(30) ? std::nullopt : std::optional(text());
    }

    std::vector<std::string> texts(std::size_t max) {
        std::vector<std::string> out(below(max + 1));
        for (auto& value : out) {
            value = text(8);
        }
        return out;
    }

    // Durations as the proxy measures them, and the values that stress the formatting:
    // huge, tiny, negative, halfway cases of the rounding, and non-finite ones.
    double duration() {
        switch (below(8)) {
            case 0:
                return std::uniform_real_distribution<double>(0, 100)(random_);
            case 1:
                return std::uniform_real_distribution<double>(0, 1e7)(random_);
            case 2:
                return static_cast<double>(below(100000)) / 1000.0 + 0.0005;
            case 3:
                return std::ldexp(std::uniform_real_distribution<double>(-1, 1)(random_),
                                  static_cast<int>(below(2100)) - 1074);
            case 4:
                return std::bit_cast<double>(u64());  // any bits, NaNs included
            case 5:
                return pick<double>({0.0, -0.0, 1e300, -1e300, 1e-300, 5e-324, 0.0005, 0.0015, 1e15,
                                     1e16, 123456789.0125, std::numeric_limits<double>::max(),
                                     std::numeric_limits<double>::lowest(),
                                     std::numeric_limits<double>::infinity(),
                                     -std::numeric_limits<double>::infinity(),
                                     std::numeric_limits<double>::quiet_NaN()});
            case 6:
                return static_cast<double>(below(1000000));
            default:
                return -std::uniform_real_distribution<double>(0, 1000)(random_);
        }
    }

    std::uint64_t count() {
        return pick<std::uint64_t>({0, 1, below(1000), u64(), ~std::uint64_t{0}});
    }
    std::uint16_t port() {
        return static_cast<std::uint16_t>(pick<std::size_t>({0, 80, 443, 65535, below(65536)}));
    }
    std::optional<unsigned> status() {
        if (chance(25)) {
            return std::nullopt;
        }
        return pick<unsigned>({200, 403, 502, 0, 4294967295u, static_cast<unsigned>(u64())});
    }
    audit::TimePoint ts() {
        if (chance(5)) {
            return pick({audit::TimePoint::min(), audit::TimePoint::max(), audit::TimePoint{},
                         audit::TimePoint{} - std::chrono::nanoseconds(1)});
        }
        // 1900 to 2200, at any sub-millisecond offset.
        const auto ms = static_cast<std::int64_t>(below(9'467'280'000'000)) - 2'208'988'800'000;
        return audit::TimePoint{} + std::chrono::milliseconds(ms) +
               std::chrono::nanoseconds(below(1'000'000));
    }
    audit::Via via() {
        return pick(
            {audit::Via::forward, audit::Via::tunnel, audit::Via::intercept, audit::Via::gateway});
    }
    compliance::Severity severity() {
        return pick({compliance::Severity::warning, compliance::Severity::error});
    }

    std::vector<compliance::Finding> findings() {
        std::vector<compliance::Finding> out(pick<std::size_t>({0, 0, 1, 2, 2, 3, 14}));
        for (auto& finding : out) {
            finding.code = chance(80) ? "UA0" + std::to_string(10 + below(5)) : text(4);
            finding.severity = severity();
            finding.message = text();
            finding.suggestion = maybe_text();
        }
        return out;
    }

    audit::RequestRecord request() {
        audit::RequestRecord r;
        r.ts = ts();
        r.id = chance(80) ? audit::new_event_id() : text();
        r.instance = text(6);
        r.client = text(4);
        r.via = via();
        r.method = text(3);
        r.scheme = pick<std::string>({"http", "https", text(3)});
        r.host = text(6);
        r.port = port();
        r.path = text();
        r.endpoint = text();
        r.operation = maybe_text();
        r.query_keys = texts(4);
        r.ua = maybe_text();
        r.ua_fields = count();
        r.ua_values = texts(4);
        r.verdict = pick({audit::RequestVerdict::compliant, audit::RequestVerdict::noncompliant});
        r.findings = findings();
        r.action = pick({audit::Action::pass, audit::Action::rewrite, audit::Action::block});
        r.ua_sent = maybe_text();
        r.status = status();
        r.bytes_in = count();
        r.bytes_out = count();
        r.duration_ms = duration();
        if (chance(70)) {
            r.upstream_ms = duration();
        }
        if (chance(30)) {
            r.error = static_cast<audit::ExchangeError>(below(10));
        }
        if (chance(50)) {
            r.client_process =
                audit::ClientProcess{pick<std::int64_t>({0, 1, -1, static_cast<std::int64_t>(u64()),
                                                         std::numeric_limits<std::int64_t>::min()}),
                                     text(4), text()};
        }
        return r;
    }

    audit::RefusedRecord refused() {
        audit::RefusedRecord r;
        r.ts = ts();
        r.id = audit::new_event_id();
        r.instance = text(4);
        r.client = text(4);
        r.method = maybe_text();
        r.host = maybe_text();
        if (chance(70)) {
            r.port = port();
        }
        r.status = status().value_or(400);
        r.error = text(4);
        return r;
    }

    audit::TlsClientRejectedRecord tls_rejected() {
        audit::TlsClientRejectedRecord r;
        r.ts = ts();
        r.id = text(4);
        r.instance = text(4);
        r.client = text(4);
        r.host = text(6);
        r.port = port();
        r.reason = pick<std::string>({"unknown_ca", "alert_bad_record_mac", text(4)});
        return r;
    }

    audit::OutOfScopeRecord out_of_scope() {
        audit::OutOfScopeRecord r;
        r.ts = ts();
        r.id = audit::new_event_id();
        r.instance = text(4);
        r.client = text(4);
        r.via = via();
        r.method = text(3);
        r.host = text(6);
        r.port = port();
        r.status = status();
        r.bytes_in = count();
        r.bytes_out = count();
        r.duration_ms = duration();
        return r;
    }

    audit::OutOfScopeSummaryRecord summary() {
        audit::OutOfScopeSummaryRecord r;
        r.ts = ts();
        r.instance = text(4);
        r.host = text(6);
        r.port = port();
        r.requests = count();
        r.tunnels = count();
        r.bytes_in = count();
        r.bytes_out = count();
        return r;
    }

    void run_info(audit::RunInfo& r) {
        r.ts = ts();
        r.id = audit::new_event_id();
        r.instance = text(4);
        r.version = text(3);
        r.mode = pick({config::Mode::audit, config::Mode::rewrite, config::Mode::enforce});
        r.identity = {maybe_text(), maybe_text(), maybe_text()};
        r.rules.strict = chance(50);
        r.rules.version_format =
            pick({compliance::VersionFormat::semver, compliance::VersionFormat::dotted,
                  compliance::VersionFormat::token});
        for (std::size_t i = below(4); i > 0; --i) {
            r.rules.severity[chance(70) || !odd_severity_codes ? "UA00" + std::to_string(below(10))
                                                               : text(3)] = severity();
        }
        r.scope.include_default = chance(60);
        r.scope.entries.resize(below(4));
        for (auto& entry : r.scope.entries) {
            entry.host = text(4);
            entry.paths = texts(3);
        }
        r.listen = text(3);
    }

    audit::EventRecord record() {
        switch (below(10)) {
            case 0:
                return refused();
            case 1:
                return tls_rejected();
            case 2:
                return out_of_scope();
            case 3:
                return summary();
            case 4: {
                audit::RunStartRecord r;
                run_info(r);
                return r;
            }
            case 5: {
                audit::RunStopRecord r;
                run_info(r);
                r.totals = {count(), count(), count(), count(), count(),
                            count(), count(), count(), count(), count()};
                return r;
            }
            default:
                return request();
        }
    }

private:
    std::mt19937_64 random_;
};

// The route the writer used before: a json::value, then the one-line serializer.
std::string via_value(const audit::EventRecord& record) {
    return audit::detail::serialize_line(audit::to_json(record));
}

}  // namespace

TEST_CASE("the direct writer gives the bytes of the json::value route", "[audit][event]") {
    Generator generate(20261125);
    std::string appended = "prefix\n";
    std::string expected_appended = appended;
    std::set<std::size_t> kinds;
    for (int i = 0; i < 20000; ++i) {
        const auto record = generate.record();
        kinds.insert(record.index());
        const auto expected = via_value(record);
        const auto line = audit::to_json_line(record);
        if (line != expected) {
            CAPTURE(i, expected, line);
            FAIL("the direct writer differs from serialize_line(to_json(record))");
        }
        audit::append_json_line(appended, record);
        expected_appended += expected + '\n';
    }
    CHECK(kinds.size() == std::variant_size_v<audit::EventRecord>);
    CHECK(appended == expected_appended);
}

TEST_CASE("every written line is valid JSON whose strings are valid UTF-8", "[audit][event]") {
    Generator generate(7);
    generate.odd_severity_codes = false;
    for (int i = 0; i < 2000; ++i) {
        const auto line = audit::to_json_line(generate.record());
        boost::system::error_code ec;
        const auto parsed = boost::json::parse(line, ec);
        CAPTURE(line);
        REQUIRE_FALSE(ec);
        CHECK(boost::json::serialize(parsed).find('\n') == std::string::npos);
        CHECK(line.find('\n') == std::string::npos);
        CHECK(std::string(audit::detail::valid_utf8(line)) == line);
    }
}

TEST_CASE("string escapes match Boost.JSON's serializer byte for byte", "[audit][event]") {
    // Every single byte, then random byte strings.
    for (int c = 0; c < 256; ++c) {
        const std::string text(1, static_cast<char>(c));
        CAPTURE(c);
        std::string escaped;
        audit::detail::append_escaped(escaped, text);
        CHECK(escaped == boost::json::serialize(boost::json::string_view(text)));
        std::string repaired;
        audit::detail::append_text(repaired, text);
        CHECK(repaired == boost::json::serialize(audit::detail::valid_utf8(text)));
    }
    Generator generate(42);
    for (int i = 0; i < 20000; ++i) {
        const auto text = generate.text(40);
        std::string repaired;
        audit::detail::append_text(repaired, text);
        if (repaired != boost::json::serialize(audit::detail::valid_utf8(text))) {
            CAPTURE(text, repaired);
            FAIL("append_text differs from serialize(valid_utf8(text))");
        }
    }
    // Table of the escapes themselves (what Boost.JSON writes, pinned).
    const std::vector<std::pair<std::string, std::string>> table{
        {"", R"("")"},
        {"a\"b\\c/d", R"("a\"b\\c/d")"},
        {std::string("\0\x01\x1f\x7f", 4), "\"\\u0000\\u0001\\u001f\x7f\""},
        {"\b\f\n\r\t", R"("\b\f\n\r\t")"},
        {"caf\xc3\xa9 \xe2\x82\xac", "\"caf\xc3\xa9 \xe2\x82\xac\""},
        {"a\xff"
         "b\xc0\xaf",
         "\"a\xef\xbf\xbd"
         "b\xef\xbf\xbd\xef\xbf\xbd\""},
        {"\xed\xa0\x80", "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\""},
        {"\xe2\x82", "\"\xef\xbf\xbd\xef\xbf\xbd\""},
    };
    for (const auto& [text, json] : table) {
        CAPTURE(text);
        std::string out;
        audit::detail::append_text(out, text);
        CHECK(out == json);
    }
}

namespace {

// How doubles were written before append_double had its fast path.
std::string to_chars_fixed(double value) {
    if (!std::isfinite(value)) {
        return "null";
    }
    char buffer[400];
    const auto result =
        std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed);
    return std::string(buffer, result.ptr);
}

void check_double(double value) {
    std::string direct;
    audit::detail::append_double(direct, value);
    if (direct != to_chars_fixed(value)) {
        CAPTURE(value, direct, to_chars_fixed(value));
        FAIL("append_double differs from std::to_chars(fixed)");
    }
}

}  // namespace

TEST_CASE("doubles are written like std::to_chars in fixed form", "[audit][event]") {
    Generator generate(99);
    for (int i = 0; i < 100000; ++i) {
        const double value = generate.duration();
        check_double(value);
        check_double(audit::detail::round_ms(value));
    }
    // Three-decimal values at every magnitude up to past the fast path's limit (2^43), and
    // their neighbours.
    std::mt19937_64 random(5);
    for (int i = 0; i < 200000; ++i) {
        const int digits = static_cast<int>(random() % 19);
        const auto k = static_cast<std::int64_t>(
                           random() % static_cast<std::uint64_t>(std::pow(10.0, digits) + 1)) *
                       (random() % 2 == 0 ? 1 : -1);
        const double value = static_cast<double>(k) / 1000.0;
        check_double(value);
        check_double(std::nextafter(value, 0.0));
        check_double(std::nextafter(value, 1e300));
        check_double(audit::detail::round_ms(value));
    }
    for (const double value : {8796093022208.0, 8796093022207.999, 8796093022208.001, 1e13,
                               9007199254740.991, 0.001, 0.1, 0.01, 1e-3, 999.999, 1000.0}) {
        check_double(value);
        check_double(-value);
    }
}

TEST_CASE("timestamps are written like format_timestamp", "[audit][event]") {
    Generator generate(3);
    for (int i = 0; i < 100000; ++i) {
        const auto ts = generate.ts();
        std::string direct;
        audit::detail::append_timestamp(direct, ts);
        const auto expected = '"' + audit::format_timestamp(ts) + '"';
        if (direct != expected) {
            CAPTURE(ts.time_since_epoch().count(), direct, expected);
            FAIL("append_timestamp differs from format_timestamp");
        }
    }
}

TEST_CASE("numbers: pinned examples, and integers like Boost.JSON", "[audit][event]") {
    const std::vector<std::pair<double, std::string>> table{
        {48.25, "48.25"},
        {0.0, "0"},
        {-0.0, "-0"},
        {0.0005, "0.001"},
        {1.0 / 3.0, "0.333"},
        {1e16, "1" + std::string(16, '0')},
        {12.3456789, "12.346"},
        {std::nan(""), "0"},
        {std::numeric_limits<double>::infinity(), "0"},
    };
    for (const auto& [value, text] : table) {
        CAPTURE(value);
        std::string out;
        audit::detail::append_double(out, audit::detail::round_ms(value));
        CHECK(out == text);
    }
    for (const std::uint64_t value : {std::uint64_t{0}, std::uint64_t{7}, ~std::uint64_t{0}}) {
        std::string out;
        audit::detail::append_uint(out, value);
        CHECK(out == boost::json::serialize(boost::json::value(value)));
    }
    for (const std::int64_t value :
         {std::int64_t{0}, std::int64_t{-1}, std::numeric_limits<std::int64_t>::min(),
          std::numeric_limits<std::int64_t>::max()}) {
        std::string out;
        audit::detail::append_int(out, value);
        CHECK(out == boost::json::serialize(boost::json::value(value)));
    }
}
