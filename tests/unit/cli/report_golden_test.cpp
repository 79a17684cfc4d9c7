#include "cli/report_command.hpp"

#include <catch2/catch.hpp>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

// Every report format of every golden event log equals its file in tests/golden/ byte for
// byte, so a change in a renderer shows as a reviewable diff (scripts/update_golden.sh).

namespace {

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace

TEST_CASE("report: every format of the golden logs matches tests/golden", "[cli][report][golden]") {
    const std::filesystem::path golden = std::filesystem::path(UAUDIT_SOURCE_DIR) / "tests/golden";
    const auto out_dir = std::filesystem::temp_directory_path() /
                         ("uaudit-report-golden-" + std::to_string(::getpid()));
    std::filesystem::create_directories(out_dir);
    for (const std::string log : {"all-kinds", "rewrite", "compliant"}) {
        for (const std::string ext : {"json", "md", "html", "xml", "csv"}) {
            const std::string events = (golden / ("events-" + log + ".jsonl")).string();
            const std::string out = (out_dir / ("report." + ext)).string();
            std::vector<std::string_view> args{"--events", events, "-o", out};
            std::ostringstream stdout_text;
            std::ostringstream stderr_text;
            const int code = uaudit::cli::report_command(args, stdout_text, stderr_text);
            INFO(log << "." << ext << ": " << stderr_text.str());
            CHECK((code == 0 || code == 1));
            const auto expected = read_file(golden / ("report-" + log + "." + ext));
            REQUIRE_FALSE(expected.empty());
            CHECK(read_file(out) == expected);
        }
    }
    std::filesystem::remove_all(out_dir);
}
