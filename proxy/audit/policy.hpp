#pragma once
// The audit decision for one request (SPEC §6): scope -> verdict -> action. Pure: no I/O, no
// clock, safe to call from any thread; built once at start from the configuration.

#include "audit/event_record.hpp"
#include "audit/scope.hpp"
#include "compliance/rules.hpp"
#include "config/config.hpp"

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace uaudit::audit {

/// What the policy looks at: the target host (lower-case, no port), the path (as sent, no
/// query) and every User-Agent field value in the order received.
struct RequestFacts {
    std::string_view host;
    std::string_view path;
    std::span<const std::string_view> user_agents;
};

/// The decision. Out of scope: `in_scope` false, nothing else set, forward untouched.
struct Decision {
    bool in_scope = false;
    std::optional<compliance::Verdict> verdict;  // set when in scope
    Action action = Action::pass;
    /// `rewrite`: the single User-Agent value to send instead of every received field.
    std::optional<std::string> rewritten_user_agent;
    /// `block`: the status and JSON body uaudit answers with (the upstream is never touched).
    unsigned block_status = 0;
    std::string block_body;
};

class Policy {
public:
    /// Builds the scope and rule options from the configuration. Throws only on a
    /// configuration the config module should have refused (start-up bug guard).
    static Policy create(const config::Config& config);

    Decision evaluate(const RequestFacts& facts) const;

    const Scope& scope() const { return scope_; }
    config::Mode mode() const { return mode_; }
    /// The header a compliant request should carry (the `expected` of the enforce body).
    const std::string& expected_user_agent() const { return expected_; }

private:
    Policy(Scope scope, compliance::Options options, config::Mode mode,
           config::RewriteConfig rewrite, unsigned enforce_status, std::string expected);

    Scope scope_;
    compliance::Options options_;
    config::Mode mode_;
    config::RewriteConfig rewrite_;
    unsigned enforce_status_;
    std::string expected_;
};

/// The enforce body: `{"error":"noncompliant_user_agent","message":...,"findings":[...],
/// "expected":...}` (SPEC §6, §12.5).
std::string enforce_body(const compliance::Verdict& verdict, std::string_view expected);

}  // namespace uaudit::audit
