#pragma once
// Small event records for the report tests.

#include "audit/event_record.hpp"
#include "compliance/rules.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace report_test {

namespace audit = uaudit::audit;
namespace compliance = uaudit::compliance;

inline audit::TimePoint at(int seconds) {
    // 2026-11-25T18:00:00Z
    return audit::TimePoint(std::chrono::seconds(1795624800 + seconds));
}

inline compliance::Finding finding(std::string code,
                                   compliance::Severity severity = compliance::Severity::error) {
    return compliance::Finding{std::move(code), severity, "message", std::nullopt};
}

inline audit::RequestRecord request(int seconds, std::optional<std::string> ua,
                                    std::vector<compliance::Finding> findings = {},
                                    std::string path = "/api/machines",
                                    std::string endpoint = "/api/machines",
                                    std::string instance = "lab-1") {
    audit::RequestRecord r;
    r.ts = at(seconds);
    r.id = "id" + std::to_string(seconds);
    r.instance = std::move(instance);
    r.client = "127.0.0.1:5000";
    r.via = audit::Via::intercept;
    r.method = "GET";
    r.scheme = "https";
    r.host = "api.security.microsoft.com";
    r.port = 443;
    r.path = std::move(path);
    r.endpoint = std::move(endpoint);
    r.operation = r.endpoint == "/api/machines" ? std::optional<std::string>("GET /api/machines")
                                                : std::nullopt;
    r.ua = std::move(ua);
    r.ua_fields = r.ua ? 1 : 0;
    const bool bad = std::any_of(findings.begin(), findings.end(), [](const auto& f) {
        return f.severity == compliance::Severity::error;
    });
    r.verdict = bad ? audit::RequestVerdict::noncompliant : audit::RequestVerdict::compliant;
    r.findings = std::move(findings);
    r.ua_sent = r.ua;
    r.status = 200;
    return r;
}

inline const std::string good_ua = "MdePartner-Contoso-ContosoCognito/1.0.0";

}  // namespace report_test
