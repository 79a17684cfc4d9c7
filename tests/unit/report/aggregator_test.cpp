#include "report/aggregator.hpp"

#include "report/verdict.hpp"
#include "report_fixtures.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

using namespace report_test;
namespace report = uaudit::report;
using report::Verdict;

TEST_CASE("totals count every kind of record", "[report][aggregator]") {
    report::Aggregator agg;
    agg.add(request(0, good_ua));
    agg.add(request(1, good_ua));
    auto rewritten = request(2, "python-requests/2.31.0", {finding("UA005")});
    rewritten.action = audit::Action::rewrite;
    agg.add(rewritten);
    auto blocked = request(3, std::nullopt, {finding("UA001")});
    blocked.action = audit::Action::block;
    agg.add(blocked);
    auto failed = request(4, good_ua);
    failed.error = audit::ExchangeError::connect_timeout;
    agg.add(failed);
    agg.add(audit::TlsClientRejectedRecord{at(5), "t1", "lab-1", "127.0.0.1:1",
                                           "api.security.microsoft.com", 443, "unknown_ca"});
    agg.add(audit::RefusedRecord{at(6), "r1", "lab-1", "127.0.0.1:2", "GET", "example.org", 80, 403,
                                 "client_not_allowed"});
    agg.add(audit::OutOfScopeSummaryRecord{at(7), "lab-1", "login.microsoftonline.com", 443, 4, 2,
                                           100, 200});
    agg.count_malformed(3);

    const auto s = agg.summarize();
    CHECK(s.totals.requests == 5);
    CHECK(s.totals.compliant == 3);
    CHECK(s.totals.noncompliant == 2);
    CHECK(s.totals.compliant_percent == Approx(60.0));
    CHECK(s.totals.rewritten == 1);
    CHECK(s.totals.blocked == 1);
    CHECK(s.totals.upstream_errors == 1);
    CHECK(s.totals.tls_rejections == 1);
    CHECK(s.totals.refused == 1);
    CHECK(s.totals.out_of_scope_requests == 4);
    CHECK(s.totals.tunnels == 2);
    CHECK(s.totals.malformed_lines == 3);
    CHECK(s.totals.records == 8);
    REQUIRE(s.findings.rows.size() == 2);
    CHECK(s.user_agents.rows.size() == 3);
    CHECK(s.user_agents.rows.front().noncompliant == 1);  // noncompliant first
    REQUIRE(s.upstream_errors.size() == 1);
    CHECK(s.upstream_errors[0].reason == "connect_timeout");
    REQUIRE(s.out_of_scope_hosts.rows.size() == 1);
    CHECK(s.out_of_scope_hosts.rows[0].bytes_out == 200);
    CHECK_FALSE(s.out_of_scope_hosts.rows[0].in_scope_host);
    CHECK(s.period.first == at(0));
    CHECK(s.period.last == at(7));
    CHECK(s.judgement.verdict == Verdict::fail);
    REQUIRE(s.noncompliant_processes.rows.size() == 1);
    CHECK(s.noncompliant_processes.rows[0].noncompliant == 2);
    CHECK_FALSE(s.noncompliant_processes.rows[0].exe);
}

TEST_CASE("two machine ids group under one endpoint", "[report][aggregator]") {
    report::Aggregator agg;
    const std::string endpoint = "/api/machines/{sha1}/isolate";
    agg.add(request(0, good_ua, {},
                    "/api/machines/1e5bc9d7e413ddd7902c2932e418702b84d0cc07/isolate", endpoint));
    agg.add(request(1, "curl/8.5.0", {finding("UA005")},
                    "/api/machines/7b2c4e9a1f0d3c5b8a6e4d2f1c0b9a8e7d6c5b4a/isolate", endpoint));
    // A record without `endpoint` is classified by the report itself.
    agg.add(request(2, good_ua, {},
                    "/api/machines/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/isolate", ""));
    const auto s = agg.summarize();
    REQUIRE(s.endpoints.rows.size() == 1);
    CHECK(s.endpoints.rows[0].endpoint == endpoint);
    CHECK(s.endpoints.rows[0].calls == 3);
    CHECK(s.endpoints.rows[0].noncompliant == 1);
    CHECK(s.endpoints.rows[0].distinct_user_agents == 2);
    CHECK(s.endpoint_user_agents.rows.size() == 2);
}

TEST_CASE("caps fold the rest into an other row", "[report][aggregator]") {
    report::Aggregator agg(report::AggregatorOptions{3});
    for (int i = 0; i < 10; ++i) {
        agg.add(request(i * 60, "agent-" + std::to_string(i) + "/1.0", {finding("UA005")},
                        "/api/x" + std::to_string(i), "/api/x" + std::to_string(i)));
    }
    const auto s = agg.summarize();
    CHECK(s.user_agents.rows.size() == 3);
    REQUIRE(s.user_agents.other);
    CHECK(s.user_agents.other->calls == 7);
    CHECK(s.user_agents.other->noncompliant == 7);
    CHECK(s.endpoints.rows.size() == 3);
    REQUIRE(s.endpoints.other);
    CHECK(s.endpoints.other->calls == 7);
    CHECK(s.timeline.rows.size() == 3);
    REQUIRE(s.timeline.other);
    CHECK(s.timeline.other->noncompliant == 7);
    CHECK(s.totals.requests == 10);  // totals are never capped
}

