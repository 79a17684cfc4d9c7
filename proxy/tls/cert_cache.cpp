#include "tls/cert_cache.hpp"

#include <algorithm>
#include <chrono>

namespace uaudit::tls {
namespace {

bool is_ready(const std::shared_future<LeafResult>& result) {
    return result.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
}

}  // namespace

CertCache::CertCache(std::shared_ptr<const LeafMinter> minter, std::size_t capacity)
    : minter_(std::move(minter))
    , capacity_(capacity) {}

bool CertCache::fresh(const LeafCertificate& leaf) const {
    // A leaf cut short by the CA's own expiry cannot be improved by minting again.
    if (leaf.not_after() >= minter_->ca().not_after()) {
        return true;
    }
    const std::chrono::seconds margin =
        std::min<std::chrono::seconds>(minter_->options().validity / 10, std::chrono::hours(1));
    return minter_->now() + margin < leaf.not_after();
}

LeafResult CertCache::get(std::string_view name) {
    const auto parsed = parse_server_name(name);
    if (!parsed) {
        errors_.fetch_add(1, std::memory_order_relaxed);
        return LeafResult{nullptr, "not a host name or IP address: '" + std::string(name) + "'"};
    }
    std::promise<LeafResult> promise;
    std::uint64_t generation = 0;
    {
        std::unique_lock lock(mutex_);
        const auto found = entries_.find(parsed->text);
        if (found != entries_.end()) {
            Entry& entry = found->second;
            const bool stale = is_ready(entry.result) && entry.result.get().leaf &&
                               !fresh(*entry.result.get().leaf);
            if (!stale) {
                lru_.splice(lru_.begin(), lru_, entry.position);
                std::shared_future<LeafResult> result = entry.result;
                lock.unlock();
                hits_.fetch_add(1, std::memory_order_relaxed);
                return result.get();
            }
            lru_.erase(entry.position);
            entries_.erase(found);
        }
        misses_.fetch_add(1, std::memory_order_relaxed);
        if (capacity_ > 0) {
            generation = ++next_generation_;
            lru_.push_front(parsed->text);
            entries_.emplace(parsed->text,
                             Entry{promise.get_future().share(), lru_.begin(), generation});
            evict_locked();
        }
    }
    LeafResult result = minter_->mint(*parsed);
    if (!result) {
        errors_.fetch_add(1, std::memory_order_relaxed);
        if (capacity_ > 0) {
            // Waiters still get this error through the promise; later callers try again.
            std::lock_guard lock(mutex_);
            const auto found = entries_.find(parsed->text);
            if (found != entries_.end() && found->second.generation == generation) {
                lru_.erase(found->second.position);
                entries_.erase(found);
            }
        }
    }
    promise.set_value(result);
    return result;
}

std::shared_ptr<const LeafCertificate> CertCache::find(std::string_view name) {
    const auto parsed = parse_server_name(name);
    if (!parsed) {
        return nullptr;
    }
    std::lock_guard lock(mutex_);
    const auto found = entries_.find(parsed->text);
    if (found == entries_.end() || !is_ready(found->second.result)) {
        return nullptr;
    }
    const auto& leaf = found->second.result.get().leaf;
    if (!leaf || !fresh(*leaf)) {
        return nullptr;
    }
    lru_.splice(lru_.begin(), lru_, found->second.position);
    return leaf;
}

void CertCache::evict_locked() {
    while (entries_.size() > capacity_) {
        // A mint in progress may be evicted too: its waiters hold their own future.
        entries_.erase(lru_.back());
        lru_.pop_back();
        evictions_.fetch_add(1, std::memory_order_relaxed);
    }
}

CertCache::Stats CertCache::stats() const {
    Stats stats;
    stats.hits = hits_.load(std::memory_order_relaxed);
    stats.misses = misses_.load(std::memory_order_relaxed);
    stats.evictions = evictions_.load(std::memory_order_relaxed);
    stats.errors = errors_.load(std::memory_order_relaxed);
    std::lock_guard lock(mutex_);
    stats.size = entries_.size();
    return stats;
}

}  // namespace uaudit::tls
