#include "support/tls_upstream.hpp"

#include "tls/certificate_authority.hpp"
#include "tls/detail/openssl_ptr.hpp"
#include "tls/detail/x509_build.hpp"

#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <openssl/pem.h>

#include <chrono>
#include <ctime>
#include <fstream>
#include <random>
#include <stdexcept>

namespace uaudit::test {
namespace bh = beast::http;
namespace fs = std::filesystem;
namespace detail = tls::detail;

namespace {

constexpr const char* wrong_name = "wrong-name.example.test";

fs::path make_temp_dir() {
    std::random_device random;
    auto dir = fs::temp_directory_path() /
               ("uaudit-origin-" + std::to_string(random()) + std::to_string(random()));
    fs::create_directories(dir);
    return dir;
}

std::shared_ptr<const tls::CertificateAuthority> make_ca(const fs::path& dir,
                                                         const std::string& host) {
    tls::CaOptions options;
    options.host_name = host;
    auto result =
        tls::CertificateAuthority::create({dir / "ca.crt", dir / "ca.key"}, options, false);
    if (!result) {
        throw std::runtime_error("test origin CA: " + result.error);
    }
    return result.ca;
}

std::string subject_alt_names(const std::vector<std::string>& names) {
    std::string text;
    for (const auto& name : names) {
        error_code ec;
        asio::ip::make_address(name, ec);
        text += (text.empty() ? "" : ",") + std::string(ec ? "DNS:" : "IP:") + name;
    }
    return text;
}

// A server certificate for `names`, valid from `not_before` to `not_after`, signed by `ca`:
// built here rather than by tls::LeafMinter because an origin may serve several names and
// may need to be expired.
detail::X509Ptr make_leaf(const tls::CertificateAuthority& ca, EVP_PKEY* key,
                          const std::vector<std::string>& names, std::time_t not_before,
                          std::time_t not_after) {
    detail::X509Ptr cert(X509_new());
    if (!cert || names.empty()) {
        throw std::runtime_error("test origin leaf: no certificate or no name");
    }
    X509* issuer = ca.certificate();
    const std::string san = subject_alt_names(names);
    const detail::X509ExtensionPtr extensions[] = {
        detail::make_extension(issuer, cert.get(), NID_basic_constraints, "critical,CA:FALSE"),
        detail::make_extension(issuer, cert.get(), NID_key_usage, "critical,digitalSignature"),
        detail::make_extension(issuer, cert.get(), NID_ext_key_usage, "serverAuth"),
        detail::make_extension(issuer, cert.get(), NID_authority_key_identifier, "keyid"),
        detail::make_extension(issuer, cert.get(), NID_subject_alt_name, san.c_str()),
    };
    bool ok = X509_set_version(cert.get(), X509_VERSION_3) == 1 &&
              detail::set_random_serial(cert.get()) &&
              X509_NAME_add_entry_by_txt(
                  X509_get_subject_name(cert.get()), "CN", MBSTRING_UTF8,
                  reinterpret_cast<const unsigned char*>(names.front().c_str()), -1, -1, 0) == 1 &&
              X509_set_issuer_name(cert.get(), X509_get_subject_name(issuer)) == 1 &&
              detail::set_validity(cert.get(), not_before, not_after) &&
              X509_set_pubkey(cert.get(), key) == 1;
    for (const auto& extension : extensions) {
        ok = ok && extension && X509_add_ext(cert.get(), extension.get(), -1) == 1;
    }
    if (!ok || X509_sign(cert.get(), ca.key(), EVP_sha256()) <= 0) {
        throw std::runtime_error(detail::openssl_error("test origin leaf"));
    }
    return cert;
}

void write_file(const fs::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out) {
        throw std::runtime_error("cannot write " + path.string());
    }
}

std::string private_key_pem(EVP_PKEY* key) {
    const detail::BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio ||
        PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
        throw std::runtime_error(detail::openssl_error("test origin key PEM"));
    }
    return detail::mem_bio_contents(bio.get());
}

}  // namespace

OriginPki::OriginPki(std::vector<std::string> names, OriginCert kind)
    : dir_(make_temp_dir())
    , ca_file_(dir_ / "ca.crt")
    , cert_file_(dir_ / "origin.crt")
    , key_file_(dir_ / "origin.key") {
    const auto trusted = make_ca(dir_, "origin-test");
    const auto signer =
        kind == OriginCert::untrusted ? make_ca(dir_ / "untrusted", "origin-untrusted") : trusted;
    std::string error;
    const detail::EvpPkeyPtr key = detail::generate_ec_p256(error);
    if (!key) {
        throw std::runtime_error("test origin key: " + error);
    }
    const std::time_t now = std::time(nullptr);
    constexpr std::time_t day = 24 * 60 * 60;
    std::time_t not_before = now - day;
    std::time_t not_after = now + 30 * day;
    if (kind == OriginCert::expired) {
        not_before = now - 10 * day;
        not_after = now - day;
    }
    if (kind == OriginCert::wrong_name) {
        names = {wrong_name};
    }
    const auto leaf = make_leaf(*signer, key.get(), names, not_before, not_after);
    write_file(cert_file_, detail::certificate_pem(leaf.get()));
    write_file(key_file_, private_key_pem(key.get()));
    fs::permissions(key_file_, fs::perms::owner_read | fs::perms::owner_write);
}

