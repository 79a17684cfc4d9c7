#include "tls/detail/session_store.hpp"

#include <ctime>

namespace uaudit::tls::detail {
namespace {

bool expired(const SSL_SESSION* session) {
    return SSL_SESSION_get_time(session) + SSL_SESSION_get_timeout(session) <= std::time(nullptr);
}

}  // namespace

void SessionStore::put(std::string_view key, SslSessionPtr session) {
    if (capacity_ == 0 || !session) {
        return;
    }
    const std::lock_guard lock(mutex_);
    const auto found = index_.find(key);
    if (found != index_.end()) {
        found->second->second = std::move(session);
        lru_.splice(lru_.begin(), lru_, found->second);
        return;
    }
    if (lru_.size() >= capacity_) {
        index_.erase(lru_.back().first);
        lru_.pop_back();
    }
    lru_.emplace_front(std::string(key), std::move(session));
    index_.emplace(lru_.front().first, lru_.begin());
}

SslSessionPtr SessionStore::take(std::string_view key) {
    const std::lock_guard lock(mutex_);
    const auto found = index_.find(key);
    if (found == index_.end()) {
        return nullptr;
    }
    const auto position = found->second;
    SSL_SESSION* session = position->second.get();
    const bool usable = SSL_SESSION_is_resumable(session) == 1 && !expired(session);
    if (!usable || SSL_SESSION_get_protocol_version(session) >= TLS1_3_VERSION) {
        SslSessionPtr taken = usable ? std::move(position->second) : nullptr;
        index_.erase(found);
        lru_.erase(position);
        return taken;
    }
    lru_.splice(lru_.begin(), lru_, position);
    // A copy: OpenSSL marks a connection's session not resumable when the connection is freed
    // without a close_notify, and that must not spoil the one kept here.
    return SslSessionPtr(SSL_SESSION_dup(session));
}

std::size_t SessionStore::size() const {
    const std::lock_guard lock(mutex_);
    return lru_.size();
}

}  // namespace uaudit::tls::detail
