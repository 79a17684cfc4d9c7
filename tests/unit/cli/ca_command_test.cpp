#include "cli/ca_command.hpp"

#include "support/run_process.hpp"

#include <catch2/catch.hpp>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using uaudit::cli::ca_command;
using uaudit::test::run_process;
using uaudit::test::shell_quote;
namespace fs = std::filesystem;

namespace {

struct Outcome {
    int code;
    std::string out;
    std::string err;
};

Outcome run_ca(std::vector<std::string_view> args) {
    std::ostringstream out;
    std::ostringstream err;
    const int code = ca_command(args, out, err);
    return {code, out.str(), err.str()};
}

// A scratch data directory, removed at the end.
struct DataDir {
    DataDir() {
        static std::atomic<int> counter{0};
        path = fs::temp_directory_path() / ("uaudit-ca-cli-" + std::to_string(::getpid()) + "-" +
                                            std::to_string(counter.fetch_add(1)));
        fs::remove_all(path);
    }
    ~DataDir() {
        std::error_code ec;
        fs::remove_all(path, ec);  // best effort
    }
    std::string str() const { return path.string(); }
    fs::path path;
};

std::string line_after(const std::string& text, const std::string& label) {
    const auto start = text.find(label);
    if (start == std::string::npos) {
        return {};
    }
    const auto from = start + label.size();
    return text.substr(from, text.find('\n', from) - from);
}

}  // namespace

TEST_CASE("ca init creates the CA with a 0600 key and prints how to trust it", "[cli][ca]") {
    DataDir dir;
    const auto init = run_ca({"init", "--data-dir", dir.str()});
    INFO(init.err);
    REQUIRE(init.code == 0);
    CHECK(init.err.empty());
    CHECK(init.out.rfind("Created the interception CA: " + (dir.path / "ca.crt").string() +
                             " (key " + (dir.path / "ca.key").string() + ", mode 0600)\n",
                         0) == 0);
    struct stat info {};
    REQUIRE(::stat((dir.path / "ca.key").c_str(), &info) == 0);
    CHECK((info.st_mode & 0777) == 0600);
    REQUIRE(::stat((dir.path / "ca.crt").c_str(), &info) == 0);
    CHECK((info.st_mode & 0777) == 0644);
}

TEST_CASE("ca init refuses to replace a CA without --force", "[cli][ca]") {
    DataDir dir;
    REQUIRE(run_ca({"init", "--data-dir", dir.str()}).code == 0);
    const auto first = run_ca({"show", "--data-dir", dir.str()});
    const auto again = run_ca({"init", "--data-dir", dir.str()});
    CHECK(again.code == 2);
    CHECK(again.out.empty());
    CHECK(again.err == "uaudit ca init: " + (dir.path / "ca.crt").string() +
                           " already exists; refusing to replace the CA (clients trust it). Use "
                           "--force to make a new one.\n");
    CHECK(run_ca({"show", "--data-dir", dir.str()}).out == first.out);

    const auto forced = run_ca({"init", "--force", "--data-dir", dir.str()});
    CHECK(forced.code == 0);
    const auto after = run_ca({"show", "--data-dir", dir.str()});
    CHECK(line_after(after.out, "SHA-256 fingerprint: ") !=
          line_after(first.out, "SHA-256 fingerprint: "));
}

TEST_CASE("ca show prints subject, fingerprint, validity, files and trust steps", "[cli][ca]") {
    DataDir dir;
    REQUIRE(run_ca({"init", "--data-dir", dir.str()}).code == 0);
    const auto show = run_ca({"show", "--data-dir", dir.str()});
    INFO(show.out << show.err);
    REQUIRE(show.code == 0);
    const std::string cert = (dir.path / "ca.crt").string();
    CHECK(line_after(show.out, "Subject:             ").rfind("CN=uaudit interception CA (", 0) ==
          0);
    CHECK(line_after(show.out, "SHA-256 fingerprint: ").size() == 95);
    CHECK(line_after(show.out, "Valid until:         ").find(" (valid, expires in 730 days)") ==
          20);
    CHECK(line_after(show.out, "Certificate:         ") == cert);
    CHECK(line_after(show.out, "Private key:         ") ==
          (dir.path / "ca.key").string() + " (keep it secret)");
    for (const std::string& expected : std::vector<std::string>{
             "sudo cp " + cert +
                 " /usr/local/share/ca-certificates/uaudit.crt && sudo "
                 "update-ca-certificates\n",
             "sudo cp " + cert +
                 " /etc/pki/ca-trust/source/anchors/uaudit.crt && sudo "
                 "update-ca-trust\n",
             "curl --proxy http://127.0.0.1:8080 --cacert " + cert,
             "REQUESTS_CA_BUNDLE=" + cert + "\n",
             "export NODE_EXTRA_CA_CERTS=" + cert + "\n",
             "sudo keytool -importcert -noprompt -cacerts -alias uaudit -file " + cert +
                 " -storepass changeit\n",
             std::string("certutil -addstore -f Root uaudit-ca.crt\n"),
             std::string("Import-Certificate -FilePath .\\uaudit-ca.crt -CertStoreLocation "
                         "Cert:\\LocalMachine\\Root\n"),
             "SSL_CERT_FILE=" + cert + "\n",
         }) {
        CHECK_THAT(show.out, Catch::Contains(expected));
    }
}

