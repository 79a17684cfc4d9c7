#include "cli/ca_command.hpp"

#include "cli/commands.hpp"
#include "config/load.hpp"
#include "tls/certificate_authority.hpp"

#include <chrono>
#include <filesystem>
#include <optional>
#include <ostream>
#include <string>

namespace uaudit::cli {
namespace {

namespace fs = std::filesystem;

// SPEC §3: 2 for everything that goes wrong (usage, no CA, unreadable, refused).
constexpr int exit_error = exit_usage;

constexpr std::string_view help_text =
    R"(Usage: uaudit ca init [--force] [-c FILE | --data-dir DIR]
       uaudit ca show   [-c FILE | --data-dir DIR]
       uaudit ca export [-c FILE | --data-dir DIR]

The interception CA signs the certificates uaudit presents on intercepted HTTPS tunnels;
clients must trust it. Its files are tls.ca_cert and tls.ca_key (default ca.crt, ca.key)
under data_dir (default ./uaudit-data); `uaudit run` creates them when missing.

init     creates the CA (EC P-256, valid two years); refuses to replace an existing one
         unless --force is given (clients that trusted the old one must trust the new one)
show     prints subject, SHA-256 fingerprint, validity, the files, and how to trust the CA
         (system stores, curl, Python, Node, Java, .NET/Windows, PowerShell, Go)
export   prints only the PEM certificate, e.g. uaudit ca export > uaudit-ca.crt

Options:
  -c FILE          configuration file giving data_dir and tls.ca_cert / tls.ca_key
  --data-dir DIR   data directory (overrides the file's data_dir)
  --force          init only: replace an existing CA

Exit codes: 0 done, 2 no CA, unreadable or invalid files, refused, or usage error.
)";

struct Arguments {
    std::string action;
    std::optional<std::string> config_file;
    std::optional<std::string> data_dir;
    bool force = false;
    bool help = false;
};

// Parses the arguments; on a usage error returns nullopt after writing the message.
std::optional<Arguments> parse_arguments(std::span<const std::string_view> args,
                                         std::ostream& err) {
    Arguments parsed;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string_view arg = args[i];
        const bool has_value = i + 1 < args.size();
        if (arg == "--help" || arg == "-h") {
            parsed.help = true;
        } else if (arg == "--force") {
            parsed.force = true;
        } else if ((arg == "-c" || arg == "--config") && has_value) {
            parsed.config_file = std::string(args[++i]);
        } else if (arg == "--data-dir" && has_value) {
            parsed.data_dir = std::string(args[++i]);
        } else if (arg == "-c" || arg == "--config" || arg == "--data-dir") {
            err << "uaudit ca: " << arg << " needs a value\n";
            return std::nullopt;
        } else if (!arg.starts_with("-") && parsed.action.empty()) {
            parsed.action = std::string(arg);
        } else {
            err << "uaudit ca: unexpected argument '" << arg << "'. Run 'uaudit ca --help'.\n";
            return std::nullopt;
        }
    }
    if (parsed.help) {
        return parsed;
    }
    if (parsed.action != "init" && parsed.action != "show" && parsed.action != "export") {
        err << (parsed.action.empty() ? std::string("uaudit ca: expected init, show or export")
                                      : "uaudit ca: unknown action '" + parsed.action +
                                            "' (expected init, show or export)")
            << ". Run 'uaudit ca --help'.\n";
        return std::nullopt;
    }
    if (parsed.force && parsed.action != "init") {
        err << "uaudit ca: --force applies to 'ca init' only\n";
        return std::nullopt;
    }
    return parsed;
}

// The configuration the CA paths come from; nullopt after reporting a bad file.
std::optional<config::Config> load_config(const Arguments& args, std::ostream& err) {
    config::Config loaded = config::default_config();
    if (args.config_file) {
        try {
            loaded = config::load_config_file(*args.config_file);
        } catch (const config::ConfigError& error) {
            for (const auto& diagnostic : error.diagnostics()) {
                err << diagnostic.to_string() << '\n';
            }
            err << "uaudit ca: " << *args.config_file << " is not a valid configuration\n";
            return std::nullopt;
        }
    }
    if (args.data_dir) {
        loaded.data_dir = *args.data_dir;
    }
    return loaded;
}

std::string absolute_text(const fs::path& path) {
    std::error_code ec;
    const fs::path result = fs::absolute(path, ec);
    return (ec ? path : result.lexically_normal()).string();
}

// Single-quotes a path for a POSIX shell when it needs it.
std::string sh(const std::string& path) {
    if (path.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                               "/._-+:@%") == std::string::npos) {
        return path;
    }
    std::string quoted = "'";
    for (const char c : path) {
        quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    }
    return quoted + "'";
}

