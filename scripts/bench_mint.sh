#!/bin/sh
# Measures what minting an interception leaf certificate costs (docs/tls.md quotes it):
# builds the tls tests and runs their hidden [.bench] case. Usage: scripts/bench_mint.sh [BUILD_DIR]
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-"$root/build-bench"}
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" --target uaudit_tests_tls
echo "$(nproc) CPU(s): $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
openssl version
"$build/tests/uaudit_tests_tls" "[.bench]"
