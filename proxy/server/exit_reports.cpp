#include "server/exit_reports.hpp"

#include "config/load.hpp"
#include "report/render.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <functional>

namespace uaudit::server {
namespace {

namespace fs = std::filesystem;

using Renderer = std::function<void(std::ostream&)>;

std::string lower(std::string text) {
    for (auto& c : text) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return text;
}

// Writes through a temporary name and renames, so a reader never sees half a report.
// Returns the reason on failure, "" on success.
std::string write_file(const fs::path& path, const Renderer& render) {
    std::error_code ec;
    if (path.has_parent_path()) {
        fs::create_directories(path.parent_path(), ec);
    }
    fs::path partial = path;
    partial += ".partial";
    std::string problem;
    {
        std::ofstream out(partial, std::ios::binary | std::ios::trunc);
        if (!out) {
            return std::strerror(errno);
        }
        try {
            render(out);
        } catch (const std::exception& e) {
            problem = std::string("rendering failed: ") + e.what();
        }
        out.flush();
        if (problem.empty() && !out) {
            problem = std::strerror(errno);
        }
    }
    if (problem.empty()) {
        fs::rename(partial, path, ec);
        if (ec) {
            problem = ec.message();
        }
    }
    if (!problem.empty()) {
        fs::remove(partial, ec);
    }
    return problem;
}

}  // namespace

std::vector<fs::path> write_exit_reports(const config::Config& config,
                                         const report::Summary& summary, const RunEvents& run,
                                         std::ostream& err) {
    std::vector<fs::path> written;
    for (const auto& name : config.report.on_exit) {
        std::error_code ec;
        auto path = fs::absolute(config::resolve_path(config, name), ec);
        if (ec) {
            path = config::resolve_path(config, name);
        }
        const std::string extension = lower(path.extension().string());
        bool complete = true;
        Renderer render;
        if (extension == ".json") {
            render = [&](std::ostream& out) { report::render_json(summary, out); };
        } else if (extension == ".md") {
            render = [&](std::ostream& out) { report::render_markdown(summary, out); };
        } else if (extension == ".html") {
            render = [&](std::ostream& out) { report::render_html(summary, out); };
        } else if (extension == ".xml") {
            render = [&](std::ostream& out) { report::render_junit(summary, out); };
        } else if (extension == ".csv") {
            render = [&](std::ostream& out) { complete = write_run_csv(run, out); };
        } else {
            // The configuration loader refuses these; a Config built in code may still hold one.
            err << "uaudit: report " << path.string()
                << " not written: the extension names the format; use .json, .md, .html, .xml "
                   "or .csv\n";
            continue;
        }
        if (const auto problem = write_file(path, render); !problem.empty()) {
            err << "uaudit: cannot write report " << path.string() << ": " << problem << "\n";
            continue;
        }
        if (!complete) {
            err << "uaudit: report " << path.string()
                << ": the event log holds no run_start of this run (was it writable?), so the "
                   "CSV has its header only\n";
        }
        written.push_back(path);
    }
    err << std::flush;
    return written;
}

}  // namespace uaudit::server
