#include "cli/commands.hpp"
#include "support/run_process.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>
#include <string>

using uaudit::cli::config_command;

namespace {

struct Outcome {
    int code;
    std::string out;
    std::string err;
};

Outcome run_config(std::vector<std::string_view> args) {
    std::ostringstream out;
    std::ostringstream err;
    const int code = config_command(args, out, err);
    return {code, out.str(), err.str()};
}

void write_file(const std::string& path, const std::string& text) {
    std::ofstream file(path);
    file << text;
}

}  // namespace

TEST_CASE("config default prints the embedded default, which checks as valid", "[cli][config]") {
    const auto printed = run_config({"default"});
    REQUIRE(printed.code == 0);
    CHECK(printed.out.find("listen: 127.0.0.1:8080") != std::string::npos);
    const std::string path = "config_command_default.yaml";
    write_file(path, printed.out);
    const auto checked = run_config({"check", path});
    CHECK(checked.code == 0);
    CHECK(checked.out == path + ": valid\n");
    std::remove(path.c_str());
}

TEST_CASE("config check: every shipped file in config/ is valid", "[cli][config]") {
    for (const char* name : {"default.yaml", "sample.yaml"}) {
        const std::string path = std::string(UAUDIT_SOURCE_DIR) + "/config/" + name;
        const auto checked = run_config({"check", path});
        INFO(checked.err);
        CHECK(checked.code == 0);
    }
}

TEST_CASE("config check: an invalid file exits 2 with file:line:col and key", "[cli][config]") {
    const std::string path = "config_command_invalid.yaml";
    write_file(path, "listen: 127.0.0.1:8080\nmode: audit\nlimits:\n  header_timeout: 10x\n");
    const auto checked = run_config({"check", path});
    CHECK(checked.code == 2);
    CHECK(checked.err.find(path + ":4:19: limits.header_timeout: ") == 0);
    std::remove(path.c_str());
}

TEST_CASE("config check: a missing route certificate is reported", "[cli][config]") {
    const std::string path = "config_command_missing_cert.yaml";
    write_file(
        path,
        "routes:\n  - listen: 127.0.0.1:8443\n    upstream: https://api.security.microsoft.com\n"
        "    tls: {cert: /nonexistent/gw.crt, key: /nonexistent/gw.key}\n");
    const auto checked = run_config({"check", path});
    CHECK(checked.code == 2);
    CHECK(checked.err.find("/nonexistent/gw.crt") != std::string::npos);
    std::remove(path.c_str());
}

TEST_CASE("config: usage errors exit 2", "[cli][config]") {
    CHECK(run_config({}).code == 2);
    CHECK(run_config({"check"}).code == 2);
    CHECK(run_config({"lint", "x"}).code == 2);
    CHECK(run_config({"check", "/nonexistent/file.yaml"}).code == 2);
}
