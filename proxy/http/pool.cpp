#include "http/pool.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <iterator>
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

}  // namespace

template <class Stream>
BasicConnectionPool<Stream>::BasicConnectionPool(std::size_t per_key,
                                                 std::chrono::milliseconds max_idle)
    : per_key_(per_key)
    , max_idle_(max_idle) {}

template <class Stream>
std::optional<Stream> BasicConnectionPool<Stream>::take(const std::string& key,
                                                        const asio::any_io_executor& executor) {
    std::optional<Stream> found;
    {
        std::lock_guard lock(mutex_);
        auto it = idle_.find(key);
        if (it == idle_.end()) {
            return std::nullopt;
        }
        const auto now = std::chrono::steady_clock::now();
        auto& list = it->second;
        while (!list.empty() && now - list.front().since > max_idle_) {
            list.pop_front();  // oldest first: expired ones are at the front
        }
        while (!list.empty()) {
            // The most recent one on the taker's executor, else the most recent one.
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
            if (still_usable(beast::get_lowest_layer(where->stream).socket())) {
                found.emplace(std::move(where->stream));
                list.erase(where);
                break;
            }
            list.erase(where);
        }
        if (list.empty()) {
            idle_.erase(it);
        }
    }
    if (!found || found->get_executor() == executor) {
        return found;
    }
    if constexpr (!std::is_same_v<Stream, TcpStream>) {
        return std::nullopt;
    } else {
        error_code ec;
        auto& socket = found->socket();
        const auto protocol = socket.local_endpoint(ec).protocol();
        if (ec) {
            return std::nullopt;
        }
        const auto handle = socket.release(ec);
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
    std::lock_guard lock(mutex_);
    auto& list = idle_[key];
    const auto now = std::chrono::steady_clock::now();
    while (!list.empty() && now - list.front().since > max_idle_) {
        list.pop_front();
    }
    if (list.size() >= per_key_) {
        list.pop_front();  // keep the most recent ones: they are least likely to be closed
    }
    list.push_back(Idle{std::move(stream), now});
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
