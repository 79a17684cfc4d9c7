// Plain forwarding to Debian's nginx (a real origin nobody on the team wrote) with curl, and an
// upstream name that does not resolve (502 dns_failed, recorded).

#include "support/proxy_fixture.hpp"
#include "support/uaudit_child.hpp"

#include <catch2/catch.hpp>

#include <csignal>
#include <fstream>

using namespace uaudit::test;
namespace fs = std::filesystem;

namespace {

std::string str(const boost::json::value& v) {
    return std::string(v.as_string());
}

/// nginx (daemonized by itself) serving a fixed JSON body and echoing the User-Agent it got
/// in a header; stopped by the PID from its pid file.
class PlainNginx {
public:
    explicit PlainNginx(const fs::path& dir)
        : dir_(dir)
        , port_(free_port()) {
        fs::create_directories(dir_ / "tmp");
        std::ofstream(dir_ / "nginx.conf")
            << "worker_processes 1;\npid " << (dir_ / "nginx.pid").string() << ";\nerror_log "
            << (dir_ / "error.log").string()
            << ";\nevents { worker_connections 64; }\nhttp {\n  access_log off;\n"
            << "  client_body_temp_path " << (dir_ / "tmp").string() << ";\n"
            << "  server {\n    listen 127.0.0.1:" << port_ << ";\n"
            << "    location / { default_type application/json;\n"
            << "      add_header X-Seen-UA $http_user_agent;\n"
            << "      return 200 '{\"value\":[]}'; }\n  }\n}\n";
        started_ =
            run_command("/usr/sbin/nginx -p " + dir_.string() + " -e " +
                        (dir_ / "error.log").string() + " -c " + (dir_ / "nginx.conf").string())
                .status == 0;
    }
    ~PlainNginx() {
        const std::string pid = slurp(dir_ / "nginx.pid");
        if (!pid.empty()) {
            ::kill(static_cast<pid_t>(std::stol(pid)), SIGTERM);
        }
    }
    PlainNginx(const PlainNginx&) = delete;
    PlainNginx& operator=(const PlainNginx&) = delete;

    bool started() const { return started_; }
    std::uint16_t port() const { return port_; }

private:
    fs::path dir_;
    std::uint16_t port_;
    bool started_ = false;
};

}  // namespace

TEST_CASE("Debian nginx as the plain-HTTP origin, driven by curl", "[integration][nginx]") {
    const fs::path nginx_dir =
        fs::temp_directory_path() / ("uaudit-nginx-" + std::to_string(::getpid()));
    std::uint16_t nginx_port = 0;
    {
        PlainNginx nginx(nginx_dir);
        REQUIRE(nginx.started());
        nginx_port = nginx.port();
        ProxyFixture fx([&](uaudit::config::Config& c) {
            c.resolve[std::string(in_scope_host) + ":80"] = {"127.0.0.1", nginx_port};
        });
        const auto result = run_command(
            "curl -sS -i -x " + fx.proxy_url() + " -A '" + compliant_ua + "' " + "'http://" +
            in_scope_host + "/api/machines?$top=1' 'http://" + in_scope_host + "/api/alerts'");
        CHECK(result.status == 0);
        // Both responses came from nginx, with the User-Agent it received echoed back.
        std::size_t seen = 0;
        const std::string echoed = std::string("X-Seen-UA: ") + compliant_ua;
        for (auto at = result.output.find(echoed); at != std::string::npos;
             at = result.output.find(echoed, at + 1)) {
            ++seen;
        }
        CHECK(seen == 2);
        CHECK(result.output.find("Server: nginx") != std::string::npos);
        const auto records = fx.events("request");
        REQUIRE(records.size() == 2);
        CHECK(str(records[0].at("path")) == "/api/machines");
        CHECK(records[0].at("query_keys").as_array().size() == 1);
        CHECK(str(records[0].at("verdict")) == "compliant");
        CHECK(records[0].at("status").as_int64() == 200);
        CHECK(str(records[1].at("path")) == "/api/alerts");
        CHECK(records[1].at("error").is_null());
    }
    std::error_code ec;
    fs::remove_all(nginx_dir, ec);
}

TEST_CASE("an upstream name that does not resolve answers 502 dns_failed and is recorded",
          "[integration]") {
    ProxyFixture fx([](uaudit::config::Config& c) {
        // In scope, and sent to a name under .invalid (RFC 6761: never resolves).
        c.resolve[std::string(in_scope_host) + ":80"] = {"no-such-host.invalid", 80};
    });
    Client client(fx.port());
    const auto response = client.send(make_request(
        boost::beast::http::verb::get, std::string("http://") + in_scope_host + "/api/machines"));
    CHECK(response.result_int() == 502);
    const auto body = boost::json::parse(response.body()).as_object();
    CHECK(str(body.at("error")) == "dns_failed");
    const auto records = fx.events("request");
    REQUIRE(records.size() == 1);
    CHECK(str(records[0].at("error")) == "dns_failed");
    CHECK(records[0].at("status").as_int64() == 502);
}
