#include "tls/leaf_minter.hpp"

#include "tls/detail/x509_build.hpp"

#include <algorithm>
#include <stdexcept>

namespace uaudit::tls {
namespace {

using Clock = std::chrono::system_clock;

// RFC 5280 ub-common-name: a longer name lives in the subjectAltName only.
constexpr std::size_t max_common_name = 64;

}  // namespace

LeafCertificate::LeafCertificate(std::string name, detail::X509Ptr cert, detail::EvpPkeyPtr key,
                                 TimePoint not_after)
    : name_(std::move(name))
    , cert_(std::move(cert))
    , key_(std::move(key))
    , not_after_(not_after) {}

std::string LeafCertificate::pem() const {
    return detail::certificate_pem(cert_.get());
}

LeafMinter::LeafMinter(std::shared_ptr<const CertificateAuthority> ca, MinterOptions options)
    : ca_(std::move(ca))
    , options_(std::move(options)) {
    std::string error;
    leaf_key_ = detail::generate_legacy_ec_p256(error);
    if (!leaf_key_) {
        throw std::runtime_error(error);
    }
    X509* issuer = ca_->certificate();
    basic_constraints_ =
        detail::make_extension(issuer, nullptr, NID_basic_constraints, "critical,CA:FALSE");
    key_usage_ =
        detail::make_extension(issuer, nullptr, NID_key_usage, "critical,digitalSignature");
    extended_key_usage_ = detail::make_extension(issuer, nullptr, NID_ext_key_usage, "serverAuth");
    // "keyid" without "always": a CA without a subjectKeyIdentifier (one made elsewhere) still
    // works, its leaves then carry no AKI.
    authority_key_id_ =
        detail::make_extension(issuer, nullptr, NID_authority_key_identifier, "keyid");
    if (!basic_constraints_ || !key_usage_ || !extended_key_usage_) {
        throw std::runtime_error(detail::openssl_error("preparing the leaf extensions"));
    }
}

Clock::time_point LeafMinter::now() const {
    return options_.clock ? options_.clock() : Clock::now();
}

LeafResult LeafMinter::mint(std::string_view name) const {
    const auto parsed = parse_server_name(name);
    if (!parsed) {
        return LeafResult{nullptr, "not a host name or IP address: '" + std::string(name) + "'"};
    }
    return mint(*parsed);
}

LeafResult LeafMinter::mint(const ServerName& name) const {
    const Clock::time_point now_point = now();
    const Clock::time_point not_before = std::max(now_point - options_.backdate, ca_->not_before());
    const Clock::time_point not_after = std::min(now_point + options_.validity, ca_->not_after());
    if (not_after <= now_point) {
        return LeafResult{nullptr, "the interception CA " + ca_->paths().cert.string() +
                                       " expired on " + format_utc(ca_->not_after()) +
                                       "; make a new one with 'uaudit ca init --force'"};
    }

    detail::X509Ptr cert(X509_new());
    X509_NAME* subject = cert ? X509_get_subject_name(cert.get()) : nullptr;
    const bool with_cn = name.text.size() <= max_common_name;
    // Without a subject the subjectAltName must be critical (RFC 5280 4.2.1.6).
    const std::string san =
        std::string(with_cn ? "" : "critical,") + (name.is_ip ? "IP:" : "DNS:") + name.text;
    const detail::X509ExtensionPtr san_extension =
        cert ? detail::make_extension(ca_->certificate(), cert.get(), NID_subject_alt_name,
                                      san.c_str())
             : nullptr;
    const auto add = [&](const detail::X509ExtensionPtr& extension) {
        return !extension || X509_add_ext(cert.get(), extension.get(), -1) == 1;
    };
    const bool ok =
        cert && san_extension && X509_set_version(cert.get(), X509_VERSION_3) == 1 &&
        detail::set_random_serial(cert.get()) &&
        (!with_cn ||
         X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_UTF8,
                                    reinterpret_cast<const unsigned char*>(name.text.c_str()), -1,
                                    -1, 0) == 1) &&
        X509_set_issuer_name(cert.get(), X509_get_subject_name(ca_->certificate())) == 1 &&
        detail::set_validity(cert.get(), Clock::to_time_t(not_before),
                             Clock::to_time_t(not_after)) &&
        X509_set_pubkey(cert.get(), leaf_key_.get()) == 1 && add(basic_constraints_) &&
        add(key_usage_) && add(extended_key_usage_) && add(authority_key_id_) &&
        add(san_extension) && X509_sign(cert.get(), ca_->key(), EVP_sha256()) > 0;
    if (!ok) {
        return LeafResult{nullptr, detail::openssl_error("minting a certificate for " + name.text)};
    }
    auto leaf = std::make_shared<const LeafCertificate>(
        name.text, std::move(cert), detail::up_ref(leaf_key_.get()),
        Clock::from_time_t(Clock::to_time_t(not_after)));
    return LeafResult{std::move(leaf), {}};
}

}  // namespace uaudit::tls
