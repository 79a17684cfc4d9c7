#include "config/load.hpp"

#include <unistd.h>

#include <system_error>

namespace uaudit::config {
namespace {

namespace fs = std::filesystem;

// A file the configuration reads: it must exist, be a regular file and be readable.
void require_readable(const Config& config, std::string_view source, const std::string& key_path,
                      const std::string& file, std::vector<Diagnostic>& out) {
    if (file.empty()) {
        return;
    }
    const fs::path path = resolve_path(config, file);
    std::error_code ec;
    const auto status = fs::status(path, ec);
    std::string problem;
    if (!fs::exists(status)) {
        problem = "file not found: " + path.string();
    } else if (!fs::is_regular_file(status)) {
        problem = "not a regular file: " + path.string();
    } else if (::access(path.c_str(), R_OK) != 0) {
        problem = "file not readable: " + path.string();
    }
    if (!problem.empty()) {
        out.push_back(Diagnostic{std::string(source), 0, 0, key_path, std::move(problem)});
    }
}

// A file `run` creates: it may be missing, but its nearest existing ancestor must be a
// writable directory, and the file itself must not be a directory.
void require_creatable(const Config& config, std::string_view source, const std::string& key_path,
                       const std::string& file, std::vector<Diagnostic>& out) {
    const fs::path path = resolve_path(config, file);
    std::error_code ec;
    std::string problem;
    if (fs::is_directory(path, ec)) {
        problem = "is a directory, expected a file: " + path.string();
    } else {
        fs::path ancestor = fs::absolute(path, ec).parent_path();
        while (!ancestor.empty() && !fs::exists(ancestor, ec) &&
               ancestor != ancestor.parent_path()) {
            ancestor = ancestor.parent_path();
        }
        if (!fs::is_directory(ancestor, ec)) {
            problem =
                "cannot create " + path.string() + ": " + ancestor.string() + " is not a directory";
        } else if (::access(ancestor.c_str(), W_OK | X_OK) != 0) {
            problem = "cannot create " + path.string() + ": directory " + ancestor.string() +
                      " is not writable";
        }
    }
    if (!problem.empty()) {
        out.push_back(Diagnostic{std::string(source), 0, 0, key_path, std::move(problem)});
    }
}

}  // namespace

fs::path resolve_path(const Config& config, const std::string& path) {
    const fs::path given(path);
    if (given.is_absolute()) {
        return given;
    }
    return fs::path(config.data_dir) / given;
}

std::vector<Diagnostic> check_files(const Config& config, std::string_view source_name) {
    std::vector<Diagnostic> problems;
    require_readable(config, source_name, "tls.upstream_ca_file", config.tls.upstream_ca_file,
                     problems);
    for (std::size_t i = 0; i < config.routes.size(); ++i) {
        if (const auto& tls = config.routes[i].tls) {
            const std::string prefix = "routes[" + std::to_string(i) + "].tls.";
            require_readable(config, source_name, prefix + "cert", tls->cert, problems);
            require_readable(config, source_name, prefix + "key", tls->key, problems);
        }
    }
    require_creatable(config, source_name, "tls.ca_cert", config.tls.ca_cert, problems);
    require_creatable(config, source_name, "tls.ca_key", config.tls.ca_key, problems);
    require_creatable(config, source_name, "events.path", config.events.path, problems);
    for (std::size_t i = 0; i < config.report.on_exit.size(); ++i) {
        require_creatable(config, source_name, "report.on_exit[" + std::to_string(i) + "]",
                          config.report.on_exit[i], problems);
    }
    return problems;
}

}  // namespace uaudit::config
