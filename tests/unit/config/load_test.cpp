#include "config/load.hpp"

#include <catch2/catch.hpp>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

using namespace uaudit::config;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

// A fresh directory under the system temp dir, removed at the end of the test.
class TempDir {
public:
    TempDir() {
        std::string pattern = (fs::temp_directory_path() / "uaudit-config-XXXXXX").string();
        REQUIRE(::mkdtemp(pattern.data()) != nullptr);
        path_ = pattern;
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    const fs::path& path() const { return path_; }

private:
    fs::path path_;
};

void touch(const fs::path& file) {
    std::ofstream(file) << "x";
}

}  // namespace

TEST_CASE("every key of SPEC §4 is read", "[config][load]") {
    const Config c = load_config_string(R"(
listen: "[::1]:18080"
admin: ""
data_dir: /var/lib/uaudit
threads: 4
instance: runner-7
mode: enforce
identity: {company: Contoso, product: ContosoCognito, version: "1.*"}
rules:
  strict: true
  version_format: dotted
  severity: {UA008: error, UA013: warning}
rewrite:
  user_agent: MdePartner-Contoso-ContosoCognito/1.2
  strategy: prepend
enforce:
  status: 451
scope:
  - host: "api.contoso-mock.test"
  - {host: graph.microsoft.com, paths: ["/v1.0/security/*", "/beta/security/*"]}
intercept: all
connect_ports: [443, 8443]
tls:
  ca_cert: /etc/uaudit/ca.pem
  ca_key: /etc/uaudit/ca.key
  leaf_validity: 2h
  cert_cache: 50
  upstream_verify: false
  upstream_ca_file: mock-ca.crt
  min_version: "1.3"
upstream_proxy: http://user:pass@proxy.corp:3128
resolve:
  API.Example.com: 127.0.0.1:9443
  "api.securitycenter.microsoft.com:443": "[::1]:9443"
routes:
  - listen: 127.0.0.1:8443
    upstream: https://API.securitycenter.microsoft.com/
    tls: {cert: gw.crt, key: gw.key}
  - listen: 127.0.0.1:8081
    upstream: http://127.0.0.1:9000
access:
  allow_clients: [10.0.0.0/8, "fd00::/16"]
  proxy_auth: {user: audit, password_env: UAUDIT_PROXY_PASSWORD}
limits:
  max_header_bytes: 32KiB
  max_body_bytes: 10MB
  max_connections: 100
  upstream_pool: 0
  header_timeout: 500ms
  idle_timeout: 5m
  connect_timeout: 3s
  handshake_timeout: 4s
  request_timeout: 1h
  drain_timeout: 0
events:
  path: /tmp/events.jsonl
  rotate_bytes: 1GiB
  fsync: every
  out_of_scope: each
  summary_interval: 30s
report:
  on_exit: [r.md, r.xml, r.csv]
  max_rows: 50
)");
    CHECK(c.listen == HostPort{"::1", 18080});
    CHECK_FALSE(c.admin);
    CHECK(c.data_dir == "/var/lib/uaudit");
    CHECK(c.threads == 4);
    CHECK(c.instance == "runner-7");
    CHECK(c.mode == Mode::enforce);
    CHECK(c.identity.company == "Contoso");
    CHECK(c.identity.product == "ContosoCognito");
    CHECK(c.identity.version == "1.*");
    CHECK(c.rules.strict);
    CHECK(c.rules.version_format == uaudit::compliance::VersionFormat::dotted);
    CHECK(c.rules.severity == std::map<std::string, uaudit::compliance::Severity>{
                                  {"UA008", uaudit::compliance::Severity::error},
                                  {"UA013", uaudit::compliance::Severity::warning}});
    CHECK(c.rewrite.user_agent == "MdePartner-Contoso-ContosoCognito/1.2");
    CHECK(c.rewrite.strategy == RewriteStrategy::prepend);
    CHECK(c.enforce.status == 451);
    CHECK_FALSE(c.scope.include_default);
    CHECK(c.scope.entries == std::vector<ScopeEntry>{{"api.contoso-mock.test", {}},
                                                     {"graph.microsoft.com",
                                                      {"/v1.0/security/*", "/beta/security/*"}}});
    CHECK(c.intercept == Intercept::all);
    CHECK(c.connect_ports == std::vector<std::uint16_t>{443, 8443});
    CHECK(c.tls.ca_cert == "/etc/uaudit/ca.pem");
    CHECK(c.tls.ca_key == "/etc/uaudit/ca.key");
    CHECK(c.tls.leaf_validity == 2h);
    CHECK(c.tls.cert_cache == 50);
    CHECK_FALSE(c.tls.upstream_verify);
    CHECK(c.tls.upstream_ca_file == "mock-ca.crt");
    CHECK(c.tls.min_version == "1.3");
    CHECK(c.upstream_proxy == "http://user:pass@proxy.corp:3128");
    CHECK(c.resolve ==
          std::map<std::string, HostPort>{{"api.example.com", {"127.0.0.1", 9443}},
                                          {"api.securitycenter.microsoft.com:443", {"::1", 9443}}});
    REQUIRE(c.routes.size() == 2);
    CHECK(c.routes[0].listen == HostPort{"127.0.0.1", 8443});
    CHECK(c.routes[0].upstream == "https://api.securitycenter.microsoft.com");
    REQUIRE(c.routes[0].tls);
    CHECK(c.routes[0].tls->cert == "gw.crt");
    CHECK(c.routes[0].tls->key == "gw.key");
    CHECK(c.routes[1].upstream == "http://127.0.0.1:9000");
    CHECK_FALSE(c.routes[1].tls);
    REQUIRE(c.access.allow_clients.size() == 2);
    CHECK(c.access.allow_clients[1].to_string() == "fd00::/16");
    REQUIRE(c.access.proxy_auth);
    CHECK(c.access.proxy_auth->user == "audit");
    CHECK(c.access.proxy_auth->password_env == "UAUDIT_PROXY_PASSWORD");
    CHECK(c.limits.max_header_bytes == 32 * 1024);
    CHECK(c.limits.max_body_bytes == 10'000'000);
    CHECK(c.limits.max_connections == 100);
    CHECK(c.limits.upstream_pool == 0);
    CHECK(c.limits.header_timeout == 500ms);
    CHECK(c.limits.idle_timeout == 5min);
    CHECK(c.limits.connect_timeout == 3s);
    CHECK(c.limits.handshake_timeout == 4s);
    CHECK(c.limits.request_timeout == 1h);
    CHECK(c.limits.drain_timeout == 0ms);
    CHECK(c.events.path == "/tmp/events.jsonl");
    CHECK(c.events.rotate_bytes == 1ull << 30);
    CHECK(c.events.fsync == Fsync::every);
    CHECK(c.events.out_of_scope == OutOfScopeEvents::each);
    CHECK(c.events.summary_interval == 30s);
    CHECK(c.report.on_exit == std::vector<std::string>{"r.md", "r.xml", "r.csv"});
    CHECK(c.report.max_rows == 50);
}

