#pragma once
// Idle upstream keep-alive connections, kept per "host:port" (SPEC §7), shared by all
// sessions. Thread-safe. A connection is handed out on the taker's executor, so the strand
// that uses it is the only one touching it. A taker gets the connection it returned itself
// when there is one: it is already bound to its strand, and re-binding one costs four system
// calls (deregister, register, FIONBIO, getsockname).

#include "core/asio.hpp"
#include "http/tls_stream.hpp"

#include <chrono>
#include <cstddef>
#include <list>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <type_traits>

namespace uaudit::http {

/// `Stream` is TcpStream (plain upstreams) or TlsStream (TLS upstreams: handed out only to
/// the executor that returned them, since an established TLS stream cannot be re-bound).
template <class Stream>
class BasicConnectionPool {
public:
    /// `per_key` idle connections at most per key (0 disables pooling); a connection idle
    /// longer than `max_idle` is closed instead of reused.
    BasicConnectionPool(std::size_t per_key, std::chrono::milliseconds max_idle);

    /// An idle, still-open connection for `key`, rebound to `executor`; nullopt when none.
    /// A connection idle for less than `trust_for` is handed out without the liveness probe
    /// (a system call): a server closing a keep-alive connection that young is rare, and the
    /// caller retries a bodiless request on a reused connection that turns out closed.
    std::optional<Stream> take(const std::string& key, const asio::any_io_executor& executor,
                               std::chrono::milliseconds trust_for = {});

    /// Returns a connection whose last exchange completed cleanly (keep-alive both ways).
    void put(const std::string& key, Stream stream);

    /// Closes every idle connection (before the io_context they belong to goes away).
    void clear();

    /// Idle connections currently kept (all keys).
    std::size_t idle() const;

private:
    // A plain connection waits as its bare socket (the Beast stream, with its deadline timer,
    // ends on the strand that used it); a TLS one as the whole stream.
    using Stored = std::conditional_t<std::is_same_v<Stream, TcpStream>, tcp::socket, Stream>;
    struct Idle {
        Stored stream;
        std::chrono::steady_clock::time_point since;
    };
    static Stored to_stored(Stream&& stream) {
        if constexpr (std::is_same_v<Stream, TcpStream>) {
            return stream.release_socket();
        } else {
            return std::move(stream);
        }
    }
    static void retire(Idle&& entry);
    std::size_t per_key_;
    std::chrono::milliseconds max_idle_;
    mutable std::mutex mutex_;
    std::map<std::string, std::list<Idle>> idle_;  // oldest first
};

using ConnectionPool = BasicConnectionPool<TcpStream>;
using TlsConnectionPool = BasicConnectionPool<TlsStream>;

extern template class BasicConnectionPool<TcpStream>;
extern template class BasicConnectionPool<TlsStream>;

}  // namespace uaudit::http
