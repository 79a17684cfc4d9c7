#include "audit/policy.hpp"

#include "audit/event_json.hpp"

#include <boost/json.hpp>

namespace uaudit::audit {

Policy::Policy(Scope scope, compliance::Options options, config::Mode mode,
               config::RewriteConfig rewrite, unsigned enforce_status, std::string expected)
    : scope_(std::move(scope))
    , options_(std::move(options))
    , mode_(mode)
    , rewrite_(std::move(rewrite))
    , enforce_status_(enforce_status)
    , expected_(std::move(expected)) {}

Policy Policy::create(const config::Config& config) {
    compliance::Options options{config.identity, config.rules};
    std::string expected = !config.rewrite.user_agent.empty()
                               ? config.rewrite.user_agent
                               : compliance::expected_user_agent(config.identity);
    return Policy(Scope::create(config.scope), std::move(options), config.mode, config.rewrite,
                  config.enforce.status, std::move(expected));
}

Decision Policy::evaluate(const RequestFacts& facts) const {
    Decision decision;
    decision.in_scope = scope_.in_scope(facts.host, facts.path);
    if (!decision.in_scope) {
        return decision;
    }
    decision.verdict = compliance::evaluate(facts.user_agents, options_);
    if (decision.verdict->compliant) {
        return decision;
    }
    switch (mode_) {
        case config::Mode::audit:
            break;
        case config::Mode::rewrite: {
            decision.action = Action::rewrite;
            std::string value = rewrite_.user_agent;
            if (rewrite_.strategy == config::RewriteStrategy::prepend) {
                // SPEC §12.4: several fields are joined by one space behind the token.
                for (const auto field : facts.user_agents) {
                    value.append(" ").append(field);
                }
            }
            decision.rewritten_user_agent = std::move(value);
            break;
        }
        case config::Mode::enforce:
            decision.action = Action::block;
            decision.block_status = enforce_status_;
            decision.block_body = enforce_body(*decision.verdict, expected_);
            break;
    }
    return decision;
}

std::string enforce_body(const compliance::Verdict& verdict, std::string_view expected) {
    std::string message = "the User-Agent header does not meet the MdePartner requirement";
    for (const auto& finding : verdict.findings) {
        if (finding.severity == compliance::Severity::error) {
            message.append(" (").append(finding.code).append(": ").append(finding.message);
            message.append(")");
            break;
        }
    }
    message.append("; send User-Agent: ").append(expected);
    boost::json::object body;
    body["error"] = "noncompliant_user_agent";
    body["message"] = message;
    body["findings"] = to_json(verdict.findings);
    body["expected"] = expected;
    return boost::json::serialize(body);
}

}  // namespace uaudit::audit