TEST_CASE("omitted keys keep their defaults", "[config][load]") {
    const Config c = load_config_string("limits:\n  idle_timeout: 5s\nidentity: {company: X}\n");
    Config expected;
    expected.limits.idle_timeout = 5s;
    expected.identity.company = "X";
    CHECK(c == expected);
}

TEST_CASE("empty sections keep their defaults", "[config][load]") {
    CHECK(load_config_string("tls:\nlimits: {}\nscope:\naccess: {proxy_auth: {}}\n") == Config{});
}

TEST_CASE("scope lists default and entries", "[config][load]") {
    const Config c = load_config_string("scope: [default, {host: \"**.contoso-mock.test\"}]\n");
    CHECK(c.scope.include_default);
    CHECK(c.scope.entries == std::vector<ScopeEntry>{{"**.contoso-mock.test", {}}});
    CHECK(load_config_string("scope: []\n").scope == ScopeConfig{false, {}});
}

TEST_CASE("non-loopback listeners with access control load", "[config][load]") {
    // The default allow list (loopback only) excludes addresses (SPEC §4).
    CHECK(load_config_string("listen: 0.0.0.0:8080\n").listen == HostPort{"0.0.0.0", 8080});
    CHECK_NOTHROW(load_config_string(
        "listen: 0.0.0.0:8080\nadmin: 0.0.0.0:9090\naccess:\n  allow_clients: [10.0.0.0/8]\n"));
    CHECK_NOTHROW(
        load_config_string("listen: \"[::]:8080\"\naccess:\n  allow_clients: [\"::/0\"]\n"
                           "  proxy_auth: {user: a, password_env: PW}\n"));
    CHECK_NOTHROW(
        load_config_string("listen: localhost:8080\naccess:\n  allow_clients: [0.0.0.0/0]\n"));
}

TEST_CASE("rewrite values that comply load", "[config][load]") {
    const Config c = load_config_string(
        "mode: rewrite\nidentity: {company: Contoso, product: ContosoCognito, version: \"1.*\"}\n"
        "rewrite: {user_agent: MdePartner-Contoso-ContosoCognito/1.0.0}\n");
    CHECK(c.mode == Mode::rewrite);
    CHECK(c.rewrite.user_agent == "MdePartner-Contoso-ContosoCognito/1.0.0");
}

