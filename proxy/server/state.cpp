#include "server/state.hpp"

#include "http/target.hpp"

#include <boost/asio/post.hpp>
#include <openssl/evp.h>

#include <algorithm>
#include <stdexcept>

namespace uaudit::server {
namespace {

std::map<std::string, http::Address> overrides(const config::Config& config) {
    std::map<std::string, http::Address> out;
    for (const auto& [key, value] : config.resolve) {
        out.emplace(key, http::Address{value.host, value.port});
    }
    return out;
}

std::optional<http::ProxyChain> chain_of(const config::Config& config) {
    if (config.upstream_proxy.empty()) {
        return std::nullopt;
    }
    std::string error;
    auto chain = http::parse_upstream_proxy(config.upstream_proxy, error);
    if (!chain) {
        throw std::runtime_error("upstream_proxy: " + error);
    }
    return chain;
}

// Interception, or a gateway route to an https:// upstream.
bool needs_tls(const config::Config& config) {
    if (config.intercept != config::Intercept::none) {
        return true;
    }
    return std::any_of(config.routes.begin(), config.routes.end(),
                       [](const config::Route& r) { return r.upstream.rfind("https:", 0) == 0; });
}

}  // namespace

void SessionRegistry::add(const std::shared_ptr<SessionHandle>& handle,
                          asio::any_io_executor executor) {
    std::lock_guard lock(mutex_);
    sessions_.emplace(handle.get(), std::make_pair(handle, std::move(executor)));
}

void SessionRegistry::remove(const SessionHandle* handle) {
    std::lock_guard lock(mutex_);
    sessions_.erase(handle);
}

void SessionRegistry::close(bool all) {
    std::lock_guard lock(mutex_);
    for (const auto& [key, entry] : sessions_) {
        asio::post(entry.second, [handle = entry.first, all] {
            if (handle->stream != nullptr && (all || handle->idle)) {
                error_code ignored;  // closing is best effort: the session ends either way
                handle->stream->socket().shutdown(tcp::socket::shutdown_both, ignored);
                handle->stream->socket().close(ignored);
            }
        });
    }
}

ServerState::ServerState(config::Config config_in, audit::EventLog& events_in,
                         std::string instance_in)
    : config(std::move(config_in))
    , policy(audit::Policy::create(config))
    , events(events_in)
    , report(config.report.max_rows)
    , instance(std::move(instance_in))
    , connector(overrides(config), config.limits.connect_timeout, chain_of(config))
    , pool(config.limits.upstream_pool, config.limits.idle_timeout)
    , tls_pool(config.limits.upstream_pool, config.limits.idle_timeout)
    , tls(needs_tls(config) ? make_tls_state(config) : nullptr) {}

bool ServerState::client_allowed(const asio::ip::address& address) const {
    auto plain = address;
    if (address.is_v6() && address.to_v6().is_v4_mapped()) {
        plain = asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6());
    }
    const std::string text = plain.to_string();
    for (const auto& cidr : config.access.allow_clients) {
        if (cidr.contains(text)) {
            return true;
        }
    }
    return false;
}

void ServerState::record(const audit::EventRecord& record) {
    events.emit(record);
    report.add(record);
}

std::string endpoint_text(const tcp::endpoint& endpoint) {
    auto address = endpoint.address();
    if (address.is_v6() && address.to_v6().is_v4_mapped()) {
        address = asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6());
    }
    return http::format_authority(address.to_string(), endpoint.port());
}

std::string base64_encode(std::string_view data) {
    // OpenSSL's encoder rather than a hand-written one; 4 output bytes per 3 input bytes, plus
    // the NUL it writes.
    std::string out(4 * ((data.size() + 2) / 3) + 1, '\0');
    const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                        reinterpret_cast<const unsigned char*>(data.data()),
                                        static_cast<int>(data.size()));
    out.resize(static_cast<std::size_t>(written));
    return out;
}

}  // namespace uaudit::server