OriginPki::~OriginPki() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
}

TlsUpstream::TlsUpstream(TlsUpstreamOptions options)
    : options_(std::move(options))
    , pki_(options_.names, options_.cert)
    , context_(std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server))
    , acceptor_(ioc_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
    context_->use_certificate_chain_file(pki_.cert_file().string());
    context_->use_private_key_file(pki_.key_file().string(), asio::ssl::context::pem);
    port_ = acceptor_.local_endpoint().port();
    acceptor_thread_ = std::thread([this] { accept_loop(); });
}

TlsUpstream::~TlsUpstream() {
    stopping_ = true;
    error_code ec;
    acceptor_.close(ec);
    // Wake the blocking accept with a connection of our own.
    {
        tcp::socket poke(ioc_);
        poke.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_), ec);
    }
    acceptor_thread_.join();
    {
        std::lock_guard lock(mutex_);
        for (auto& socket : sockets_) {
            socket->shutdown(tcp::socket::shutdown_both, ec);
        }
    }
    for (auto& thread : threads_) {
        thread.join();
    }
}

void TlsUpstream::accept_loop() {
    for (;;) {
        error_code ec;
        auto socket = std::make_shared<tcp::socket>(ioc_);
        acceptor_.accept(*socket, ec);
        if (stopping_) {
            return;
        }
        if (ec) {
            continue;
        }
        const auto number = connections_.fetch_add(1) + 1;
        std::lock_guard lock(mutex_);
        sockets_.push_back(socket);
        threads_.emplace_back([this, socket, number] { serve(socket, number); });
    }
}

void TlsUpstream::serve(std::shared_ptr<tcp::socket> socket, std::uint64_t number) {
    // Like a real server, hang up when the exchange ends (client EOF, error, no keep-alive): a
    // blind tunnel through the proxy ends only when both sides have closed.
    struct HangUp {
        tcp::socket& socket;
        ~HangUp() {
            error_code ignored;
            socket.shutdown(tcp::socket::shutdown_both, ignored);
        }
    } hang_up{*socket};
    asio::ssl::stream<tcp::socket&> stream(*socket, *context_);
    error_code ec;
    stream.handshake(asio::ssl::stream_base::server, ec);
    if (ec) {
        failed_handshakes_.fetch_add(1);
        return;
    }
    handshakes_.fetch_add(1);
    if (SSL_session_reused(stream.native_handle()) == 1) {
        resumed_.fetch_add(1);
    }
    beast::flat_buffer buffer;
    for (;;) {
        bh::request_parser<bh::string_body> parser;
        parser.body_limit(64 * 1024 * 1024);
        bh::read(stream, buffer, parser, ec);
        if (ec) {
            return;
        }
        const auto& req = parser.get();
        SeenRequest seen;
        seen.method = std::string(req.method_string());
        seen.target = std::string(req.target());
        seen.version = req.version();
        for (const auto& f : req) {
            seen.fields.emplace_back(std::string(f.name_string()), std::string(f.value()));
        }
        seen.body = req.body();
        seen.connection = number;
        {
            std::lock_guard lock(mutex_);
            requests_.push_back(std::move(seen));
        }
        seen_.notify_all();

        const std::string target(req.target());
        unsigned status = 200;
        std::string body = options_.body;
        if (target.rfind("/status/", 0) == 0) {
            status = static_cast<unsigned>(std::stoul(target.substr(8)));
            body = (status == 204 || status == 304) ? "" : "status body";
        }
        bh::response<bh::string_body> res{static_cast<bh::status>(status), 11};
        res.set(bh::field::content_type, "text/plain");
        res.set("X-Upstream", "tls");
        res.body() = body;
        if (status != 204 && status != 304) {
            res.prepare_payload();
        }
        const bool keep = req.keep_alive();
        res.keep_alive(keep);
        if (req.method() == bh::verb::head) {
            bh::response_serializer<bh::string_body> serializer{res};
            bh::write_header(stream, serializer, ec);
        } else {
            bh::write(stream, res, ec);
        }
        if (ec || !keep) {
            // No close_notify: a blocking SSL shutdown would wait for the peer's. The responses
            // are length-delimited, so the TCP FIN is all a client needs.
            return;
        }
    }
}

std::vector<SeenRequest> TlsUpstream::requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
}

bool TlsUpstream::wait_for_requests(std::size_t count) const {
    std::unique_lock lock(mutex_);
    return seen_.wait_for(lock, std::chrono::seconds(5), [&] { return requests_.size() >= count; });
}

}  // namespace uaudit::test
