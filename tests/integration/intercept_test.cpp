// TLS interception of CONNECT (SPEC §7) with real clients: curl, python requests, openssl
// s_client and Node's fetch through undici's ProxyAgent, in front of the in-process HTTPS
// origin and of Debian's nginx. Records, verdicts, modes, the leaf cache, keep-alive.

#include "support/intercept_fixture.hpp"
#include "support/uaudit_child.hpp"

#include <catch2/catch.hpp>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <sstream>
#include <thread>

using namespace uaudit::test;
namespace json = boost::json;
namespace fs = std::filesystem;
using uaudit::config::Config;

namespace {

const std::string& host = intercept_host;
const std::string& base_url = intercept_base_url;

/// The first PEM certificate in `text` ("" when none).
std::string first_certificate(const std::string& text) {
    const std::string begin = "-----BEGIN CERTIFICATE-----";
    const std::string end = "-----END CERTIFICATE-----";
    const auto from = text.find(begin);
    const auto to = text.find(end, from);
    if (from == std::string::npos || to == std::string::npos) {
        return "";
    }
    return text.substr(from, to + end.size() - from) + "\n";
}

/// The rest of the first line of `text` that starts with `prefix` ("" when none).
std::string line_after(const std::string& text, const std::string& prefix) {
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
        if (line.rfind(prefix, 0) == 0) {
            return line.substr(prefix.size());
        }
    }
    return "";
}

const fs::path nginx_binary = "/usr/sbin/nginx";

// {DIR} {PORT} {HOST} {CERT} {KEY} are filled in by NginxOrigin.
constexpr const char* nginx_conf_template = R"(worker_processes 1;
pid {DIR}/nginx.pid;
error_log {DIR}/error.log;
events { worker_connections 64; }
http {
  log_format ua '$request|$http_user_agent|$http_host';
  access_log {DIR}/access.log ua;
  client_body_temp_path {DIR}/tmp;
  proxy_temp_path {DIR}/tmp;
  fastcgi_temp_path {DIR}/tmp;
  uwsgi_temp_path {DIR}/tmp;
  scgi_temp_path {DIR}/tmp;
  server {
    listen 127.0.0.1:{PORT} ssl;
    server_name {HOST};
    ssl_certificate {CERT};
    ssl_certificate_key {KEY};
    location / { default_type text/plain; return 200 "hello from nginx\n"; }
  }
}
)";

/// `text` with every `from` replaced by `to`.
std::string replace_all(std::string text, std::string_view from, const std::string& to) {
    for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
        text.replace(at, from.size(), to);
    }
    return text;
}

/// Debian's nginx serving "hello from nginx\n" over TLS for the in-scope host on a free
/// loopback port, with a certificate of its own test CA; everything (configuration, logs,
/// pid, temp files) in the PKI's temporary directory. Stopped (SIGTERM, by PID) on
/// destruction.
class NginxOrigin {
public:
    NginxOrigin()
        : port_(free_port()) {
        const std::string dir = pki_.dir().string();
        fs::create_directories(pki_.dir() / "tmp");
        std::string conf = nginx_conf_template;
        const std::pair<std::string_view, std::string> values[] = {
            {"{DIR}", dir},
            {"{PORT}", std::to_string(port_)},
            {"{HOST}", host},
            {"{CERT}", pki_.cert_file().string()},
            {"{KEY}", pki_.key_file().string()},
        };
        for (const auto& [name, value] : values) {
            conf = replace_all(std::move(conf), name, value);
        }
        write_text(pki_.dir() / "nginx.conf", conf);
        std::vector<std::string> args{
            nginx_binary.string(), "-p", dir,          "-e", dir + "/error.log", "-c",
            dir + "/nginx.conf",   "-g", "daemon off;"};
        std::vector<char*> argv;
        for (auto& arg : args) {
            argv.push_back(arg.data());
        }
        argv.push_back(nullptr);
        if (::posix_spawn(&pid_, nginx_binary.c_str(), nullptr, nullptr, argv.data(), environ) !=
            0) {
            pid_ = -1;
        }
    }
    ~NginxOrigin() {
        if (pid_ > 0) {
            ::kill(pid_, SIGTERM);
            int status = 0;
            ::waitpid(pid_, &status, 0);
        }
    }
    NginxOrigin(const NginxOrigin&) = delete;
    NginxOrigin& operator=(const NginxOrigin&) = delete;

