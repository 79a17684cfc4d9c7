#include "audit/event_json.hpp"
#include "audit/timestamp.hpp"

#include <catch2/catch.hpp>

#include <random>
#include <set>

namespace audit = uaudit::audit;
using audit::ParseStatus;

namespace {

audit::TimePoint at(std::string_view text) {
    const auto time = audit::parse_timestamp(text);
    REQUIRE(time.has_value());
    return *time;
}

audit::RequestRecord sample_request() {
    audit::RequestRecord r;
    r.ts = at("2026-11-25T18:20:55.123Z");
    r.id = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";
    r.instance = "ci-runner-1";
    r.client = "[::1]:51234";
    r.via = audit::Via::intercept;
    r.method = "GET";
    r.scheme = "https";
    r.host = "api.security.microsoft.com";
    r.port = 443;
    r.path = "/api/machines/1e5bc9d7e413ddd7902c2932e418702b84d0cc07";
    r.endpoint = "/api/machines/{sha1}";
    r.operation = "GET /api/machines/{id}";
    r.query_keys = {"$select"};
    r.ua = "python-requests/2.31.0";
    r.ua_fields = 1;
    r.verdict = audit::RequestVerdict::noncompliant;
    r.findings = {
        {"UA005", uaudit::compliance::Severity::error, "no MdePartner token", std::nullopt},
        {"UA013", uaudit::compliance::Severity::warning, "long", "MdePartner-A-B/1.0.0"}};
    r.action = audit::Action::rewrite;
    r.ua_sent = "MdePartner-Contoso-ContosoCognito/1.0.0";
    r.status = 200;
    r.bytes_in = 312;
    r.bytes_out = 20480;
    r.duration_ms = 48.25;
    r.upstream_ms = 45.5;
    r.client_process = audit::ClientProcess{4242, "python3", "python3 sync_alerts.py"};
    return r;
}

audit::EventRecord round_trip(const audit::EventRecord& record) {
    const auto line = audit::to_json_line(record);
    const auto parsed = audit::parse_event_line(line);
    INFO(line);
    INFO(parsed.message);
    REQUIRE(parsed.status == ParseStatus::ok);
    REQUIRE(parsed.record.has_value());
    CHECK(audit::to_json_line(*parsed.record) == line);
    return *parsed.record;
}

}  // namespace

TEST_CASE("timestamps are RFC 3339 UTC with milliseconds", "[audit][event]") {
    using namespace std::chrono;
    const auto t = sys_days{year{2026} / November / 25} + hours{18} + minutes{20} + seconds{55} +
                   milliseconds{123} + microseconds{999};
    CHECK(audit::format_timestamp(t) == "2026-11-25T18:20:55.123Z");
    CHECK(audit::format_timestamp(system_clock::time_point{}) == "1970-01-01T00:00:00.000Z");
    CHECK(audit::parse_timestamp("2026-11-25T18:20:55.123Z") ==
          std::optional(time_point_cast<system_clock::duration>(t - microseconds{999})));
    CHECK(audit::parse_timestamp("2026-11-25T19:20:55.123+01:00") ==
          audit::parse_timestamp("2026-11-25T18:20:55.123Z"));
    CHECK(audit::parse_timestamp("2026-11-25t18:20:55z") ==
          audit::parse_timestamp("2026-11-25T18:20:55.000Z"));
    CHECK(audit::parse_timestamp("2026-11-25T18:20:55.1239999Z") ==
          audit::parse_timestamp("2026-11-25T18:20:55.123Z"));
    CHECK(audit::parse_timestamp("2024-02-29T00:00:00.000Z").has_value());
    for (const char* bad :
         {"", "2026-11-25", "2026-11-25T18:20:55", "2026-13-01T00:00:00Z", "2025-02-29T00:00:00Z",
          "2026-11-25T24:00:00Z", "2026-11-25T18:20:55.Z", "2026-11-25T18:20:55.123Zjunk",
          "2026-11-25 18:20:55Z", "0001-01-01T00:00:00Z", "2026-11-25T18:20:55+0100",
          "x026-11-25T18:20:55Z"}) {
        CAPTURE(bad);
        CHECK_FALSE(audit::parse_timestamp(bad).has_value());
    }
}

TEST_CASE("event ids are 32 hex digits and unique", "[audit][event]") {
    std::set<std::string> ids;
    for (int i = 0; i < 1000; ++i) {
        const auto id = audit::new_event_id();
        REQUIRE(id.size() == 32);
        CHECK(id.find_first_not_of("0123456789abcdef") == std::string::npos);
        ids.insert(id);
    }
    CHECK(ids.size() == 1000);
}