TEST_CASE("ca export prints only the PEM, whose fingerprint show prints", "[cli][ca]") {
    DataDir dir;
    REQUIRE(run_ca({"init", "--data-dir", dir.str()}).code == 0);
    const auto exported = run_ca({"export", "--data-dir", dir.str()});
    REQUIRE(exported.code == 0);
    CHECK(exported.err.empty());
    CHECK(exported.out.rfind("-----BEGIN CERTIFICATE-----\n", 0) == 0);
    CHECK(exported.out.find("-----END CERTIFICATE-----\n") == exported.out.size() - 26);

    const fs::path pem = dir.path / "exported.pem";
    std::ofstream(pem) << exported.out;
    const auto openssl =
        run_process("openssl x509 -noout -fingerprint -sha256 -in " + shell_quote(pem.string()));
    REQUIRE(openssl.exit_code == 0);
    const auto show = run_ca({"show", "--data-dir", dir.str()});
    CHECK(openssl.out ==
          "sha256 Fingerprint=" + line_after(show.out, "SHA-256 fingerprint: ") + "\n");
}

TEST_CASE("ca export works without access to the key; show reports the key problem", "[cli][ca]") {
    DataDir dir;
    REQUIRE(run_ca({"init", "--data-dir", dir.str()}).code == 0);
    const fs::path key = dir.path / "ca.key";
    ::chmod(key.c_str(), 0644);
    CHECK(run_ca({"export", "--data-dir", dir.str()}).code == 0);
    const auto show = run_ca({"show", "--data-dir", dir.str()});
    CHECK(show.code == 2);
    CHECK_THAT(show.out, Catch::Contains("SHA-256 fingerprint: "));
    CHECK(show.err == "uaudit ca show: the CA key " + key.string() +
                          " has mode 0644, so group or others can access it; anyone reading it "
                          "can impersonate every HTTPS site to clients that trust the CA. Fix: "
                          "chmod 600 " +
                          key.string() + "\n");
}

TEST_CASE("ca show and export without a CA exit 2 and say how to make one", "[cli][ca]") {
    DataDir dir;
    for (const char* action : {"show", "export"}) {
        const auto result = run_ca({action, "--data-dir", dir.str()});
        CHECK(result.code == 2);
        CHECK(result.out.empty());
        CHECK(result.err == "uaudit ca " + std::string(action) +
                                ": cannot read the CA certificate " +
                                (dir.path / "ca.crt").string() +
                                ": No such file or directory (create the CA with 'uaudit ca "
                                "init')\n");
    }
}

TEST_CASE("ca -c FILE takes data_dir and the tls file names from the configuration", "[cli][ca]") {
    DataDir dir;
    fs::create_directories(dir.path);
    const fs::path config = dir.path / "uaudit.yaml";
    std::ofstream(config) << "listen: 127.0.0.1:3128\ndata_dir: " << (dir.path / "data").string()
                          << "\ntls:\n  ca_cert: my-ca.pem\n  ca_key: "
                          << (dir.path / "k.pem").string() << "\n";
    const auto init = run_ca({"init", "-c", config.string()});
    INFO(init.err);
    REQUIRE(init.code == 0);
    CHECK(fs::exists(dir.path / "data" / "my-ca.pem"));
    CHECK(fs::exists(dir.path / "k.pem"));
    const auto show = run_ca({"show", "-c", config.string()});
    CHECK_THAT(show.out, Catch::Contains("curl --proxy http://127.0.0.1:3128 --cacert "));

    // --data-dir overrides the file's data_dir (an absolute ca_key stays where it is).
    const auto moved = run_ca({"show", "-c", config.string(), "--data-dir", dir.str()});
    CHECK(moved.code == 2);
    CHECK_THAT(moved.err, Catch::Contains((dir.path / "my-ca.pem").string()));
}

TEST_CASE("ca: usage errors exit 2; --help exits 0", "[cli][ca]") {
    CHECK(run_ca({}).code == 2);
    CHECK(run_ca({}).err == "uaudit ca: expected init, show or export. Run 'uaudit ca --help'.\n");
    CHECK(run_ca({"rotate"}).err ==
          "uaudit ca: unknown action 'rotate' (expected init, show or export). Run 'uaudit ca "
          "--help'.\n");
    CHECK(run_ca({"show", "--force"}).err == "uaudit ca: --force applies to 'ca init' only\n");
    CHECK(run_ca({"show", "--data-dir"}).err == "uaudit ca: --data-dir needs a value\n");
    CHECK(run_ca({"show", "--bogus"}).code == 2);
    const auto bad_config = run_ca({"show", "-c", "/nonexistent/uaudit.yaml"});
    CHECK(bad_config.code == 2);
    CHECK_THAT(bad_config.err,
               Catch::Contains("uaudit ca: /nonexistent/uaudit.yaml is not a valid configuration"));
    const auto help = run_ca({"--help"});
    CHECK(help.code == 0);
    CHECK(help.out.rfind("Usage: uaudit ca init [--force]", 0) == 0);
}
