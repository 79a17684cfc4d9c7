// Not a test: hidden ([.bench]) measurements of what minting costs, run by
// scripts/bench_mint.sh, with no timed assertion (CI machines vary too much). The numbers go
// into docs/tls.md.

#include "tls/cert_cache.hpp"
#include "tls/detail/x509_build.hpp"
#include "tls_test_support.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

using namespace uaudit::tls;
using uaudit::tls::test::make_test_ca;
using uaudit::tls::test::TempDir;
using SteadyClock = std::chrono::steady_clock;

namespace {

// Runs `step` `count` times; prints the median and p99 of single calls in microseconds.
template <class Step>
void measure(const char* label, int count, Step step) {
    std::vector<double> micros;
    micros.reserve(static_cast<std::size_t>(count));
    for (int i = 0; i < count; ++i) {
        const auto start = SteadyClock::now();
        step(i);
        micros.push_back(
            std::chrono::duration<double, std::micro>(SteadyClock::now() - start).count());
    }
    std::sort(micros.begin(), micros.end());
    const auto at = [&](double q) {
        return micros[std::min(micros.size() - 1,
                               static_cast<std::size_t>(q * static_cast<double>(micros.size())))];
    };
    std::printf("%-46s n=%5d  median %8.1f us  p99 %8.1f us\n", label, count, at(0.5), at(0.99));
}

void bench_ca(const char* ca_label, CaKeyType type) {
    TempDir dir;
    CaOptions options;
    options.key_type = type;
    const auto ca = make_test_ca(dir, options);
    REQUIRE(ca);
    const auto minter = std::make_shared<const LeafMinter>(ca, MinterOptions{});
    std::printf("CA %s\n", ca_label);
    measure("  mint (shared P-256 leaf key)", 2000,
            [&](int i) { REQUIRE(minter->mint("host" + std::to_string(i) + ".example")); });
    CertCache cache(minter, 100000);
    measure("  cache get, miss (mint + insert)", 2000,
            [&](int i) { REQUIRE(cache.get("new" + std::to_string(i) + ".example")); });
    measure("  cache get, hit", 20000,
            [&](int i) { REQUIRE(cache.get("new" + std::to_string(i % 2000) + ".example")); });
}

}  // namespace

TEST_CASE("bench: minting cost", "[.bench]") {
    std::string error;
    measure("P-256 key pair (what a key per leaf would add)", 2000,
            [&](int) { REQUIRE(detail::generate_legacy_ec_p256(error)); });
    bench_ca("EC P-256 (default)", CaKeyType::ec_p256);
    bench_ca("RSA 2048", CaKeyType::rsa_2048);
}
