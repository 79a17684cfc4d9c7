#include "config/load.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

using namespace uaudit::config;

namespace {

const std::filesystem::path kConfigDir = std::filesystem::path(UAUDIT_SOURCE_DIR) / "config";

// Section by section first, so a failure names the section that differs.
void check_same(const Config& actual, const Config& expected) {
    CHECK(actual.listen == expected.listen);
    CHECK(actual.admin == expected.admin);
    CHECK(actual.data_dir == expected.data_dir);
    CHECK(actual.threads == expected.threads);
    CHECK(actual.instance == expected.instance);
    CHECK(actual.mode == expected.mode);
    CHECK(actual.identity == expected.identity);
    CHECK(actual.rules == expected.rules);
    CHECK(actual.rewrite == expected.rewrite);
    CHECK(actual.enforce == expected.enforce);
    CHECK(actual.scope == expected.scope);
    CHECK(actual.intercept == expected.intercept);
    CHECK(actual.connect_ports == expected.connect_ports);
    CHECK(actual.tls == expected.tls);
    CHECK(actual.upstream_proxy == expected.upstream_proxy);
    CHECK(actual.resolve == expected.resolve);
    CHECK(actual.routes == expected.routes);
    CHECK(actual.access == expected.access);
    CHECK(actual.limits == expected.limits);
    CHECK(actual.events == expected.events);
    CHECK(actual.report == expected.report);
    CHECK(actual == expected);
}

}  // namespace

TEST_CASE("the embedded default equals Config{}", "[config][default]") {
    check_same(default_config(), Config{});
}

TEST_CASE("the embedded default is config/default.yaml of the source tree", "[config][default]") {
    const Config from_file = load_config_file(kConfigDir / "default.yaml");
    check_same(from_file, Config{});
    const std::string text = [] {
        std::ifstream in(kConfigDir / "default.yaml", std::ios::binary);
        return std::string(std::istreambuf_iterator<char>(in), {});
    }();
    CHECK(default_config_yaml() == text);
}

TEST_CASE("an empty document is the default", "[config][default]") {
    for (const char* text : {"", "\n", "# only a comment\n", "---\n", "~\n"}) {
        INFO("'" << text << "'");
        check_same(load_config_string(text), Config{});
    }
}

TEST_CASE("Config{} holds the values of SPEC §4", "[config][default]") {
    const Config config;
    CHECK(config.listen.to_string() == "127.0.0.1:8080");
    REQUIRE(config.admin);
    CHECK(config.admin->to_string() == "127.0.0.1:9090");
    CHECK(config.scope.include_default);
    CHECK(config.scope.entries.empty());
    REQUIRE(config.access.allow_clients.size() == 2);
    CHECK(config.access.allow_clients[0].to_string() == "127.0.0.0/8");
    CHECK(config.access.allow_clients[1].to_string() == "::1/128");
    CHECK(config.limits.max_header_bytes == 65536);
    CHECK(config.events.rotate_bytes == 104857600);
    CHECK(config.tls.leaf_validity == std::chrono::hours(720));
    CHECK(config.report.on_exit == std::vector<std::string>{"report.json", "report.html"});
}

// Like Envoy's example_configs_test: every shipped configuration must load.
TEST_CASE("every file in config/ loads without error", "[config][default]") {
    int loaded = 0;
    for (const auto& entry : std::filesystem::directory_iterator(kConfigDir)) {
        if (entry.path().extension() != ".yaml") {
            continue;
        }
        INFO(entry.path().string());
        try {
            (void)load_config_file(entry.path());
        } catch (const ConfigError& e) {
            FAIL(e.what());
        }
        ++loaded;
    }
    CHECK(loaded >= 2);
}
