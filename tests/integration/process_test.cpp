// `uaudit run` as a child process: banner, a request through it, SIGHUP, SIGTERM -> clean
// stop with run_stop and exit 0; a taken port -> exit 2.

#include "support/proxy_fixture.hpp"
#include "support/uaudit_child.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <thread>

using namespace uaudit::test;
namespace fs = std::filesystem;

TEST_CASE("uaudit run prints a banner and stops cleanly on SIGTERM", "[integration][process]") {
    FakeUpstream upstream;
    const auto dir = fs::temp_directory_path() / ("uaudit-run-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    const auto port = free_port();
    {
        std::ofstream config(dir / "uaudit.yaml");
        config << "listen: 127.0.0.1:" << port << "\n"
               << "admin: \"\"\n"
               << "data_dir: " << dir.string() << "\n"
               << "resolve: {\"api.securitycenter.microsoft.com:80\": \"127.0.0.1:"
               << upstream.port() << "\"}\n";
    }
    const pid_t pid = spawn_uaudit({"run", "-c", (dir / "uaudit.yaml").string(), "--mode", "audit"},
                                   dir / "out.txt", dir / "err.txt");
    REQUIRE(pid > 0);
    REQUIRE(wait_for_text(dir / "out.txt", "listening on"));
    const auto banner = slurp(dir / "out.txt");
    CHECK(banner.find("http://127.0.0.1:" + std::to_string(port)) != std::string::npos);
    CHECK(banner.find("curl -x http://127.0.0.1:" + std::to_string(port)) != std::string::npos);
    CHECK(banner.find("HTTPS_PROXY=") != std::string::npos);
    CHECK(banner.find("mode:    audit") != std::string::npos);
    CHECK(banner.find((dir / "events.jsonl").string()) != std::string::npos);

    const auto result =
        run_command("curl -sS --noproxy '' -x http://127.0.0.1:" + std::to_string(port) +
                    " http://api.securitycenter.microsoft.com/api/alerts");
    CHECK(result.output == "hello from upstream");
    ::kill(pid, SIGHUP);  // reopens the log; must not stop the proxy
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    ::kill(pid, SIGTERM);
    CHECK(wait_exit(pid) == 0);
    const auto events = slurp(dir / "events.jsonl");
    CHECK(events.find("\"kind\":\"run_start\"") != std::string::npos);
    CHECK(events.find("\"kind\":\"request\"") != std::string::npos);
    CHECK(events.find("\"kind\":\"run_stop\"") != std::string::npos);
    CHECK(slurp(dir / "out.txt").find("stopped") != std::string::npos);
    // The default report.on_exit, written at the clean stop (curl sent its own User-Agent).
    CHECK(slurp(dir / "report.json").find("\"verdict\":\"FAIL\"") != std::string::npos);
    CHECK(slurp(dir / "report.html").find("FAIL") != std::string::npos);
    CHECK(slurp(dir / "out.txt").find("uaudit: reports: " + (dir / "report.json").string()) !=
          std::string::npos);

    // The port is free again, and a taken port is exit 2 with a clear message.
    uaudit::asio::io_context ioc;
    uaudit::tcp::acceptor taken(ioc, {uaudit::asio::ip::make_address("127.0.0.1"), port});
    const pid_t second = spawn_uaudit({"run", "-c", (dir / "uaudit.yaml").string()},
                                      dir / "out2.txt", dir / "err2.txt");
    CHECK(wait_exit(second) == 2);
    CHECK(slurp(dir / "err2.txt").find("cannot listen on 127.0.0.1:" + std::to_string(port)) !=
          std::string::npos);
    std::error_code ec;
    fs::remove_all(dir, ec);
}
