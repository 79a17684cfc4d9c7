#pragma once
// Reading and writing the CA's PEM files with the permissions SPEC §4 asks for.

#include "tls/detail/openssl_ptr.hpp"

#include <sys/types.h>

#include <filesystem>
#include <functional>
#include <string>

namespace uaudit::tls::detail {

/// Reads a PEM certificate. On failure returns null and sets `error`.
X509Ptr read_certificate_file(const std::filesystem::path& path, std::string& error);

/// Reads a PEM private key, refusing one whose mode gives group or others any access (checked
/// on the opened descriptor, so the file checked is the file read).
EvpPkeyPtr read_private_key_file(const std::filesystem::path& path, std::string& error);

/// A PEM file written under a temporary name next to its destination, created with `mode`
/// from the start (open O_CREAT|O_EXCL with `mode`, then fchmod against the umask) and
/// fsynced; removed on destruction unless committed. Writing both CA files before moving
/// either into place keeps a failed write from leaving a new key beside an old certificate.
class PendingFile {
public:
    PendingFile() = default;
    PendingFile(const PendingFile&) = delete;
    PendingFile& operator=(const PendingFile&) = delete;
    ~PendingFile();

    /// Writes the temporary file through `write`; creates missing directories.
    bool write(const std::filesystem::path& path, mode_t mode,
               const std::function<bool(BIO*)>& write, std::string& error);

    /// Moves the file to its destination: with `replace` by rename(2), otherwise by link(2),
    /// which fails rather than overwrite a file that appeared meanwhile.
    bool commit(bool replace, std::string& error);

private:
    std::filesystem::path path_;
    std::string temp_;
};

}  // namespace uaudit::tls::detail
