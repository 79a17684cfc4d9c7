#pragma once
// The bounded cache of minted leaf certificates (`tls.cert_cache` entries, least recently
// used evicted first), so that the second connection to a host never mints again.

#include "tls/leaf_minter.hpp"

#include <atomic>
#include <cstdint>
#include <future>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace uaudit::tls {

/// Thread-safe LRU cache keyed by the normalized name (parse_server_name). Single-flight: when
/// several threads ask for the same new name at once, one mints and the others wait for its
/// result. A cached leaf close to its expiry (the last tenth of its validity, at most an hour)
/// is minted again.
class CertCache {
public:
    struct Stats {
        std::uint64_t hits = 0;       // served from the cache, or joined a mint in progress
        std::uint64_t misses = 0;     // a mint was started
        std::uint64_t evictions = 0;  // entries dropped at capacity
        std::uint64_t errors = 0;     // mints that failed (not cached)
        std::size_t size = 0;         // entries now (including mints in progress)
    };

    /// `capacity` 0 caches nothing (every get mints).
    CertCache(std::shared_ptr<const LeafMinter> minter, std::size_t capacity);

    /// The leaf for `name`, minted on a miss. Blocks the caller for the mint (about 0.1 ms,
    /// see docs/tls.md) or while another thread mints the same name. Errors (invalid name,
    /// OpenSSL failure) are returned, not cached.
    LeafResult get(std::string_view name);

    /// The cached leaf for `name` if one is ready, without minting or waiting; counts nothing.
    /// Lets an event loop take the fast path inline and hand misses to a worker.
    std::shared_ptr<const LeafCertificate> find(std::string_view name);

    Stats stats() const;
    const LeafMinter& minter() const { return *minter_; }

private:
    struct Entry {
        std::shared_future<LeafResult> result;
        std::list<std::string>::iterator position;  // in lru_
        std::uint64_t generation = 0;               // tells a re-minted entry from its past
    };

    bool fresh(const LeafCertificate& leaf) const;
    void evict_locked();

    std::shared_ptr<const LeafMinter> minter_;
    std::size_t capacity_;
    mutable std::mutex mutex_;
    std::unordered_map<std::string, Entry> entries_;
    std::list<std::string> lru_;  // front = most recently used
    std::uint64_t next_generation_ = 0;
    std::atomic<std::uint64_t> hits_{0};
    std::atomic<std::uint64_t> misses_{0};
    std::atomic<std::uint64_t> evictions_{0};
    std::atomic<std::uint64_t> errors_{0};
};

}  // namespace uaudit::tls