TEST_CASE("request record: canonical line and round trip", "[audit][event]") {
    const audit::EventRecord record = sample_request();
    CHECK(audit::to_json_line(record) ==
          R"({"v":1,"ts":"2026-11-25T18:20:55.123Z","id":"0f1e2d3c4b5a69788796a5b4c3d2e1f0",)"
          R"("instance":"ci-runner-1","kind":"request","client":"[::1]:51234","via":"intercept",)"
          R"("method":"GET","scheme":"https","host":"api.security.microsoft.com","port":443,)"
          R"("path":"/api/machines/1e5bc9d7e413ddd7902c2932e418702b84d0cc07",)"
          R"("endpoint":"/api/machines/{sha1}","operation":"GET /api/machines/{id}",)"
          R"("query_keys":["$select"],"ua":"python-requests/2.31.0","ua_fields":1,)"
          R"("verdict":"noncompliant","findings":[{"code":"UA005","severity":"error",)"
          R"("message":"no MdePartner token"},{"code":"UA013","severity":"warning",)"
          R"("message":"long","suggestion":"MdePartner-A-B/1.0.0"}],"action":"rewrite",)"
          R"("ua_sent":"MdePartner-Contoso-ContosoCognito/1.0.0","status":200,"bytes_in":312,)"
          R"("bytes_out":20480,"duration_ms":48.25,"upstream_ms":45.5,"error":null,)"
          R"("client_process":{"pid":4242,"exe":"python3","cmd":"python3 sync_alerts.py"}})");
    CHECK(std::get<audit::RequestRecord>(round_trip(record)) == sample_request());
}

TEST_CASE("absent values are null, ua_values only with several fields", "[audit][event]") {
    auto r = sample_request();
    r.operation.reset();
    r.ua.reset();
    r.ua_fields = 0;
    r.ua_sent.reset();
    r.status.reset();
    r.upstream_ms.reset();
    r.error = audit::ExchangeError::client_aborted;
    r.client_process.reset();
    r.findings.clear();
    auto object = audit::to_json(r);
    for (const char* key :
         {"operation", "ua", "ua_sent", "status", "upstream_ms", "client_process"}) {
        CAPTURE(key);
        REQUIRE(object.contains(key));
        CHECK(object.at(key).is_null());
    }
    CHECK(object.at("error") == "client_aborted");
    CHECK_FALSE(object.contains("ua_values"));
    CHECK(object.at("findings").as_array().empty());
    CHECK(std::get<audit::RequestRecord>(round_trip(r)) == r);

    r.ua_values = {"a/1", "b/2"};
    r.ua_fields = 2;
    r.ua = "a/1";
    object = audit::to_json(r);
    CHECK(object.at("ua_values") == boost::json::array{"a/1", "b/2"});
    CHECK(std::get<audit::RequestRecord>(round_trip(r)) == r);

    r.error.reset();
    CHECK(audit::to_json(r).at("error").is_null());
}

TEST_CASE("durations are plain decimals rounded to the microsecond", "[audit][event]") {
    auto r = sample_request();
    r.duration_ms = 12.0;
    r.upstream_ms = 0.0004;
    auto line = audit::to_json_line(r);
    CHECK(line.find(R"("duration_ms":12,"upstream_ms":0,)") != std::string::npos);
    r.duration_ms = 1.23456;
    r.upstream_ms = 1234567.0625;
    line = audit::to_json_line(r);
    CHECK(line.find(R"("duration_ms":1.235,"upstream_ms":1234567.063,)") != std::string::npos);
    r.duration_ms = 1e7;
    line = audit::to_json_line(r);
    CHECK(line.find(R"("duration_ms":10000000,)") != std::string::npos);
}

TEST_CASE("invalid UTF-8 is replaced so the line stays readable", "[audit][event]") {
    auto r = sample_request();
    r.ua = std::string("MdePartner-Contoso-X\xff/1.0 \xc3(ok) caf\xc3\xa9");
    const auto line = audit::to_json_line(r);
    CHECK(line.find("MdePartner-Contoso-X\xef\xbf\xbd/1.0 \xef\xbf\xbd(ok) caf\xc3\xa9") !=
          std::string::npos);
    const auto parsed = audit::parse_event_line(line);
    REQUIRE(parsed.status == ParseStatus::ok);

    r.ua = std::string("tab\there \"quoted\" back\\slash \x01");
    const auto back = std::get<audit::RequestRecord>(round_trip(r));
    CHECK(back.ua == r.ua);
}

