// Each invalid configuration with the exact diagnostics `config check` prints for it:
// file:line:col: key.path: message (SPEC §4, STYLE.md §6).

#include "config/load.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using uaudit::config::ConfigError;
using uaudit::config::load_config_string;

namespace {

struct InvalidCase {
    const char* name;
    const char* yaml;
    std::vector<std::string> diagnostics;
};

std::vector<std::string> diagnostics_of(const char* yaml) {
    try {
        (void)load_config_string(yaml, "bad.yaml");
    } catch (const ConfigError& e) {
        std::vector<std::string> lines;
        for (const auto& d : e.diagnostics()) {
            lines.push_back(d.to_string());
        }
        return lines;
    }
    return {};
}

const InvalidCase kCases[] = {
    // unknown keys
    {"unknown top-level key with a near miss",
     "lisen: 127.0.0.1:8080\n",
     {"bad.yaml:1:1: lisen: unknown key 'lisen'; did you mean 'listen'?"}},
    {"unknown nested key with a near miss",
     "limits:\n  header_timeot: 5s\n",
     {"bad.yaml:2:3: limits.header_timeot: unknown key 'header_timeot'; did you mean "
      "'header_timeout'?"}},
    {"unknown key far from any",
     "frobnicate: 1\n",
     {"bad.yaml:1:1: frobnicate: unknown key 'frobnicate'"}},
    {"duplicate key",
     "listen: 127.0.0.1:8080\nlisten: 127.0.0.1:8081\n",
     {"bad.yaml:2:1: listen: duplicate key 'listen'"}},
    // wrong types
    {"map where a host:port is expected",
     "listen: {host: a}\n",
     {"bad.yaml:1:9: listen: expected host:port, found a map"}},
    {"non-integer threads",
     "threads: 2.5\n",
     {"bad.yaml:1:10: threads: expected a whole number, found '2.5'"}},
    {"threads out of range",
     "threads: 2000\n",
     {"bad.yaml:1:10: threads: must be from 0 to 1024, found 2000"}},
    {"missing value",
     "threads:\n",
     {"bad.yaml:1:1: threads: expected a whole number, found no value"}},
    {"scalar where a list is expected",
     "connect_ports: 443\n",
     {"bad.yaml:1:16: connect_ports: expected a list, found '443'"}},
    {"YAML 1.1 boolean",
     "tls:\n  upstream_verify: yes\n",
     {"bad.yaml:2:20: tls.upstream_verify: expected true or false, found 'yes'"}},
    {"list where an identity string is expected",
     "identity:\n  product: [a]\n",
     {"bad.yaml:2:12: identity.product: expected a string, found a list"}},
    {"top level not a map",
     "- listen\n- admin\n",
     {"bad.yaml:1:1: expected a map of settings (key: value) at the top level"}},
    // durations and sizes
    {"bad duration unit",
     "limits:\n  idle_timeout: 10x\n",
     {"bad.yaml:2:17: limits.idle_timeout: expected a duration such as 500ms, 10s, 5m, 2h or "
      "30d, found '10x'"}},
    {"negative duration",
     "limits: {connect_timeout: -1s}\n",
     {"bad.yaml:1:27: limits.connect_timeout: expected a duration such as 500ms, 10s, 5m, 2h or "
      "30d, found '-1s'"}},
    {"zero timeout",
     "limits:\n  header_timeout: 0s\n",
     {"bad.yaml:2:19: limits.header_timeout: must be longer than 0"}},
    {"bad size",
     "limits:\n  max_header_bytes: 64KB2\n",
     {"bad.yaml:2:21: limits.max_header_bytes: expected a size such as 1024, 64KiB or 100MiB, "
      "found '64KB2'"}},
    // host:port
    {"missing port",
     "listen: 127.0.0.1\n",
     {"bad.yaml:1:9: listen: '127.0.0.1': missing port (write host:port)"}},
    {"port 0",
     "listen: 127.0.0.1:0\n",
     {"bad.yaml:1:9: listen: '127.0.0.1:0': port must be a number from 1 to 65535"}},
    {"port 99999",
     "admin: 127.0.0.1:99999\n",
     {"bad.yaml:1:8: admin: '127.0.0.1:99999': port must be a number from 1 to 65535"}},
    {"unclosed IPv6 bracket",
     "listen: \"[::1:8080\"\n",
     {"bad.yaml:1:9: listen: '[::1:8080': missing ']' after the IPv6 address"}},
    {"IPv6 without brackets",
     "listen: \"::1:8080\"\n",
     {"bad.yaml:1:9: listen: '::1:8080': an IPv6 address needs brackets, e.g. [::1]:8080"}},
    // CIDRs
    {"CIDR prefix too long",
     "access:\n  allow_clients: [10.0.0.0/33]\n",
     {"bad.yaml:2:19: access.allow_clients[0]: '10.0.0.0/33': prefix length must be a number "
      "from 0 to 32"}},
    {"CIDR not an address",
     "access:\n  allow_clients: [foo/8]\n",
     {"bad.yaml:2:19: access.allow_clients[0]: 'foo/8': 'foo' is not an IPv4 or IPv6 address"}},
    {"empty allow list",
     "access:\n  allow_clients: []\n",
     {"bad.yaml:2:18: access.allow_clients: an empty list refuses every client; list the "
      "networks to allow"}},
    // scope and patterns
    {"host pattern with an empty label",
     "scope: [{host: \"a..b\"}]\n",
     {"bad.yaml:1:16: scope[0].host: empty label in host pattern 'a..b'"}},
    {"host pattern with a port",
     "scope: [{host: \"x.test:443\"}]\n",
     {"bad.yaml:1:16: scope[0].host: invalid character ':' in host pattern 'x.test:443' "
      "(letters, digits, '-', '_', '.' and '*' only)"}},
    {"relative path pattern",
     "scope:\n  - host: graph.microsoft.com\n    paths: [v1.0/security]\n",
     {"bad.yaml:3:13: scope[0].paths[0]: path pattern 'v1.0/security' must start with '/'"}},
    {"scope string other than default",
     "scope: [defaults]\n",
     {"bad.yaml:1:9: scope[0]: expected `default` or a map {host: PATTERN, paths: [GLOB, ...]}, "
      "found 'defaults'"}},
    {"scope entry without host",
     "scope:\n  - paths: [\"/a\"]\n",
     {"bad.yaml:2:5: scope[0].host: missing; every scope entry needs a host"}},
    // enums
    {"bad mode",
     "mode: audt\n",
     {"bad.yaml:1:7: mode: expected audit | rewrite | enforce, found 'audt'"}},
    {"bad strategy",
     "rewrite: {user_agent: MdePartner-A-B/1.0.0, strategy: append}\n",
     {"bad.yaml:1:55: rewrite.strategy: expected replace | prepend, found 'append'"}},
    {"bad intercept",
     "intercept: some\n",
     {"bad.yaml:1:12: intercept: expected scope | all | none, found 'some'"}},
    {"bad fsync",
     "events:\n  fsync: always\n",
     {"bad.yaml:2:10: events.fsync: expected every | interval | never, found 'always'"}},
    {"bad out_of_scope",
     "events:\n  out_of_scope: every\n",
     {"bad.yaml:2:17: events.out_of_scope: expected summary | each, found 'every'"}},
    {"bad version_format",
     "rules:\n  version_format: calver\n",
     {"bad.yaml:2:19: rules.version_format: expected semver | dotted | token, found 'calver'"}},
    {"bad severity",
     "rules:\n  severity: {UA008: fatal}\n",
     {"bad.yaml:2:21: rules.severity.UA008: expected error | warning, found 'fatal'"}},
    {"severity of an unknown code",
     "rules:\n  severity: {UA099: error}\n",
     {"bad.yaml:2:21: rules.severity.UA099: unknown rule code 'UA099'; the codes are UA001 to "
      "UA014"}},
    {"TLS 1.1",
     "tls:\n  min_version: 1.1\n",
     {"bad.yaml:2:16: tls.min_version: expected \"1.2\" | \"1.3\", found '1.1'"}},
    // identity
    {"company with a hyphen",
     "identity:\n  company: Contoso-Ltd\n",
     {"bad.yaml:2:12: identity.company: 'Contoso-Ltd' must be 1 to 64 characters of A-Z a-z 0-9 "
      ". _ (no hyphen, no space)"}},
    {"identity version outside version_format",
     "identity:\n  version: \"1.0\"\n",
     {"bad.yaml:2:12: identity.version: '1.0' does not fit version_format semver, so no request "
      "could comply"}},
    // rewrite and enforce
    {"rewrite mode without a header",
     "mode: rewrite\n",
     {"bad.yaml:1:7: rewrite.user_agent: required when mode is rewrite: the header to send, "
      "e.g. MdePartner-Contoso-ContosoCognito/1.0.0"}},
    {"rewrite header of another identity",
     "identity: {company: Contoso}\nrewrite: {user_agent: MdePartner-Fabrikam-X/1.0.0}\n",
     {"bad.yaml:2:23: rewrite.user_agent: 'MdePartner-Fabrikam-X/1.0.0' is itself noncompliant "
      "(UA010) under the configured identity and rules"}},
    {"rewrite header without the MdePartner token",
     "rewrite:\n  user_agent: Contoso/1.0\n",
     {"bad.yaml:2:15: rewrite.user_agent: 'Contoso/1.0' is itself noncompliant (UA005) under "
      "the configured identity and rules"}},
    {"enforce status outside 400-599",
     "enforce:\n  status: 302\n",
     {"bad.yaml:2:11: enforce.status: must be from 400 to 599, found 302"}},
    // access control of non-loopback listeners (SPEC §4, §12.8)
    {"allow list wider than /8",
     "listen: 0.0.0.0:8080\naccess:\n  allow_clients: [10.0.0.0/8, 0.0.0.0/1]\n",
     {"bad.yaml:1:9: listen: '0.0.0.0:8080' is not a loopback address: restrict "
      "access.allow_clients (no entry wider than /8 for IPv4 or /16 for IPv6) or set "
      "access.proxy_auth, so uaudit is never an open proxy"}},
    {"allow list of everything does not count",
     "listen: 0.0.0.0:8080\naccess:\n  allow_clients: [0.0.0.0/0, \"::/0\"]\n",
     {"bad.yaml:1:9: listen: '0.0.0.0:8080' is not a loopback address: restrict "
      "access.allow_clients (no entry wider than /8 for IPv4 or /16 for IPv6) or set "
      "access.proxy_auth, so uaudit is never an open proxy"}},
    {"proxy_auth does not protect the admin listener",
     "admin: 0.0.0.0:9090\naccess:\n  allow_clients: [0.0.0.0/0]\n"
     "  proxy_auth: {user: audit, password_env: PW}\n",
     {"bad.yaml:1:8: admin: '0.0.0.0:9090' is not a loopback address: restrict "
      "access.allow_clients (no entry wider than /8 for IPv4 or /16 for IPv6); proxy_auth "
      "protects only the forward proxy listener"}},
    {"open route listener",
     "routes:\n  - listen: \"[::]:8443\"\n    upstream: https://x.test\naccess:\n"
     "  allow_clients: [\"::/8\"]\n",
     {"bad.yaml:2:13: routes[0].listen: '[::]:8443' is not a loopback address: restrict "
      "access.allow_clients (no entry wider than /8 for IPv4 or /16 for IPv6); proxy_auth "
      "protects only the forward proxy listener"}},
    {"proxy_auth without password_env",
     "access:\n  proxy_auth: {user: audit}\n",
     {"bad.yaml:2:15: access.proxy_auth.password_env: missing; proxy_auth needs user and "
      "password_env (the name of the environment variable holding the password)"}},
    {"listener used twice",
     "listen: 127.0.0.1:9090\n",
     {"bad.yaml:1:9: listen: '127.0.0.1:9090' is also used by admin"}},
    // routes
    {"route upstream with a path",
     "routes:\n  - listen: 127.0.0.1:8443\n    upstream: https://api.example.com/api\n",
     {"bad.yaml:3:15: routes[0].upstream: 'https://api.example.com/api': the upstream is an "
      "origin only (scheme, host, port), without a path"}},
    {"route upstream not http(s)",
     "routes:\n  - listen: 127.0.0.1:8443\n    upstream: ftp://x\n",
     {"bad.yaml:3:15: routes[0].upstream: 'ftp://x': expected http://host[:port] or "
      "https://host[:port]"}},
    {"route tls without key",
     "routes:\n  - listen: 127.0.0.1:8443\n    upstream: https://x.test\n    tls: {cert: gw.crt}\n",
     {"bad.yaml:4:10: routes[0].tls.key: missing; a TLS route needs cert and key (PEM files)"}},
    {"route without listen",
     "routes: [{upstream: https://x.test}]\n",
     {"bad.yaml:1:10: routes[0].listen: missing; a route needs listen and upstream"}},
    // upstream_proxy, resolve, report
    {"https upstream proxy",
     "upstream_proxy: https://proxy.corp:3128\n",
     {"bad.yaml:1:17: upstream_proxy: 'https://proxy.corp:3128': expected "
      "http://[user:password@]host:port"}},
    {"upstream proxy without port",
     "upstream_proxy: http://proxy.corp\n",
     {"bad.yaml:1:17: upstream_proxy: 'http://proxy.corp': expected "
      "http://[user:password@]host:port"}},
    {"resolve target without port",
     "resolve:\n  \"api.example.com:443\": 127.0.0.1\n",
     {"bad.yaml:2:26: resolve[\"api.example.com:443\"]: '127.0.0.1': missing port (write "
      "host:port)"}},
    {"resolve key that is no host",
     "resolve:\n  \"bad host\": 127.0.0.1:9443\n",
     {"bad.yaml:2:15: resolve[\"bad host\"]: 'bad host' is not a host or host:port to override"}},
    {"report with an unknown format",
     "report:\n  on_exit: [report.pdf]\n",
     {"bad.yaml:2:13: report.on_exit[0]: 'report.pdf': the extension names the format; use "
      ".json, .md, .html, .xml or .csv"}},
    // YAML itself
    {"YAML syntax error",
     "listen: [127.0.0.1:8080\nadmin: x\n",
     {"bad.yaml:2:6: YAML syntax error: end of sequence flow not found"}},
    // all problems of a file, in file order
    {"every error is reported",
     "mode: fast\nlisen: x\nthreads: -1\n",
     {"bad.yaml:1:7: mode: expected audit | rewrite | enforce, found 'fast'",
      "bad.yaml:2:1: lisen: unknown key 'lisen'; did you mean 'listen'?",
      "bad.yaml:3:10: threads: expected a whole number, found '-1'"}},
};

}  // namespace

TEST_CASE("invalid configurations give exact diagnostics", "[config][invalid]") {
    for (const auto& c : kCases) {
        INFO(c.name << ":\n" << c.yaml);
        CHECK(diagnostics_of(c.yaml) == c.diagnostics);
    }
}

TEST_CASE("there are at least 25 invalid configurations", "[config][invalid]") {
    CHECK(std::size(kCases) >= 25);
}

TEST_CASE("ConfigError's text is every diagnostic, one per line", "[config][invalid]") {
    try {
        (void)load_config_string("mode: fast\nthreads: x\n", "c.yaml");
        FAIL("no error");
    } catch (const ConfigError& e) {
        CHECK(std::string(e.what()) ==
              "c.yaml:1:7: mode: expected audit | rewrite | enforce, found 'fast'\n"
              "c.yaml:2:10: threads: expected a whole number, found 'x'");
        CHECK(e.diagnostics().size() == 2);
    }
}