TEST_CASE("merging logs sums their tables", "[report][aggregator]") {
    report::Aggregator one;
    report::Aggregator both;
    for (int i = 0; i < 4; ++i) {
        one.add(request(i, good_ua, {}, "/api/machines", "/api/machines", "lab-1"));
        both.add(request(i, good_ua, {}, "/api/machines", "/api/machines", "lab-1"));
        both.add(request(i, good_ua, {}, "/api/machines", "/api/machines", "lab-2"));
    }
    const auto a = one.summarize();
    const auto b = both.summarize();
    CHECK(b.totals.requests == 2 * a.totals.requests);
    CHECK(b.endpoints.rows.at(0).calls == 8);
    CHECK(b.instances.rows.size() == 2);
    CHECK(b.coverage.used == 1);
    REQUIRE(b.coverage.operations.size() == 1);
    CHECK(b.coverage.operations[0].operation == "GET /api/machines");
    CHECK(b.coverage.operations[0].calls == 8);
    CHECK(b.coverage.documented > 50);
}

namespace {

report::Summary summary_of(const std::vector<audit::EventRecord>& records) {
    report::Aggregator agg;
    for (const auto& record : records) {
        agg.add(record);
    }
    return agg.summarize();
}

bool mentions(const report::Summary& s, std::string_view text) {
    return std::any_of(s.judgement.reasons.begin(), s.judgement.reasons.end(),
                       [&](const std::string& r) { return r.find(text) != std::string::npos; });
}

const audit::TlsClientRejectedRecord rejection{
    at(9), "t", "lab-1", "127.0.0.1:1", "api.security.microsoft.com", 443, "unknown_ca"};

}  // namespace

TEST_CASE("verdicts of SPEC 9", "[report][verdict]") {
    SECTION("PASS") {
        const auto s = summary_of({request(0, good_ua), request(1, good_ua)});
        CHECK(s.judgement.verdict == Verdict::pass);
        CHECK(mentions(s, "All 2 in-scope requests are compliant"));
    }
    SECTION("WARN on a warning finding") {
        const auto s = summary_of(
            {request(0, good_ua + " extra/1", {finding("UA008", compliance::Severity::warning)})});
        CHECK(s.judgement.verdict == Verdict::warn);
        CHECK(mentions(s, "UA008"));
    }
    SECTION("WARN on UA100: two versions") {
        const auto s = summary_of(
            {request(0, good_ua), request(1, "MdePartner-Contoso-ContosoCognito/1.1.0")});
        CHECK(s.judgement.verdict == Verdict::warn);
        CHECK(mentions(s, "UA100"));
        CHECK(s.identities.rows.size() == 2);
    }
    SECTION("WARN on a TLS rejection beside compliant traffic") {
        const auto s = summary_of({request(0, good_ua), rejection});
        CHECK(s.judgement.verdict == Verdict::warn);
        CHECK(mentions(s, "uaudit ca show"));
    }
    SECTION("WARN on a blind tunnel to an in-scope host") {
        const auto s =
            summary_of({request(0, good_ua),
                        audit::OutOfScopeRecord{
                            at(1), "o", "lab-1", "127.0.0.1:1", audit::Via::tunnel, "CONNECT",
                            "api.security.microsoft.com", 443, 200, 10, 10, 5.0}});
        CHECK(s.judgement.verdict == Verdict::warn);
        CHECK(mentions(s, "blind tunnel"));
    }
    SECTION("FAIL on any noncompliant request") {
        const auto s = summary_of({request(0, good_ua), request(1, "curl/8", {finding("UA005")})});
        CHECK(s.judgement.verdict == Verdict::fail);
        CHECK(mentions(s, "1 of 2 in-scope requests (50.0%) is noncompliant"));
    }
    SECTION("NO-DATA without in-scope traffic") {
        const auto s = summary_of({});
        CHECK(s.judgement.verdict == Verdict::no_data);
        CHECK(mentions(s, "no record"));
    }
    SECTION("NO-DATA with TLS rejections says how to trust the CA") {
        const auto s = summary_of({rejection});
        CHECK(s.judgement.verdict == Verdict::no_data);
        CHECK(mentions(s, "never got through"));
        CHECK(mentions(s, "trust the uaudit CA"));
    }
}

TEST_CASE("UA100 counts grammatical identities only", "[report][aggregator]") {
    const auto s =
        summary_of({request(0, good_ua),
                    request(1, "mdepartner-Contoso-ContosoCognito/1.0.0", {finding("UA006")}),
                    request(2, "MdePartner-Contoso-Cognito-X/1.0.0", {finding("UA012")}),
                    request(3, good_ua + " (Linux)")});
    REQUIRE(s.identities.rows.size() == 1);
    CHECK(s.identities.rows[0].token == good_ua);
    CHECK(s.identities.rows[0].calls == 2);
}

TEST_CASE("the configuration judged against comes from run_start", "[report][aggregator]") {
    audit::RunStartRecord start;
    start.ts = at(0);
    start.instance = "lab-1";
    start.version = "0.1.0";
    start.identity = compliance::Identity{"Contoso", "ContosoCognito", "1.0.0"};
    audit::RunStopRecord stop;
    static_cast<audit::RunInfo&>(stop) = start;
    stop.ts = at(100);
    const auto s =
        summary_of({start, request(1, "python-requests/2.31.0", {finding("UA005")}), stop});
    REQUIRE(s.configs.size() == 1);
    CHECK(s.configs[0].runs == 1);
    CHECK(s.expected_user_agent == good_ua);
    REQUIRE(s.user_agents.rows.size() == 1);
    REQUIRE(s.user_agents.rows[0].library);
    CHECK(s.user_agents.rows[0].library->id == "python-requests");
    CHECK(s.user_agents.rows[0].library->snippet.find(good_ua) != std::string::npos);
}
