#pragma once
// The client-side TLS session store behind upstream resumption. OpenSSL never looks client
// sessions up by itself (its internal cache is for servers), so uaudit keeps the newest
// session per upstream "host:port" and hands it to the next connection there.

#include "tls/detail/openssl_ptr.hpp"

#include <cstddef>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace uaudit::tls::detail {

using SslSessionPtr = std::unique_ptr<SSL_SESSION, OpenSslFree<&SSL_SESSION_free>>;

/// A thread-safe LRU map from "host:port" to the newest resumable session seen there, holding
/// at most `capacity` entries (the least recently used is dropped first; 0 keeps nothing).
class SessionStore {
public:
    explicit SessionStore(std::size_t capacity)
        : capacity_(capacity) {}
    SessionStore(const SessionStore&) = delete;
    SessionStore& operator=(const SessionStore&) = delete;

    /// Keeps `session` for `key`, replacing the one kept before (a TLS 1.3 server sends
    /// several tickets per connection: the last one wins). Pass a session no connection uses
    /// (SSL_SESSION_dup): OpenSSL marks a connection's session not resumable when the
    /// connection is freed without a close_notify, as upstream connections often are.
    void put(std::string_view key, SslSessionPtr session);

    /// The session to offer on a new connection to `key`, or null. Expired or unresumable
    /// sessions are dropped. A TLS 1.3 session is removed as it is taken: its ticket is meant
    /// for one connection (RFC 8446 Appendix C.4), and the connection that uses it receives
    /// fresh tickets. A TLS 1.2 session stays, and the caller gets a copy.
    SslSessionPtr take(std::string_view key);

    std::size_t size() const;

private:
    using Entry = std::pair<std::string, SslSessionPtr>;

    mutable std::mutex mutex_;
    std::size_t capacity_;
    std::list<Entry> lru_;  // most recently used first
    std::unordered_map<std::string_view, std::list<Entry>::iterator> index_;  // keys live in lru_
};

}  // namespace uaudit::tls::detail
