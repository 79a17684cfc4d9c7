#pragma once
// Helpers for the tls tests: a scratch directory, a test CA, chain verification with
// OpenSSL's own verifier, and files for the real `openssl` binary.

#include "tls/certificate_authority.hpp"
#include "tls/leaf_minter.hpp"

#include <openssl/x509_vfy.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>

namespace uaudit::tls::test {

/// A fresh directory under the system temp dir, removed with everything in it.
class TempDir {
public:
    TempDir() {
        static std::atomic<int> counter{0};
        path_ = std::filesystem::temp_directory_path() /
                ("uaudit-tls-test-" + std::to_string(::getpid()) + "-" +
                 std::to_string(counter.fetch_add(1)));
        std::filesystem::remove_all(path_);
        std::filesystem::create_directories(path_);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);  // best effort
    }
    const std::filesystem::path& path() const { return path_; }
    CaPaths ca_paths() const { return CaPaths{path_ / "ca.crt", path_ / "ca.key"}; }

private:
    std::filesystem::path path_;
};

inline std::shared_ptr<const CertificateAuthority> make_test_ca(const TempDir& dir,
                                                                CaOptions options = {}) {
    if (options.host_name.empty()) {
        options.host_name = "testhost";
    }
    return CertificateAuthority::create(dir.ca_paths(), options, false).ca;
}

inline unsigned file_mode(const std::filesystem::path& path) {
    struct stat info {};
    ::stat(path.c_str(), &info);
    return info.st_mode & 07777;
}

inline void write_text(const std::filesystem::path& path, const std::string& text) {
    std::ofstream(path) << text;
}

/// X509_verify_cert of `leaf` against `ca` as its only trust anchor, for TLS server use;
/// returns the X509_V_* result (X509_V_OK = 0).
inline int verify_chain(X509* leaf, X509* ca) {
    const detail::X509StorePtr store(X509_STORE_new());
    X509_STORE_add_cert(store.get(), ca);
    const detail::X509StoreCtxPtr ctx(X509_STORE_CTX_new());
    X509_STORE_CTX_init(ctx.get(), store.get(), leaf, nullptr);
    X509_STORE_CTX_set_purpose(ctx.get(), X509_PURPOSE_SSL_SERVER);
    if (X509_verify_cert(ctx.get()) == 1) {
        return X509_V_OK;
    }
    return X509_STORE_CTX_get_error(ctx.get());
}

/// Whether extension `nid` of `cert` is present and marked critical.
inline bool is_critical(X509* cert, int nid) {
    const int index = X509_get_ext_by_NID(cert, nid, -1);
    return index >= 0 && X509_EXTENSION_get_critical(X509_get_ext(cert, index)) == 1;
}

}  // namespace uaudit::tls::test
