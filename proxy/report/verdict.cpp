#include "report/verdict.hpp"

#include <cstdio>
#include <string>

namespace uaudit::report {
namespace {

constexpr std::size_t listed = 3;  // names listed in one reason before "..."

std::string plural(std::uint64_t n, std::string_view one, std::string_view many) {
    return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}

std::string percent(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f%%", value);
    return text;
}

// "a (3), b (1), ..." for the first rows of a table.
template <class Rows, class Name, class Count>
std::string list(const Rows& rows, Name name, Count count) {
    std::string out;
    std::size_t shown = 0;
    for (const auto& row : rows) {
        if (count(row) == 0) {
            continue;
        }
        if (shown == listed) {
            out += ", and more";
            break;
        }
        out += (shown == 0 ? "" : ", ") + name(row) + " (" + std::to_string(count(row)) + ")";
        ++shown;
    }
    return out;
}

void unseen_reasons(const Summary& s, std::vector<std::string>& reasons) {
    const auto& totals = s.totals;
    if (totals.tls_rejections > 0) {
        reasons.push_back(
            plural(totals.tls_rejections, "TLS handshake was", "TLS handshakes were") +
            " rejected by the client (" +
            list(
                s.tls_rejections.rows, [](const auto& r) { return r.host + ": " + r.reason; },
                [](const auto& r) { return r.count; }) +
            "): those calls never got through uaudit and were not audited. Make the client "
            "trust the uaudit CA: `uaudit ca show` prints how (system store, curl --cacert, "
            "REQUESTS_CA_BUNDLE, NODE_EXTRA_CA_CERTS, Java keytool, certutil, SSL_CERT_FILE); "
            "a client that pins certificates cannot be audited by interception.");
    }
    std::uint64_t tunnels = 0;
    for (const auto& row : s.out_of_scope_hosts.rows) {
        tunnels += row.in_scope_host ? row.tunnels : 0;
    }
    if (tunnels > 0) {
        reasons.push_back(
            plural(tunnels, "blind tunnel", "blind tunnels") + " went to in-scope hosts (" +
            list(
                s.out_of_scope_hosts.rows, [](const auto& r) { return r.host; },
                [](const auto& r) { return r.in_scope_host ? r.tunnels : 0; }) +
            "): those calls were not audited. Let uaudit intercept them (`intercept: scope` and "
            "the port in `connect_ports`).");
    }
    std::uint64_t refused = 0;
    for (const auto& row : s.refused.rows) {
        refused += row.in_scope_host ? row.count : 0;
    }
    if (refused > 0) {
        reasons.push_back(
            plural(refused, "request to an in-scope host was", "requests to in-scope hosts were") +
            " refused by uaudit before they were judged (" +
            list(
                s.refused.rows,
                [](const auto& r) {
                    return r.host.value_or("?") + " " + std::to_string(r.status) + " " + r.error;
                },
                [](const auto& r) { return r.in_scope_host ? r.count : 0; }) +
            ").");
    }
}

void warning_reasons(const Summary& s, std::vector<std::string>& reasons) {
    if (s.totals.with_warnings > 0) {
        reasons.push_back(
            plural(s.totals.with_warnings, "in-scope request carries", "in-scope requests carry") +
            " warnings: " +
            list(
                s.findings.rows, [](const auto& r) { return r.code; },
                [](const auto& r) { return r.as_warning; }) +
            ".");
    }
    const std::size_t identities = s.identities.rows.size() + (s.identities.truncated() ? 1 : 0);
    if (identities > 1) {
        reasons.push_back("UA100: " + std::to_string(identities) +
                          (s.identities.truncated() ? " or more" : "") +
                          " distinct MdePartner identities or versions were seen (" +
                          list(
                              s.identities.rows, [](const auto& r) { return r.token; },
                              [](const auto& r) { return r.calls; }) +
                          "); a product should present one.");
    }
    unseen_reasons(s, reasons);
}

}  // namespace

std::string_view to_string(Verdict verdict) {
    switch (verdict) {
        case Verdict::pass:
            return "PASS";
        case Verdict::warn:
            return "WARN";
        case Verdict::fail:
            return "FAIL";
        case Verdict::no_data:
            return "NO-DATA";
    }
    return "NO-DATA";
}

Judgement judge(const Summary& s) {
    Judgement out;
    const auto& totals = s.totals;
    if (totals.requests == 0) {
        out.verdict = Verdict::no_data;
        out.reasons.push_back(totals.records == 0
                                  ? "The event logs hold no record: nothing to judge."
                                  : "No in-scope request was seen: nothing to judge.");
        if (totals.tls_rejections > 0) {
            out.reasons.push_back(
                "The product's calls never got through: its client rejected uaudit's "
                "certificate.");
        }
        unseen_reasons(s, out.reasons);
        if (totals.out_of_scope_requests + totals.tunnels > 0 && totals.tls_rejections == 0) {
            out.reasons.push_back(plural(totals.out_of_scope_requests + totals.tunnels,
                                         "out-of-scope call", "out-of-scope calls") +
                                  " passed: check that the product's API hosts are in `scope`.");
        }
        return out;
    }
    if (totals.noncompliant > 0) {
        out.verdict = Verdict::fail;
        out.reasons.push_back(std::to_string(totals.noncompliant) + " of " +
                              plural(totals.requests, "in-scope request", "in-scope requests") +
                              " (" +
                              percent(100.0 * static_cast<double>(totals.noncompliant) /
                                      static_cast<double>(totals.requests)) +
                              ") " + (totals.noncompliant == 1 ? "is" : "are") + " noncompliant.");
        out.reasons.push_back("Findings: " +
                              list(
                                  s.findings.rows, [](const auto& r) { return r.code; },
                                  [](const auto& r) { return r.as_error; }) +
                              ".");
        out.reasons.push_back(
            "Noncompliant calls come from: " +
            list(
                s.noncompliant_processes.rows,
                [](const auto& r) { return r.cmd ? *r.cmd : std::string("an unknown process"); },
                [](const auto& r) { return r.noncompliant; }) +
            ".");
        warning_reasons(s, out.reasons);
        return out;
    }
    warning_reasons(s, out.reasons);
    if (!out.reasons.empty()) {
        out.verdict = Verdict::warn;
        out.reasons.insert(out.reasons.begin(),
                           "All " +
                               plural(totals.requests, "in-scope request is compliant",
                                      "in-scope requests are compliant") +
                               ", but:");
        return out;
    }
    out.verdict = Verdict::pass;
    out.reasons.push_back("All " +
                          plural(totals.requests, "in-scope request is compliant",
                                 "in-scope requests are compliant") +
                          "; no warnings, and no in-scope call went unseen.");
    return out;
}

}  // namespace uaudit::report