TEST_CASE("other kinds round trip", "[audit][event]") {
    const auto ts = at("2026-11-25T18:21:00.001Z");
    audit::RefusedRecord refused{ts,           "a1",         "i", "127.0.0.1:40000", std::nullopt,
                                 std::nullopt, std::nullopt, 400, "bad_request"};
    CHECK(audit::to_json_line(refused) ==
          R"({"v":1,"ts":"2026-11-25T18:21:00.001Z","id":"a1","instance":"i","kind":"refused",)"
          R"("client":"127.0.0.1:40000","method":null,"host":null,"port":null,"status":400,)"
          R"("error":"bad_request"})");
    CHECK(std::get<audit::RefusedRecord>(round_trip(refused)) == refused);
    refused.method = "CONNECT";
    refused.host = "api.security.microsoft.com";
    refused.port = 8443;
    refused.status = 403;
    refused.error = "port_not_allowed";
    CHECK(std::get<audit::RefusedRecord>(round_trip(refused)) == refused);

    audit::TlsClientRejectedRecord tls{
        ts, "a2", "i", "127.0.0.1:40001", "api.security.microsoft.com", 443, "alert_unknown_ca"};
    CHECK(std::get<audit::TlsClientRejectedRecord>(round_trip(tls)) == tls);

    audit::OutOfScopeRecord oos{ts,
                                "a3",
                                "i",
                                "127.0.0.1:40002",
                                audit::Via::tunnel,
                                "CONNECT",
                                "login.microsoftonline.com",
                                443,
                                200,
                                4021,
                                7630,
                                812.5};
    CHECK(std::get<audit::OutOfScopeRecord>(round_trip(oos)) == oos);

    audit::OutOfScopeSummaryRecord summary{ts, "i", "x.blob.core.windows.net", 443, 3, 1, 10, 20};
    const auto summary_line = audit::to_json_line(summary);
    CHECK(summary_line ==
          R"({"v":1,"ts":"2026-11-25T18:21:00.001Z","instance":"i","kind":"out_of_scope_summary",)"
          R"("host":"x.blob.core.windows.net","port":443,"requests":3,"tunnels":1,)"
          R"("bytes_in":10,"bytes_out":20})");
    CHECK(std::get<audit::OutOfScopeSummaryRecord>(round_trip(summary)) == summary);

    audit::RunStartRecord start;
    start.ts = ts;
    start.id = "a4";
    start.instance = "i";
    start.version = "0.1.0";
    start.mode = uaudit::config::Mode::rewrite;
    start.identity.company = "Contoso";
    start.identity.version = "1.*";
    start.rules.strict = true;
    start.rules.version_format = uaudit::compliance::VersionFormat::dotted;
    start.rules.severity["UA013"] = uaudit::compliance::Severity::error;
    start.scope.entries = {{"api.contoso-mock.test", {}},
                           {"graph.microsoft.com", {"/v1.0/security/*"}}};
    start.listen = "127.0.0.1:8080";
    CHECK(audit::to_json_line(start) ==
          R"({"v":1,"ts":"2026-11-25T18:21:00.001Z","id":"a4","instance":"i","kind":"run_start",)"
          R"("version":"0.1.0","mode":"rewrite","identity":{"company":"Contoso","product":null,)"
          R"("version":"1.*"},"rules":{"strict":true,"version_format":"dotted",)"
          R"("severity":{"UA013":"error"}},"scope":["default",{"host":"api.contoso-mock.test",)"
          R"("paths":[]},{"host":"graph.microsoft.com","paths":["/v1.0/security/*"]}],)"
          R"("listen":"127.0.0.1:8080"})");
    CHECK(std::get<audit::RunStartRecord>(round_trip(start)) == start);

    audit::RunStopRecord stop;
    static_cast<audit::RunInfo&>(stop) = start;
    stop.scope.include_default = false;
    stop.totals = {10, 7, 3, 2, 1, 4, 5, 6, 7, 8};
    const auto stop_back = std::get<audit::RunStopRecord>(round_trip(stop));
    CHECK(stop_back == stop);
    CHECK(audit::to_json(stop).at("totals").at("upstream_errors") == 8);
    CHECK(audit::kind_of(stop) == "run_stop");
    CHECK(audit::kind_of(oos) == "out_of_scope");
}

TEST_CASE("bad lines give a status and a reason, never an exception", "[audit][event]") {
    struct Row {
        std::string line;
        ParseStatus status;
        std::string message;
    };
    const std::string tls =
        R"({"v":1,"ts":"2026-11-25T18:21:00.001Z","id":"a","instance":"i",)"
        R"("kind":"tls_client_rejected","client":"c","host":"h","port":443,"reason":"unknown_ca"})";
    const Row rows[] = {
        {"", ParseStatus::malformed, "empty line"},
        {"{\"v\":1,", ParseStatus::malformed, ""},
        {"[1,2]", ParseStatus::malformed, "not a JSON object"},
        {R"({"kind":"request"})", ParseStatus::malformed, "\"v\" is missing or not an integer"},
        {R"({"v":"1","kind":"request"})", ParseStatus::malformed,
         "\"v\" is missing or not an integer"},
        {R"({"v":1.0,"kind":"request"})", ParseStatus::malformed,
         "\"v\" is missing or not an integer"},
        {R"({"v":0,"kind":"request"})", ParseStatus::malformed, "\"v\" must be 1"},
        {R"({"v":2,"kind":"request"})", ParseStatus::unsupported_version,
         "event format v2 was written by a newer uaudit; this one reads v1: upgrade uaudit"},
        {R"({"v":1})", ParseStatus::malformed, "\"kind\" is missing or not a string"},
        {R"({"v":1,"kind":"heartbeat"})", ParseStatus::unknown_kind, "unknown kind \"heartbeat\""},
        {R"({"v":1,"kind":"refused"})", ParseStatus::malformed,
         "refused record: \"ts\" is missing"},
        {tls, ParseStatus::ok, ""},
        {tls + "\r", ParseStatus::ok, ""},
        {std::string(tls).replace(tls.find("443"), 3, "65536"), ParseStatus::malformed,
         "tls_client_rejected record: \"port\" is out of range"},
        {std::string(tls).replace(tls.find("443"), 3, "\"443\""), ParseStatus::malformed,
         "tls_client_rejected record: \"port\" must be a non-negative integer"},
        {std::string(tls).replace(tls.find("unknown_ca"), 10, "because"), ParseStatus::malformed,
         "tls_client_rejected record: \"reason\" is not a known TLS rejection reason"},
        {std::string(tls).replace(tls.find("2026-11-25T"), 11, "2026-11-25 "),
         ParseStatus::malformed, "tls_client_rejected record: \"ts\" is not an RFC 3339 time"},
        {"{\"v\":1,\"kind\":\"x\xff\"}", ParseStatus::malformed, ""},
    };
    for (const auto& row : rows) {
        CAPTURE(row.line);
        const auto result = audit::parse_event_line(row.line);
        CHECK(result.status == row.status);
        CHECK(result.record.has_value() == (row.status == ParseStatus::ok));
        if (!row.message.empty()) {
            CHECK(result.message == row.message);
        } else if (row.status != ParseStatus::ok) {
            CHECK_FALSE(result.message.empty());
        }
    }
}

TEST_CASE("enumerations have their SPEC names", "[audit][event]") {
    CHECK(audit::to_string(audit::Via::gateway) == "gateway");
    CHECK(audit::parse_via("tunnel") == audit::Via::tunnel);
    CHECK_FALSE(audit::parse_via("Tunnel").has_value());
    CHECK(audit::to_string(audit::Action::block) == "block");
    CHECK(audit::to_string(audit::RequestVerdict::noncompliant) == "noncompliant");
    for (const char* word :
         {"dns_failed", "connect_failed", "connect_timeout", "tls_handshake_failed",
          "tls_verify_failed", "upstream_reset", "upstream_timeout", "upstream_malformed",
          "client_aborted", "body_too_large"}) {
        const auto error = audit::parse_exchange_error(word);
        REQUIRE(error.has_value());
        CHECK(audit::to_string(*error) == word);
    }
    CHECK(audit::is_tls_reject_reason("not_tls"));
    CHECK(audit::is_tls_reject_reason("alert_bad_record_mac"));
    CHECK_FALSE(audit::is_tls_reject_reason("alert_"));
    CHECK_FALSE(audit::is_tls_reject_reason("alert_Bad"));
    CHECK_FALSE(audit::is_tls_reject_reason("timeout"));
}

TEST_CASE("pure functions never throw on arbitrary bytes", "[audit][event]") {
    std::mt19937 random(20261125);
    const std::string alphabet =
        "{}[]\":,0123456789.eE-+ truefalsnul\\/\x01\xff\xc3\xa9v=kind()'?%";
    for (int i = 0; i < 5000; ++i) {
        std::string text;
        const auto length = random() % 80;
        for (std::uint32_t j = 0; j < length; ++j) {
            text += alphabet[random() % alphabet.size()];
        }
        if (i % 3 == 0) {
            text = R"({"v":1,"kind":"request",)" + text;
        }
        CHECK_NOTHROW(audit::parse_event_line(text));
        CHECK_NOTHROW(audit::parse_timestamp(text));
    }
    CHECK(audit::parse_event_line(std::string(10000, '[')).status == ParseStatus::malformed);
}
