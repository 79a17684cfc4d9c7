#include "tls/detail/pem_files.hpp"

#include <fcntl.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <system_error>

namespace uaudit::tls::detail {
namespace {

namespace fs = std::filesystem;

std::string errno_text(int error) {
    return std::generic_category().message(error);
}

std::string octal_mode(mode_t mode) {
    char buffer[8];
    std::snprintf(buffer, sizeof buffer, "%04o", static_cast<unsigned>(mode & 07777));
    return buffer;
}

// An open descriptor that closes itself.
class Fd {
public:
    explicit Fd(int fd)
        : fd_(fd) {}
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd() {
        if (fd_ >= 0) {
            ::close(fd_);
        }
    }
    int get() const { return fd_; }
    // Closes now and reports close(2)'s error, which for written files can be a lost write.
    int close() {
        const int result = ::close(fd_);
        fd_ = -1;
        return result;
    }

private:
    int fd_;
};

// Opens a file for reading, or explains why not.
int open_for_reading(const fs::path& path, const char* what, std::string& error) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        const int saved = errno;
        error =
            std::string("cannot read the ") + what + " " + path.string() + ": " + errno_text(saved);
        if (saved == ENOENT) {
            error += " (create the CA with 'uaudit ca init')";
        }
    }
    return fd;
}

std::string temp_name(const fs::path& path) {
    unsigned char random[6];
    std::string suffix;
    if (RAND_bytes(random, sizeof random) == 1) {
        static constexpr char hex[] = "0123456789abcdef";
        for (unsigned char byte : random) {
            suffix += hex[byte >> 4];
            suffix += hex[byte & 0xf];
        }
    }
    return path.string() + ".tmp-" + std::to_string(::getpid()) + "-" + suffix;
}

}  // namespace

X509Ptr read_certificate_file(const fs::path& path, std::string& error) {
    Fd fd(open_for_reading(path, "CA certificate", error));
    if (fd.get() < 0) {
        return nullptr;
    }
    const BioPtr bio(BIO_new_fd(fd.get(), BIO_NOCLOSE));
    X509Ptr cert(bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr);
    if (!cert) {
        error = openssl_error("the CA certificate " + path.string() + " is not a PEM certificate");
    }
    return cert;
}

EvpPkeyPtr read_private_key_file(const fs::path& path, std::string& error) {
    Fd fd(open_for_reading(path, "CA key", error));
    if (fd.get() < 0) {
        return nullptr;
    }
    struct stat info {};
    if (::fstat(fd.get(), &info) != 0) {
        error = "cannot read the CA key " + path.string() + ": " + errno_text(errno);
        return nullptr;
    }
    if ((info.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
        error = "the CA key " + path.string() + " has mode " + octal_mode(info.st_mode) +
                ", so group or others can access it; anyone reading it can impersonate "
                "every HTTPS site to clients that trust the CA. Fix: chmod 600 " +
                path.string();
        return nullptr;
    }
    const BioPtr bio(BIO_new_fd(fd.get(), BIO_NOCLOSE));
    EvpPkeyPtr key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr);
    if (!key) {
        error =
            openssl_error("the CA key " + path.string() + " is not an unencrypted PEM private key");
    }
    return key;
}

PendingFile::~PendingFile() {
    if (!temp_.empty()) {
        ::unlink(temp_.c_str());  // best effort: a stale temporary file harms nothing
    }
}

bool PendingFile::write(const fs::path& path, mode_t mode, const std::function<bool(BIO*)>& write,
                        std::string& error) {
    std::error_code ec;
    if (path.has_parent_path()) {
        fs::create_directories(path.parent_path(), ec);
        if (ec) {
            error =
                "cannot create the directory " + path.parent_path().string() + ": " + ec.message();
            return false;
        }
    }
    path_ = path;
    const std::string temp = temp_name(path);
    Fd fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode));
    if (fd.get() < 0) {
        error = "cannot create " + temp + ": " + errno_text(errno);
        return false;
    }
    temp_ = temp;
    // The umask can only have narrowed `mode`; set it exactly (0644 for the certificate).
    if (::fchmod(fd.get(), mode) != 0) {
        error = "cannot set the mode of " + temp + ": " + errno_text(errno);
        return false;
    }
    const BioPtr bio(BIO_new_fd(fd.get(), BIO_NOCLOSE));
    if (!bio || !write(bio.get())) {
        error = openssl_error("cannot write " + temp);
        return false;
    }
    if (::fsync(fd.get()) != 0 || fd.close() != 0) {
        error = "cannot write " + temp + ": " + errno_text(errno);
        return false;
    }
    return true;
}

bool PendingFile::commit(bool replace, std::string& error) {
    const bool ok = replace ? ::rename(temp_.c_str(), path_.c_str()) == 0
                            : ::link(temp_.c_str(), path_.c_str()) == 0;
    if (!ok) {
        const int saved = errno;
        error = saved == EEXIST ? path_.string() + " already exists"
                                : "cannot create " + path_.string() + ": " + errno_text(saved);
        return false;
    }
    if (replace) {
        temp_.clear();  // renamed away
    }
    return true;
}

}  // namespace uaudit::tls::detail
