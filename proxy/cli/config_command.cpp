#include "cli/commands.hpp"
#include "cli/help.hpp"
#include "config/load.hpp"

#include <ostream>
#include <string>

namespace uaudit::cli {

int config_command(std::span<const std::string_view> args, std::ostream& out, std::ostream& err) {
    if (args.empty() || args.front() == "--help" || args.front() == "-h") {
        (args.empty() ? err : out) << config_help_text();
        return args.empty() ? exit_usage : exit_ok;
    }
    if (args.front() == "default" && args.size() == 1) {
        out << config::default_config_yaml();
        return exit_ok;
    }
    if (args.front() != "check" || args.size() != 2) {
        err << "uaudit config: expected 'config check FILE' or 'config default'\n\n"
            << config_help_text();
        return exit_usage;
    }
    const std::string file(args[1]);
    try {
        const config::Config loaded = config::load_config_file(file);
        const auto problems = config::check_files(loaded, file);
        if (!problems.empty()) {
            for (const auto& problem : problems) {
                err << problem.to_string() << '\n';
            }
            err << file << ": invalid (" << problems.size() << " problem"
                << (problems.size() == 1 ? "" : "s") << ")\n";
            return exit_usage;
        }
    } catch (const config::ConfigError& error) {
        for (const auto& diagnostic : error.diagnostics()) {
            err << diagnostic.to_string() << '\n';
        }
        err << file << ": invalid (" << error.diagnostics().size() << " problem"
            << (error.diagnostics().size() == 1 ? "" : "s") << ")\n";
        return exit_usage;
    }
    out << file << ": valid\n";
    return exit_ok;
}

}  // namespace uaudit::cli
