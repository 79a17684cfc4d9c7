#include "cli/run_command.hpp"

#include "config/load.hpp"
#include "server/proxy_server.hpp"

#include <iostream>
#include <optional>
#include <string>
#include <vector>

namespace uaudit::cli {
namespace {

constexpr int exit_ok = 0;
constexpr int exit_bad = 2;

constexpr std::string_view run_usage =
    "usage: uaudit run [-c FILE] [--listen HOST:PORT] [--admin HOST:PORT|\"\"] "
    "[--mode audit|rewrite|enforce] [--data-dir DIR]\n"
    "Runs the proxy until SIGINT/SIGTERM. Without -c, the embedded default configuration.\n";

struct RunArgs {
    std::optional<std::string> config_file;
    std::optional<std::string> listen;
    std::optional<std::string> admin;
    std::optional<std::string> mode;
    std::optional<std::string> data_dir;
    bool help = false;
};

// Returns an error message, or nullopt.
std::optional<std::string> parse_args(std::span<const std::string_view> args, RunArgs& out) {
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string_view arg = args[i];
        if (arg == "--help" || arg == "-h") {
            out.help = true;
            continue;
        }
        std::string_view name = arg;
        std::optional<std::string> value;
        if (const auto eq = arg.find('=');
            arg.rfind("--", 0) == 0 && eq != std::string_view::npos) {
            name = arg.substr(0, eq);
            value = std::string(arg.substr(eq + 1));
        }
        std::optional<std::string>* slot = nullptr;
        if (name == "-c" || name == "--config") {
            slot = &out.config_file;
        } else if (name == "--listen") {
            slot = &out.listen;
        } else if (name == "--admin") {
            slot = &out.admin;
        } else if (name == "--mode") {
            slot = &out.mode;
        } else if (name == "--data-dir") {
            slot = &out.data_dir;
        } else {
            return "unknown option '" + std::string(arg) + "'";
        }
        if (!value) {
            if (i + 1 >= args.size()) {
                return "option " + std::string(name) + " needs a value";
            }
            value = std::string(args[++i]);
        }
        *slot = std::move(value);
    }
    return std::nullopt;
}

std::optional<std::string> apply_overrides(const RunArgs& args, config::Config& config) {
    if (args.listen) {
        auto where = config::parse_host_port(*args.listen);
        if (!where) {
            return "--listen: expected HOST:PORT, got '" + *args.listen + "'";
        }
        config.listen = *where;
    }
    if (args.admin) {
        if (args.admin->empty()) {
            config.admin.reset();
        } else {
            auto where = config::parse_host_port(*args.admin);
            if (!where) {
                return "--admin: expected HOST:PORT or \"\", got '" + *args.admin + "'";
            }
            config.admin = *where;
        }
    }
    if (args.mode) {
        if (*args.mode == "audit") {
            config.mode = config::Mode::audit;
        } else if (*args.mode == "rewrite") {
            config.mode = config::Mode::rewrite;
        } else if (*args.mode == "enforce") {
            config.mode = config::Mode::enforce;
        } else {
            return "--mode: expected audit, rewrite or enforce, got '" + *args.mode + "'";
        }
    }
    if (args.data_dir) {
        config.data_dir = *args.data_dir;
    }
    if (config.mode == config::Mode::rewrite && config.rewrite.user_agent.empty()) {
        return "mode rewrite needs rewrite.user_agent in the configuration (e.g. "
               "MdePartner-Contoso-ContosoCognito/1.0.0)";
    }
    return std::nullopt;
}

}  // namespace

int run_command(std::span<const std::string_view> args, std::ostream& out, std::ostream& err) {
    RunArgs parsed;
    if (auto problem = parse_args(args, parsed)) {
        err << "uaudit run: " << *problem << "\n" << run_usage;
        return exit_bad;
    }
    if (parsed.help) {
        out << run_usage;
        return exit_ok;
    }
    try {
        config::Config config = parsed.config_file ? config::load_config_file(*parsed.config_file)
                                                   : config::default_config();
        if (auto problem = apply_overrides(parsed, config)) {
            err << "uaudit run: " << *problem << "\n";
            return exit_bad;
        }
        server::ServerOptions options;
        options.out = &out;
        server::ProxyServer proxy(std::move(config), options);
        proxy.start();
        return proxy.wait();
    } catch (const config::ConfigError& e) {
        err << "uaudit run: invalid configuration:\n";
        for (const auto& diagnostic : e.diagnostics()) {
            err << "  " << diagnostic.to_string() << "\n";
        }
        err << "Fix the file, or check it with 'uaudit config check FILE'.\n";
    } catch (const server::StartError& e) {
        err << "uaudit run: " << e.what() << "\n";
    } catch (const std::exception& e) {
        err << "uaudit run: cannot start: " << e.what() << "\n";
    }
    return exit_bad;
}

}  // namespace uaudit::cli
