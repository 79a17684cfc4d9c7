#include "config/load.hpp"

#include "config/detail/embedded.hpp"
#include "config/detail/reader.hpp"
#include "config/detail/schema.hpp"

#include <fstream>
#include <sstream>

namespace uaudit::config {
namespace {

std::string join_lines(const std::vector<Diagnostic>& diagnostics) {
    std::string text;
    for (const Diagnostic& diagnostic : diagnostics) {
        text += text.empty() ? "" : "\n";
        text += diagnostic.to_string();
    }
    return text;
}

}  // namespace

std::string Diagnostic::to_string() const {
    std::string text = file;
    if (line > 0) {
        text += ":" + std::to_string(line) + ":" + std::to_string(column);
    }
    text += ": ";
    if (!key_path.empty()) {
        text += key_path + ": ";
    }
    return text + message;
}

ConfigError::ConfigError(std::vector<Diagnostic> diagnostics)
    : std::runtime_error(join_lines(diagnostics))
    , diagnostics_(std::move(diagnostics)) {}

Config load_config_string(std::string_view yaml, std::string_view source_name) {
    detail::Reader reader{std::string(source_name)};
    std::vector<YAML::Node> documents;
    try {
        documents = YAML::LoadAll(std::string(yaml));
    } catch (const YAML::Exception& e) {
        const detail::Location where = e.mark.is_null()
                                           ? detail::Location{}
                                           : detail::Location{e.mark.line + 1, e.mark.column + 1};
        reader.error(where, "", "YAML syntax error: " + e.msg);
        throw ConfigError(reader.take_diagnostics());
    }
    if (documents.size() > 1) {
        reader.error(documents[1], "", "more than one YAML document; a configuration is one");
    }
    Config config;
    if (!documents.empty()) {
        const YAML::Node& root = documents.front();
        if (!root.IsNull() && !root.IsMap()) {
            reader.error(root, "", "expected a map of settings (key: value) at the top level");
        } else {
            detail::read_config(reader, root, config);
            detail::validate_config(reader, config);
        }
    }
    if (reader.has_errors()) {
        throw ConfigError(reader.take_diagnostics());
    }
    return config;
}

Config load_config_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    if (in) {
        text << in.rdbuf();
    }
    if (!in || in.bad()) {
        throw ConfigError({Diagnostic{path.string(), 0, 0, "",
                                      "cannot read the configuration file (check the path and "
                                      "its permissions)"}});
    }
    return load_config_string(text.str(), path.string());
}

std::string_view default_config_yaml() {
    return detail::embedded_default_yaml();
}

const Config& default_config() {
    static const Config config = load_config_string(default_config_yaml(), "<embedded>");
    return config;
}

}  // namespace uaudit::config