TEST_CASE("a file that cannot be read is a diagnostic", "[config][load]") {
    try {
        (void)load_config_file("/nonexistent/uaudit.yaml");
        FAIL("no error");
    } catch (const ConfigError& e) {
        REQUIRE(e.diagnostics().size() == 1);
        CHECK(e.diagnostics()[0].to_string() ==
              "/nonexistent/uaudit.yaml: cannot read the configuration file (check the path and "
              "its permissions)");
    }
}

TEST_CASE("diagnostics name the file given", "[config][load]") {
    TempDir dir;
    const fs::path file = dir.path() / "proxy.yaml";
    std::ofstream(file) << "listen: 127.0.0.1:8080\nlimits:\n  idle_timeout: soon\n";
    try {
        (void)load_config_file(file);
        FAIL("no error");
    } catch (const ConfigError& e) {
        CHECK(std::string(e.what()) ==
              file.string() +
                  ":3:17: limits.idle_timeout: expected a duration such as 500ms, 10s, 5m, 2h "
                  "or 30d, found 'soon'");
    }
}

TEST_CASE("relative paths resolve against data_dir", "[config][files]") {
    Config c;
    c.data_dir = "/srv/uaudit";
    CHECK(resolve_path(c, "ca.crt") == fs::path("/srv/uaudit/ca.crt"));
    CHECK(resolve_path(c, "sub/events.jsonl") == fs::path("/srv/uaudit/sub/events.jsonl"));
    CHECK(resolve_path(c, "/etc/ca.crt") == fs::path("/etc/ca.crt"));
}

TEST_CASE("check_files: read files must exist, created files need a directory", "[config][files]") {
    TempDir dir;
    Config c;
    c.data_dir = (dir.path() / "data").string();  // does not exist yet: run creates it
    CHECK(check_files(c, "x.yaml").empty());

    c.tls.upstream_ca_file = "mock-ca.crt";
    c.routes.push_back(Route{{"127.0.0.1", 8443}, "https://x.test", RouteTls{"gw.crt", "gw.key"}});
    fs::create_directories(dir.path() / "data");
    touch(dir.path() / "data" / "gw.crt");
    const std::string data = (dir.path() / "data").string();
    std::vector<std::string> lines;
    for (const auto& d : check_files(c, "x.yaml")) {
        lines.push_back(d.to_string());
    }
    CHECK(lines == std::vector<std::string>{
                       "x.yaml: tls.upstream_ca_file: file not found: " + data + "/mock-ca.crt",
                       "x.yaml: routes[0].tls.key: file not found: " + data + "/gw.key"});

    touch(dir.path() / "data" / "mock-ca.crt");
    touch(dir.path() / "data" / "gw.key");
    CHECK(check_files(c, "x.yaml").empty());

    // A file where a directory would have to be created; a directory where a file goes.
    touch(dir.path() / "blocker");
    c.events.path = (dir.path() / "blocker" / "events.jsonl").string();
    c.report.on_exit = {"out"};
    fs::create_directories(dir.path() / "data" / "out");
    lines.clear();
    for (const auto& d : check_files(c, "x.yaml")) {
        lines.push_back(d.to_string());
    }
    CHECK(lines ==
          std::vector<std::string>{
              "x.yaml: events.path: cannot create " + c.events.path + ": " +
                  (dir.path() / "blocker").string() + " is not a directory",
              "x.yaml: report.on_exit[0]: is a directory, expected a file: " + data + "/out"});
}

TEST_CASE("odd documents give ConfigError, never another exception", "[config][load]") {
    const std::string deep(5000, '[');
    const char* cases[] = {
        "\tlisten: 127.0.0.1:8080\n",
        "? [a, b]\n: c\n",
        "{a: b}: c\n",
        "listen: &a 127.0.0.1:8080\nadmin: *b\n",
        "listen: \"\\xff\\xfe\"\n",
        "\xff\xfe\x00l\n",
        "threads: 99999999999999999999999999\n",
        "listen: !!binary aGVsbG8=\n",
        "scope: [[default]]\n",
        "routes: [x]\n",
        "routes: [{tls: 5}]\n",
        "resolve: [a]\n",
        "rules: {severity: [UA001]}\n",
        "access: {proxy_auth: x}\n",
        "--- {}\n--- {}\n",
        "\"just a string\"\n",
        deep.c_str(),
    };
    for (const char* text : cases) {
        INFO(text);
        try {
            (void)load_config_string(text);
        } catch (const ConfigError& e) {
            CHECK_FALSE(e.diagnostics().empty());
        }
    }
}
