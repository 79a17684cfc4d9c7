#include "cli/commands.hpp"
#include "cli/help.hpp"
#include "compliance/rules.hpp"
#include "config/load.hpp"

#include <boost/json.hpp>

#include <istream>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace uaudit::cli {
namespace {

struct CheckArgs {
    std::optional<std::string> config_file;
    std::optional<std::string> company;
    std::optional<std::string> product;
    std::optional<std::string> version;
    std::optional<std::string> version_format;
    bool strict = false;
    bool json = false;
    bool help = false;
    std::vector<std::string> inputs;
};

// Returns an error message, or nothing when the arguments are well-formed.
std::optional<std::string> parse_check_args(std::span<const std::string_view> args,
                                            CheckArgs& parsed) {
    bool options_done = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string_view arg = args[i];
        if (options_done || arg.empty() || arg.front() != '-' || arg == "-") {
            parsed.inputs.emplace_back(arg);
            continue;
        }
        if (arg == "--") {
            options_done = true;
            continue;
        }
        auto take_value = [&](std::optional<std::string>& slot) -> std::optional<std::string> {
            if (i + 1 >= args.size()) {
                return std::string(arg) + " needs a value";
            }
            slot = std::string(args[++i]);
            return std::nullopt;
        };
        std::optional<std::string> problem;
        if (arg == "-c" || arg == "--config") {
            problem = take_value(parsed.config_file);
        } else if (arg == "--company") {
            problem = take_value(parsed.company);
        } else if (arg == "--product") {
            problem = take_value(parsed.product);
        } else if (arg == "--version") {
            problem = take_value(parsed.version);
        } else if (arg == "--version-format") {
            problem = take_value(parsed.version_format);
        } else if (arg == "--strict") {
            parsed.strict = true;
        } else if (arg == "--json") {
            parsed.json = true;
        } else if (arg == "--help" || arg == "-h") {
            parsed.help = true;
        } else {
            problem = "unknown option '" + std::string(arg) + "'";
        }
        if (problem) {
            return problem;
        }
    }
    return std::nullopt;
}

// The identity and rules: the configuration file's (when given), then the flags on top.
std::optional<std::string> build_options(const CheckArgs& args, compliance::Options& options) {
    if (args.config_file) {
        try {
            const config::Config loaded = config::load_config_file(*args.config_file);
            options.identity = loaded.identity;
            options.rules = loaded.rules;
        } catch (const config::ConfigError& error) {
            return std::string(error.what());
        }
    }
    if (args.company) {
        options.identity.company = *args.company;
    }
    if (args.product) {
        options.identity.product = *args.product;
    }
    if (args.version) {
        options.identity.version = *args.version;
    }
    if (args.strict) {
        options.rules.strict = true;
    }
    if (args.version_format) {
        const auto format = compliance::parse_version_format(*args.version_format);
        if (!format) {
            return "--version-format must be semver, dotted or token, not '" +
                   *args.version_format + "'";
        }
        options.rules.version_format = *format;
    }
    return std::nullopt;
}

std::vector<std::string> read_stdin_values(std::istream& in) {
    std::vector<std::string> values;
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') {
            line.pop_back();
        }
        if (line.find_first_not_of(" \t") == std::string::npos) {
            continue;
        }
        values.push_back(line);
    }
    return values;
}

boost::json::object finding_to_json(const compliance::Finding& finding) {
    boost::json::object object{{"code", finding.code},
                               {"severity", compliance::to_string(finding.severity)},
                               {"message", finding.message}};
    if (finding.suggestion) {
        object["suggestion"] = *finding.suggestion;
    }
    return object;
}

void print_json(const std::vector<std::string>& inputs,
                const std::vector<compliance::Verdict>& verdicts, std::ostream& out) {
    boost::json::array array;
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        boost::json::array findings;
        for (const auto& finding : verdicts[i].findings) {
            findings.push_back(finding_to_json(finding));
        }
        array.push_back(
            boost::json::object{{"input", inputs[i]},
                                {"verdict", verdicts[i].compliant ? "compliant" : "noncompliant"},
                                {"findings", std::move(findings)}});
    }
    out << boost::json::serialize(array) << '\n';
}

void print_human(const std::vector<std::string>& inputs,
                 const std::vector<compliance::Verdict>& verdicts, std::ostream& out) {
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        const auto& verdict = verdicts[i];
        out << (verdict.compliant ? "compliant     " : "NONCOMPLIANT  ") << '"' << inputs[i]
            << "\"\n";
        for (const auto& finding : verdict.findings) {
            out << "  " << finding.code << ' ' << compliance::to_string(finding.severity)
                << (finding.severity == compliance::Severity::error ? "    " : "  ")
                << finding.message << '\n';
            if (finding.suggestion) {
                out << "        suggested: " << *finding.suggestion << '\n';
            }
        }
    }
}

}  // namespace

int check_command(std::span<const std::string_view> args, std::istream& in, std::ostream& out,
                  std::ostream& err) {
    CheckArgs parsed;
    if (auto problem = parse_check_args(args, parsed)) {
        err << "uaudit check: " << *problem << "\n\n" << check_help_text();
        return exit_usage;
    }
    if (parsed.help) {
        out << check_help_text();
        return exit_ok;
    }
    compliance::Options options;
    if (auto problem = build_options(parsed, options)) {
        err << "uaudit check: " << *problem << '\n';
        return exit_usage;
    }
    std::vector<std::string> inputs =
        parsed.inputs.empty() ? read_stdin_values(in) : std::move(parsed.inputs);
    if (inputs.empty()) {
        err << "uaudit check: no User-Agent given (pass them as arguments or one per line on "
               "stdin)\n";
        return exit_usage;
    }
    std::vector<compliance::Verdict> verdicts;
    verdicts.reserve(inputs.size());
    bool all_compliant = true;
    for (const auto& input : inputs) {
        verdicts.push_back(compliance::evaluate_one(input, options));
        all_compliant = all_compliant && verdicts.back().compliant;
    }
    if (parsed.json) {
        print_json(inputs, verdicts, out);
    } else {
        print_human(inputs, verdicts, out);
    }
    return all_compliant ? exit_ok : exit_findings;
}

}  // namespace uaudit::cli
