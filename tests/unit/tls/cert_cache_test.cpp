#include "tls/cert_cache.hpp"

#include "tls_test_support.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

using namespace uaudit::tls;
using uaudit::tls::test::make_test_ca;
using uaudit::tls::test::TempDir;
using Clock = std::chrono::system_clock;

namespace {

std::shared_ptr<const LeafMinter> make_minter(const TempDir& dir, MinterOptions options = {}) {
    return std::make_shared<const LeafMinter>(make_test_ca(dir), std::move(options));
}

}  // namespace

TEST_CASE("cert cache: the second request for a name is a hit, whatever its case", "[tls][cache]") {
    TempDir dir;
    CertCache cache(make_minter(dir), 10);
    CHECK(cache.find("example.com") == nullptr);
    const auto first = cache.get("example.com");
    REQUIRE(first);
    const auto second = cache.get("EXAMPLE.com.");
    REQUIRE(second);
    CHECK(second.leaf == first.leaf);
    CHECK(cache.find("Example.COM") == first.leaf);
    const auto stats = cache.stats();
    CHECK(stats.misses == 1);
    CHECK(stats.hits == 1);
    CHECK(stats.size == 1);
    CHECK(stats.evictions == 0);
}

TEST_CASE("cert cache: the least recently used entry is evicted at capacity", "[tls][cache]") {
    TempDir dir;
    CertCache cache(make_minter(dir), 3);
    const auto a = cache.get("a.test").leaf;
    const auto b = cache.get("b.test").leaf;
    cache.get("c.test");
    CHECK(cache.get("a.test").leaf == a);  // a is now the most recent; b the least
    cache.get("d.test");                   // evicts b
    auto stats = cache.stats();
    CHECK(stats.size == 3);
    CHECK(stats.evictions == 1);
    CHECK(stats.misses == 4);
    CHECK(cache.find("b.test") == nullptr);
    CHECK(cache.find("a.test") == a);
    CHECK(cache.find("c.test") != nullptr);
    CHECK(cache.find("d.test") != nullptr);

    const auto b_again = cache.get("b.test").leaf;  // minted again, evicts a (find touched c, d)
    CHECK(b_again != b);
    stats = cache.stats();
    CHECK(stats.misses == 5);
    CHECK(stats.evictions == 2);
    CHECK(cache.find("a.test") == nullptr);
}

TEST_CASE("cert cache: concurrent requests for one new name mint once", "[tls][cache]") {
    TempDir dir;
    // A slow clock makes the mint slow, so the other threads arrive while it runs and take the
    // single-flight path (waiting on the same future) rather than finding a finished entry.
    MinterOptions options;
    options.clock = [] {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        return Clock::now();
    };
    CertCache cache(make_minter(dir, options), 100);
    constexpr int thread_count = 8;
    std::vector<std::shared_ptr<const LeafCertificate>> leaves(thread_count);
    std::atomic<int> ready{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < thread_count; ++i) {
        threads.emplace_back([&, i] {
            ready.fetch_add(1);
            while (ready.load() < thread_count) {
                std::this_thread::yield();
            }
            leaves[static_cast<std::size_t>(i)] = cache.get("api.example.com").leaf;
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    const auto stats = cache.stats();
    CHECK(stats.misses == 1);
    CHECK(stats.hits == thread_count - 1);
    for (const auto& leaf : leaves) {
        REQUIRE(leaf != nullptr);
        CHECK(leaf == leaves.front());
    }
}

TEST_CASE("cert cache: distinct names from many threads each mint once", "[tls][cache]") {
    TempDir dir;
    CertCache cache(make_minter(dir), 1000);
    std::atomic<int> failures{0};  // Catch2 assertions are not thread-safe: count, check after
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&cache, &failures] {
            for (int round = 0; round < 3; ++round) {
                for (int i = 0; i < 50; ++i) {
                    if (!cache.get("host" + std::to_string(i) + ".test")) {
                        failures.fetch_add(1);
                    }
                }
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    CHECK(failures.load() == 0);
    const auto stats = cache.stats();
    CHECK(stats.misses == 50);
    CHECK(stats.hits == 4 * 3 * 50 - 50);
    CHECK(stats.size == 50);
}

TEST_CASE("cert cache: a leaf near its expiry is minted again", "[tls][cache]") {
    TempDir dir;
    // Whole seconds, as certificates hold them.
    Clock::time_point now = std::chrono::floor<std::chrono::seconds>(Clock::now());
    MinterOptions options;
    options.validity = std::chrono::hours(10);  // re-minted in the last hour
    options.clock = [&now] { return now; };
    CertCache cache(make_minter(dir, options), 10);
    const auto first = cache.get("example.com").leaf;
    now += std::chrono::hours(8) + std::chrono::minutes(59);
    CHECK(cache.get("example.com").leaf == first);
    now += std::chrono::minutes(2);
    CHECK(cache.find("example.com") == nullptr);
    const auto renewed = cache.get("example.com").leaf;
    REQUIRE(renewed != nullptr);
    CHECK(renewed != first);
    CHECK(renewed->not_after() == now + std::chrono::hours(10));
    CHECK(cache.stats().misses == 2);
    CHECK(cache.stats().size == 1);
}

TEST_CASE("cert cache: errors are returned, counted and not cached", "[tls][cache]") {
    TempDir dir;
    CertCache cache(make_minter(dir), 10);
    const auto bad = cache.get("not a name");
    CHECK_FALSE(bad);
    CHECK(bad.error == "not a host name or IP address: 'not a name'");
    CHECK(cache.stats().errors == 1);
    CHECK(cache.stats().size == 0);
}

TEST_CASE("cert cache: capacity 0 caches nothing", "[tls][cache]") {
    TempDir dir;
    CertCache cache(make_minter(dir), 0);
    const auto first = cache.get("example.com").leaf;
    const auto second = cache.get("example.com").leaf;
    REQUIRE(first != nullptr);
    CHECK(second != first);
    CHECK(cache.stats().misses == 2);
    CHECK(cache.stats().size == 0);
}