void print_show(const tls::CaCertificate& ca, const config::Config& cfg, std::ostream& out) {
    using namespace std::chrono;
    const std::string cert = sh(absolute_text(ca.paths().cert));
    const std::string proxy = "http://" + cfg.listen.to_string();
    const auto now = system_clock::now();
    const auto days_left = (duration_cast<hours>(ca.not_after() - now).count() + 12) / 24;
    std::string state;
    if (ca.not_after() <= now) {
        state = "EXPIRED: make a new one with 'uaudit ca init --force'";
    } else if (ca.not_before() > now) {
        state = "NOT YET VALID: check this machine's clock";
    } else {
        state =
            "valid, expires in " + std::to_string(days_left) + " day" + (days_left == 1 ? "" : "s");
    }
    out << "Subject:             " << ca.subject() << '\n'
        << "SHA-256 fingerprint: " << ca.fingerprint_sha256() << '\n'
        << "Valid from:          " << tls::format_utc(ca.not_before()) << '\n'
        << "Valid until:         " << tls::format_utc(ca.not_after()) << " (" << state << ")\n"
        << "Certificate:         " << absolute_text(ca.paths().cert) << '\n'
        << "Private key:         " << absolute_text(ca.paths().key) << " (keep it secret)\n"
        << R"(
Trust this CA in the clients whose HTTPS calls uaudit intercepts. Check that the fingerprint
a store reports matches the one above. Options that replace the default trust list (curl,
Python, Go) need the public CAs too when the client also reaches hosts uaudit does not
intercept: give them a bundle of both, made with
    cat /etc/ssl/certs/ca-certificates.crt )"
        << cert << R"( > uaudit-bundle.pem

Debian / Ubuntu system store (OpenSSL, curl, wget, apt, most tools):
    sudo cp )"
        << cert << R"( /usr/local/share/ca-certificates/uaudit.crt && sudo update-ca-certificates

RHEL / Fedora / Rocky system store:
    sudo cp )"
        << cert << R"( /etc/pki/ca-trust/source/anchors/uaudit.crt && sudo update-ca-trust

curl:
    curl --proxy )"
        << proxy << " --cacert " << cert << R"( https://api.securitycenter.microsoft.com/...

Python requests:
    export HTTPS_PROXY=)"
        << proxy << R"( REQUESTS_CA_BUNDLE=)" << cert << R"(
    (or the bundle above; requests.get(url, verify=")"
        << cert << R"(") does the same per call)

Node.js (adds to Node's built-in CAs):
    export NODE_EXTRA_CA_CERTS=)"
        << cert << R"(

Java (JDK 9 or later; the default store password is changeit):
    sudo keytool -importcert -noprompt -cacerts -alias uaudit -file )"
        << cert << R"( -storepass changeit

.NET / Windows (copy the file over first, e.g. uaudit ca export > uaudit-ca.crt;
run as Administrator):
    certutil -addstore -f Root uaudit-ca.crt

PowerShell (as Administrator):
    Import-Certificate -FilePath .\uaudit-ca.crt -CertStoreLocation Cert:\LocalMachine\Root

Go (crypto/x509 on Linux; SSL_CERT_FILE replaces the system roots, so use the bundle above
when the program also reaches hosts uaudit does not intercept):
    export HTTPS_PROXY=)"
        << proxy << " SSL_CERT_FILE=" << cert << '\n';
}

}  // namespace

int ca_command(std::span<const std::string_view> args, std::ostream& out, std::ostream& err) {
    const auto parsed = parse_arguments(args, err);
    if (!parsed) {
        return exit_error;
    }
    if (parsed->help) {
        out << help_text;
        return exit_ok;
    }
    const auto cfg = load_config(*parsed, err);
    if (!cfg) {
        return exit_error;
    }
    const tls::CaPaths paths = tls::ca_paths(*cfg);
    if (parsed->action == "init") {
        const tls::CaResult created = tls::CertificateAuthority::create(paths, {}, parsed->force);
        if (!created) {
            err << "uaudit ca init: " << created.error << '\n';
            return exit_error;
        }
        out << "Created the interception CA: " << absolute_text(paths.cert) << " (key "
            << absolute_text(paths.key) << ", mode 0600)\n\n";
        print_show(*created.ca, *cfg, out);
        return exit_ok;
    }
    // show and export need the certificate only: whoever may not read the key can still
    // export the certificate to trust it.
    std::string error;
    const auto cert = tls::CaCertificate::load(paths, error);
    if (!cert) {
        err << "uaudit ca " << parsed->action << ": " << error << '\n';
        return exit_error;
    }
    if (parsed->action == "export") {
        out << cert->pem();
        return exit_ok;
    }
    print_show(*cert, *cfg, out);
    // The same checks as `run`, so that show reports a CA run would refuse.
    const tls::CaResult loaded = tls::CertificateAuthority::load(paths);
    if (!loaded) {
        err << "uaudit ca show: " << loaded.error << '\n';
        return exit_error;
    }
    return exit_ok;
}

}  // namespace uaudit::cli