    /// Waits (up to 5 s) until nginx accepts connections.
    bool listening() const {
        for (int i = 0; pid_ > 0 && i < 100; ++i) {
            uaudit::asio::io_context ioc;
            uaudit::tcp::socket probe(ioc);
            uaudit::error_code ec;
            probe.connect({uaudit::asio::ip::make_address("127.0.0.1"), port_}, ec);
            if (!ec) {
                return true;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        return false;
    }
    std::uint16_t port() const { return port_; }
    const OriginPki& pki() const { return pki_; }
    const fs::path& dir() const { return pki_.dir(); }

private:
    OriginPki pki_;
    std::uint16_t port_;
    pid_t pid_ = -1;
};

}  // namespace

TEST_CASE("curl through an intercepted CONNECT is audited and the origin sees the same request",
          "[intercept][curl]") {
    InterceptFixture it;
    auto noncompliant = it.curl_trusting(shell_quote(machines_url));
    CHECK(noncompliant.status == 0);
    CHECK(noncompliant.output == "hello from tls upstream\n200");
    auto compliant =
        it.curl_trusting("-A " + shell_quote(compliant_ua) + " " + shell_quote(machines_url));
    CHECK(compliant.status == 0);
    CHECK(compliant.output == "hello from tls upstream\n200");

    const auto seen = it.origin().requests();
    REQUIRE(seen.size() == 2);
    CHECK(seen[0].method == "GET");
    CHECK(seen[0].target == "/api/machines?$top=1");
    CHECK(seen[0].values("Host") == std::vector<std::string>{host});
    REQUIRE(seen[0].values("User-Agent").size() == 1);
    CHECK(seen[0].values("User-Agent")[0].rfind("curl/", 0) == 0);
    CHECK(seen[1].values("User-Agent") == std::vector<std::string>{compliant_ua});

    const auto records = it.proxy().events("request");
    REQUIRE(records.size() == 2);
    for (const auto& r : records) {
        CHECK(str(r.at("via")) == "intercept");
        CHECK(str(r.at("scheme")) == "https");
        CHECK(str(r.at("host")) == host);
        CHECK(r.at("port").as_int64() == 443);
        CHECK(str(r.at("method")) == "GET");
        CHECK(str(r.at("path")) == "/api/machines");
        CHECK(r.at("query_keys") == json::array{"$top"});
        CHECK(r.at("status").as_int64() == 200);
        CHECK(r.at("error").is_null());
        CHECK(str(r.at("action")) == "pass");
        REQUIRE(r.at("client_process").is_object());
        CHECK(str(r.at("client_process").at("exe")) == "curl");
    }
    CHECK(str(records[0].at("ua")) == seen[0].values("User-Agent")[0]);
    CHECK(str(records[0].at("ua_sent")) == seen[0].values("User-Agent")[0]);
    CHECK(str(records[0].at("verdict")) == "noncompliant");
    REQUIRE_FALSE(records[0].at("findings").as_array().empty());
    CHECK(str(records[0].at("findings").as_array()[0].at("code")) == "UA005");
    CHECK(str(records[1].at("ua")) == compliant_ua);
    CHECK(str(records[1].at("verdict")) == "compliant");
    CHECK(records[1].at("findings").as_array().empty());
    // Interception records the in-scope requests only, no out-of-scope tunnel.
    CHECK(it.proxy().events("out_of_scope").empty());
}

TEST_CASE("intercepted rewrite and enforce modes", "[intercept][curl]") {
    SECTION("rewrite: the origin gets the configured User-Agent") {
        InterceptFixture it({}, [](Config& c) {
            c.mode = uaudit::config::Mode::rewrite;
            c.rewrite.user_agent = compliant_ua;
        });
        auto result = it.curl_trusting("-A 'python-requests/2.31' " + shell_quote(machines_url));
        CHECK(result.status == 0);
        CHECK(result.output == "hello from tls upstream\n200");
        const auto seen = it.origin().requests();
        REQUIRE(seen.size() == 1);
        CHECK(seen[0].values("User-Agent") == std::vector<std::string>{compliant_ua});
        const auto records = it.proxy().events("request");
        REQUIRE(records.size() == 1);
        CHECK(str(records[0].at("action")) == "rewrite");
        CHECK(str(records[0].at("ua")) == "python-requests/2.31");
        CHECK(str(records[0].at("ua_sent")) == compliant_ua);
        CHECK(str(records[0].at("via")) == "intercept");
    }
    SECTION("enforce: 403 JSON from uaudit, nothing reaches the origin") {
        InterceptFixture it({}, [](Config& c) { c.mode = uaudit::config::Mode::enforce; });
        auto blocked = it.curl_trusting("-A 'curl/8.0' " + shell_quote(machines_url));
        CHECK(blocked.status == 0);
        const auto [body, status] = body_and_status(blocked.output);
        CHECK(status == "403");
        const auto answer = json::parse(body).as_object();
        CHECK(str(answer.at("error")) == "noncompliant_user_agent");
        REQUIRE_FALSE(answer.at("findings").as_array().empty());
        CHECK(str(answer.at("findings").as_array()[0].at("code")) == "UA005");
        CHECK(it.origin().requests().empty());
        CHECK(it.origin().connections() == 0);

        auto passed =
            it.curl_trusting("-A " + shell_quote(compliant_ua) + " " + shell_quote(machines_url));
        CHECK(passed.output == "hello from tls upstream\n200");
        CHECK(it.origin().requests().size() == 1);
        const auto records = it.proxy().events("request");
        REQUIRE(records.size() == 2);
        CHECK(str(records[0].at("action")) == "block");
        CHECK(records[0].at("status").as_int64() == 403);
        CHECK(records[0].at("ua_sent").is_null());
        CHECK(str(records[1].at("action")) == "pass");
    }
}

TEST_CASE("python requests through an intercepted CONNECT", "[intercept][python]") {
    InterceptFixture it;
    const auto script = it.proxy().dir() / "client.py";
    write_text(script,
               "import requests,sys\n"
               "p={'https': sys.argv[1]}\n"
               "r=requests.get(sys.argv[2], proxies=p, verify=sys.argv[3],"
               " headers={'User-Agent': sys.argv[4]})\n"
               "print(r.status_code, r.text)\n"
               "r=requests.get(sys.argv[2], proxies=p, verify=sys.argv[3])\n"
               "print(r.status_code, r.text)\n");
    const auto result =
        run_command("/usr/bin/python3 " + script.string() + " " + it.proxy().proxy_url() + " " +
                    shell_quote(machines_url) + " " + shell_quote(it.uaudit_ca().string()) + " " +
                    shell_quote(compliant_ua));
    CHECK(result.status == 0);
    CHECK(result.output == "200 hello from tls upstream\n200 hello from tls upstream\n");
    const auto seen = it.origin().requests();
    REQUIRE(seen.size() == 2);
    CHECK(seen[0].values("User-Agent") == std::vector<std::string>{compliant_ua});
    const auto records = it.proxy().events("request");
    REQUIRE(records.size() == 2);
    CHECK(str(records[0].at("verdict")) == "compliant");
    CHECK(str(records[1].at("verdict")) == "noncompliant");
    CHECK(str(records[1].at("ua")).rfind("python-requests/", 0) == 0);
    CHECK(seen[1].values("User-Agent") == std::vector<std::string>{str(records[1].at("ua"))});
    for (const auto& r : records) {
        CHECK(str(r.at("via")) == "intercept");
        REQUIRE(r.at("client_process").is_object());
        // /usr/bin/python3 is a link to python3.<minor>: `exe` names the real file.
        CHECK(str(r.at("client_process").at("exe")).rfind("python3", 0) == 0);
        CHECK(str(r.at("client_process").at("cmd")) == "python3 " + script.string());
    }
}

TEST_CASE("openssl s_client verifies the minted leaf against the uaudit CA",
          "[intercept][openssl]") {
    InterceptFixture it;
    const auto result = run_command(
        "openssl s_client -proxy 127.0.0.1:" + std::to_string(it.proxy().port()) + " -connect " +
        host + ":443 -servername " + host + " -CAfile " + shell_quote(it.uaudit_ca().string()) +
        " -verify_return_error -showcerts </dev/null 2>&1");
    CAPTURE(result.output);
    CHECK(result.status == 0);
    CHECK(result.output.find("Verification: OK") != std::string::npos);
    CHECK(result.output.find("Verify return code: 0 (ok)") != std::string::npos);
    const auto leaf = first_certificate(result.output);
    REQUIRE_FALSE(leaf.empty());
    const auto leaf_file = it.proxy().dir() / "leaf.pem";
    write_text(leaf_file, leaf);
    const auto details = run_command("openssl x509 -in " + shell_quote(leaf_file.string()) +
                                     " -noout -ext subjectAltName -issuer");
    CAPTURE(details.output);
    CHECK(details.status == 0);
    CHECK(details.output.find("X509v3 Subject Alternative Name: \n    DNS:" + host + "\n") !=
          std::string::npos);
    const auto ca = run_command("openssl x509 -in " + shell_quote(it.uaudit_ca().string()) +
                                " -noout -subject");
    const auto ca_subject = line_after(ca.output, "subject=");
    CHECK(ca_subject.find("uaudit interception CA") != std::string::npos);
    CHECK(line_after(details.output, "issuer=") == ca_subject);
}

TEST_CASE("Node fetch through undici's ProxyAgent", "[intercept][node]") {
    const fs::path node_dir = fs::path(UAUDIT_SOURCE_DIR) / "tests" / "node";
    if (!fs::exists(node_dir / "node_modules" / "undici" / "package.json")) {
        FAIL(
            "tests/node/node_modules/undici is missing: run scripts/install_deps.sh "
            "(it runs `npm ci --prefix tests/node --no-audit --no-fund`)");
    }
    InterceptFixture it;
    const std::string node = "NODE_EXTRA_CA_CERTS=" + shell_quote(it.uaudit_ca().string()) +
                             " /usr/bin/node " +
                             shell_quote((node_dir / "fetch_via_proxy.mjs").string()) + " " +
                             it.proxy().proxy_url() + " " + shell_quote(machines_url);
    auto compliant = run_command(node + " " + shell_quote(compliant_ua));
    CHECK(compliant.status == 0);
    CHECK(compliant.output == "200\nhello from tls upstream");
    auto default_ua = run_command(node);
    CHECK(default_ua.status == 0);
    CHECK(default_ua.output == "200\nhello from tls upstream");

    const auto seen = it.origin().requests();
    REQUIRE(seen.size() == 2);
    CHECK(seen[0].values("User-Agent") == std::vector<std::string>{compliant_ua});
    const auto records = it.proxy().events("request");
    REQUIRE(records.size() == 2);
    CHECK(str(records[0].at("verdict")) == "compliant");
    CHECK(str(records[1].at("verdict")) == "noncompliant");
    REQUIRE(records[1].at("ua").is_string());
    CHECK(seen[1].values("User-Agent") == std::vector<std::string>{str(records[1].at("ua"))});
    for (const auto& r : records) {
        CHECK(str(r.at("via")) == "intercept");
        CHECK(str(r.at("scheme")) == "https");
        REQUIRE(r.at("client_process").is_object());
        CHECK(str(r.at("client_process").at("exe")) == "node");
    }
}

TEST_CASE("a second connection to the same host reuses the minted leaf", "[intercept][curl]") {
    InterceptFixture it;
    for (int i = 0; i < 2; ++i) {
        CHECK(it.curl_trusting(shell_quote(machines_url)).output == "hello from tls upstream\n200");
    }
    const auto text = it.metrics();
    CHECK(metric(text, "uaudit_cert_cache_misses_total") == "1");
    CHECK(metric(text, "uaudit_cert_cache_hits_total") == "1");
    CHECK(it.proxy().events("request").size() == 2);
}

TEST_CASE("keep-alive inside the tunnel and pooled or resumed upstream connections",
          "[intercept][curl]") {
    for (const unsigned threads : {1U, 2U}) {
        CAPTURE(threads);
        InterceptFixture it({}, [&](Config& c) { c.threads = threads; });
        auto result =
            it.curl("--cacert " + shell_quote(it.uaudit_ca().string()) + " " +
                    shell_quote(machines_url) + " " + shell_quote(base_url + "/api/alerts"));
        CHECK(result.status == 0);
        CHECK(result.output == "hello from tls upstreamhello from tls upstream");
        const auto records = it.proxy().events("request");
        REQUIRE(records.size() == 2);
        CHECK(str(records[0].at("path")) == "/api/machines");
        CHECK(str(records[1].at("path")) == "/api/alerts");
        // One client connection (the same client port) and one upstream connection carried
        // both.
        CHECK(records[0].at("client") == records[1].at("client"));
        CHECK(it.origin().connections() == 1);
        CHECK(it.origin().handshakes() == 1);
        const auto seen = it.origin().requests();
        REQUIRE(seen.size() == 2);
        CHECK(seen[0].connection == seen[1].connection);
        CHECK(seen[1].target == "/api/alerts");

        // A second curl run, a new client connection: with one io thread it is served from the
        // pooled upstream connection; with more, a pooled TLS stream stays with the strand of
        // the connection that returned it (http/pool.hpp), so a new upstream connection is
        // made, and it resumes the TLS session.
        auto again = it.curl_trusting(shell_quote(machines_url));
        CHECK(again.output == "hello from tls upstream\n200");
        CHECK(it.origin().requests().size() == 3);
        if (threads == 1) {
            CHECK(it.origin().connections() == 1);
            CHECK(it.origin().handshakes() == 1);
        } else {
            CHECK(it.origin().connections() == 2);
            CHECK(it.origin().handshakes() == 2);
            CHECK(it.origin().resumed() == 1);
        }
    }
}

TEST_CASE("Debian nginx as the TLS origin", "[intercept][nginx]") {
    REQUIRE(fs::exists(nginx_binary));
    NginxOrigin nginx;
    CAPTURE(slurp(nginx.dir() / "error.log"));
    REQUIRE(nginx.listening());

    ProxyFixture fx([&](Config& c) {
        c.resolve[host + ":443"] = {"127.0.0.1", nginx.port()};
        c.tls.upstream_ca_file = nginx.pki().ca_file().string();
    });
    const auto result =
        run_command("curl -sS --noproxy '' -x " + fx.proxy_url() + " --cacert " +
                    shell_quote((fx.dir() / "ca.crt").string()) + " -A " +
                    shell_quote(compliant_ua) + " -w '%{http_code}' " + shell_quote(machines_url));
    CHECK(result.status == 0);
    CHECK(result.output == "hello from nginx\n200");
    const auto records = fx.events("request");
    REQUIRE(records.size() == 1);
    CHECK(str(records[0].at("via")) == "intercept");
    CHECK(str(records[0].at("verdict")) == "compliant");
    CHECK(records[0].at("status").as_int64() == 200);
    // nginx writes its access log when the response is done, before curl could exit.
    CHECK(slurp(nginx.dir() / "access.log") ==
          "GET /api/machines?$top=1 HTTP/1.1|" + std::string(compliant_ua) + "|" + host + "\n");
}
