#include "cli/ca_command.hpp"
#include "cli/commands.hpp"
#include "cli/help.hpp"
#include "cli/report_command.hpp"
#include "cli/run_command.hpp"
#include "core/version.hpp"

#include <iostream>
#include <string>
#include <string_view>
#include <vector>

namespace uaudit::cli {

int dispatch(int argc, char** argv) {
    std::vector<std::string_view> args(argv + 1, argv + argc);
    if (args.empty()) {
        std::cerr << usage_text();
        return exit_usage;
    }
    const std::string_view command = args.front();
    const std::span<const std::string_view> rest(args.data() + 1, args.size() - 1);
    if (command == "--help" || command == "-h" || command == "help") {
        std::cout << usage_text();
        return exit_ok;
    }
    if (command == "--version") {
        std::cout << "uaudit " << core::version() << '\n';
        return exit_ok;
    }
    if (command == "check") {
        return check_command(rest, std::cin, std::cout, std::cerr);
    }
    if (command == "config") {
        return config_command(rest, std::cout, std::cerr);
    }
    if (command == "report") {
        return report_command(rest, std::cout, std::cerr);
    }
    if (command == "ca") {
        return ca_command(rest, std::cout, std::cerr);
    }
    if (command == "run") {
        return run_command(rest, std::cout, std::cerr);
    }
    std::cerr << "uaudit: unknown command '" << command << "'. Run 'uaudit --help'.\n";
    return exit_usage;
}

}  // namespace uaudit::cli
