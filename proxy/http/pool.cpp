#include "http/pool.hpp"

#include <boost/asio/post.hpp>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <iterator>
#include <memory>
#include <type_traits>

namespace uaudit::http {
namespace {

// A pooled connection the upstream has closed (or that has unexpected bytes waiting) must
// not carry the next request: peek without blocking.
bool still_usable(tcp::socket& socket) {
    char byte = 0;
    const auto n = ::recv(socket.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

bool still_usable(TcpStream& stream) {
    return still_usable(stream.socket());
}

}  // namespace

template <class Stream>
BasicConnectionPool<Stream>::BasicConnectionPool(std::size_t per_key,
                                                 std::chrono::milliseconds max_idle)
    : per_key_(per_key)
    , max_idle_(max_idle) {}

template <class Stream>
void BasicConnectionPool<Stream>::retire(Idle&& entry) {
    if constexpr (std::is_same_v<Stream, TcpStream>) {
        return;  // a bare socket: closing it is safe from any thread
    } else {
        // A TLS stream may still have a deadline handler queued on its own executor: it is
        // destroyed there, never concurrently with that handler.
        auto executor = entry.stream.get_executor();
        asio::post(executor, [doomed = std::make_shared<Stream>(std::move(entry.stream))] {});
    }
}

template <class Stream>
std::optional<Stream> BasicConnectionPool<Stream>::take(const std::string& key,
                                                        const asio::any_io_executor& executor,
                                                        std::chrono::milliseconds trust_for) {
    std::optional<Stored> found;
    {
        std::lock_guard lock(mutex_);
        auto it = idle_.find(key);
        if (it == idle_.end()) {
            return std::nullopt;
        }
        const auto now = std::chrono::steady_clock::now();
        auto& list = it->second;
        while (!list.empty() && now - list.front().since > max_idle_) {
            retire(std::move(list.front()));  // oldest first: expired ones are at the front
            list.pop_front();
        }
        while (!list.empty()) {
            // The most recent one on the taker's executor, else (plain TCP only) the most
            // recent one.
            auto pick = std::find_if(list.rbegin(), list.rend(), [&](Idle& entry) {
                return entry.stream.get_executor() == executor;
            });
            if (pick == list.rend()) {
                if constexpr (!std::is_same_v<Stream, TcpStream>) {
                    return std::nullopt;
                }
                pick = list.rbegin();
            }
            const auto where = std::next(pick).base();
            if (now - where->since < trust_for ||
                still_usable(beast::get_lowest_layer(where->stream))) {
                found.emplace(std::move(where->stream));
                list.erase(where);
                break;
            }
            retire(std::move(*where));
            list.erase(where);
        }
        if (list.empty()) {
            idle_.erase(it);
        }
    }
    if (!found) {
        return std::nullopt;
    }
    if constexpr (!std::is_same_v<Stream, TcpStream>) {
        return std::optional<Stream>(std::move(*found));
    } else {
        if (found->get_executor() == executor) {
            // Still registered with the reactor: a new deadline wrapper and nothing else.
            return TcpStream(std::move(*found));
        }
        error_code ec;
        const auto protocol = found->local_endpoint(ec).protocol();
        if (ec) {
            return std::nullopt;
        }
        const auto handle = found->release(ec);
        if (ec) {
            return std::nullopt;
        }
        tcp::socket rebound(executor);
        rebound.assign(protocol, handle, ec);
        if (ec) {
            return std::nullopt;
        }
        return TcpStream(std::move(rebound));
    }
}

template <class Stream>
void BasicConnectionPool<Stream>::put(const std::string& key, Stream stream) {
    if (per_key_ == 0) {
        return;
    }
    beast::get_lowest_layer(stream).expires_never();
    Idle entry{to_stored(std::move(stream)), std::chrono::steady_clock::now()};
    std::lock_guard lock(mutex_);
    auto& list = idle_[key];
    while (!list.empty() && entry.since - list.front().since > max_idle_) {
        retire(std::move(list.front()));
        list.pop_front();
    }
    if (list.size() >= per_key_) {
        retire(std::move(list.front()));  // keep the most recent: least likely to be closed
        list.pop_front();
    }
    list.push_back(std::move(entry));
}

template <class Stream>
void BasicConnectionPool<Stream>::clear() {
    std::lock_guard lock(mutex_);
    idle_.clear();
}

template <class Stream>
std::size_t BasicConnectionPool<Stream>::idle() const {
    std::lock_guard lock(mutex_);
    std::size_t total = 0;
    for (const auto& [key, list] : idle_) {
        total += list.size();
    }
    return total;
}

template class BasicConnectionPool<TcpStream>;
template class BasicConnectionPool<TlsStream>;

}  // namespace uaudit::http
