#include "audit/policy.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

using namespace uaudit;

namespace {

audit::Decision decide(const config::Config& config, std::string_view host, std::string_view path,
                       std::vector<std::string_view> uas) {
    const auto policy = audit::Policy::create(config);
    return policy.evaluate({host, path, uas});
}

config::Config base(config::Mode mode) {
    config::Config c;
    c.mode = mode;
    c.identity.company = "Contoso";
    c.identity.product = "ContosoCognito";
    c.rewrite.user_agent = "MdePartner-Contoso-ContosoCognito/1.0.0";
    return c;
}

constexpr std::string_view host = "api.securitycenter.microsoft.com";
constexpr std::string_view good = "MdePartner-Contoso-ContosoCognito/1.0.0";

}  // namespace

TEST_CASE("out-of-scope requests get no verdict and pass", "[server][policy]") {
    for (const auto mode : {config::Mode::audit, config::Mode::rewrite, config::Mode::enforce}) {
        const auto d = decide(base(mode), "example.com", "/x", {});
        CHECK_FALSE(d.in_scope);
        CHECK_FALSE(d.verdict);
        CHECK(d.action == audit::Action::pass);
        CHECK_FALSE(d.rewritten_user_agent);
    }
    // Graph is in scope only under the security paths.
    CHECK_FALSE(
        decide(base(config::Mode::enforce), "graph.microsoft.com", "/v1.0/users", {}).in_scope);
    CHECK(decide(base(config::Mode::enforce), "graph.microsoft.com", "/v1.0/security/alerts", {})
              .in_scope);
}

TEST_CASE("mode decides the action for noncompliant requests only", "[server][policy]") {
    struct Row {
        config::Mode mode;
        std::vector<std::string_view> uas;
        audit::Action action;
    };
    const Row rows[] = {
        {config::Mode::audit, {"curl/8"}, audit::Action::pass},
        {config::Mode::audit, {good}, audit::Action::pass},
        {config::Mode::rewrite, {"curl/8"}, audit::Action::rewrite},
        {config::Mode::rewrite, {}, audit::Action::rewrite},
        {config::Mode::rewrite, {good}, audit::Action::pass},
        {config::Mode::enforce, {"curl/8"}, audit::Action::block},
        {config::Mode::enforce, {good, good}, audit::Action::block},
        {config::Mode::enforce, {good}, audit::Action::pass},
    };
    for (const auto& row : rows) {
        const auto d = decide(base(row.mode), host, "/api/machines", row.uas);
        CHECK(d.in_scope);
        REQUIRE(d.verdict);
        CHECK(d.action == row.action);
        const bool compliant = row.uas.size() == 1 && row.uas[0] == good;
        CHECK(d.verdict->compliant == compliant);
    }
}

TEST_CASE("rewrite: replace and prepend (fields joined by one space)", "[server][policy]") {
    auto c = base(config::Mode::rewrite);
    CHECK(*decide(c, host, "/", {"curl/8", "x/1"}).rewritten_user_agent == good);
    c.rewrite.strategy = config::RewriteStrategy::prepend;
    CHECK(*decide(c, host, "/", {"curl/8", "x/1"}).rewritten_user_agent ==
          std::string(good) + " curl/8 x/1");
    CHECK(*decide(c, host, "/", {}).rewritten_user_agent == good);
    CHECK(*decide(c, host, "/", {""}).rewritten_user_agent == std::string(good) + " ");
}

TEST_CASE("enforce: status and JSON body with findings and expected", "[server][policy]") {
    auto c = base(config::Mode::enforce);
    c.enforce.status = 451;
    auto d = decide(c, host, "/api/alerts", {});
    CHECK(d.action == audit::Action::block);
    CHECK(d.block_status == 451);
    const auto body = boost::json::parse(d.block_body).as_object();
    CHECK(body.at("error") == "noncompliant_user_agent");
    CHECK(body.at("expected").as_string() == good);
    CHECK(body.at("findings").as_array().at(0).at("code") == "UA001");
    CHECK(std::string(body.at("message").as_string()).find("UA001") != std::string::npos);
    // Without rewrite.user_agent and with a glob version, `expected` is the template.
    c.rewrite.user_agent.clear();
    c.identity.version = "1.*";
    d = decide(c, host, "/api/alerts", {"curl/8"});
    CHECK(boost::json::parse(d.block_body).at("expected") ==
          "MdePartner-{CompanyName}-{ProductName}/{Version}");
    c.identity.version = "2.0.0";
    d = decide(c, host, "/api/alerts", {"curl/8"});
    CHECK(boost::json::parse(d.block_body).at("expected") ==
          "MdePartner-Contoso-ContosoCognito/2.0.0");
}
