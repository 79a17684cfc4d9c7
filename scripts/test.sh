#!/usr/bin/env bash
# Second command of the README (and what CI runs): installs what is missing, then builds and
# tests the release build (warnings as errors) and the ASan+UBSan build, and checks format
# and layering.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install_deps.sh --test

echo "== format and layering"
scripts/check_format.sh
scripts/check_layers.sh

echo "== release build (-Werror)"
scripts/build.sh release -DUAUDIT_WERROR=ON
(cd build/release && ctest --output-on-failure -j "$(nproc)")

echo "== sanitizer build (ASan + UBSan)"
scripts/build.sh sanitize -DUAUDIT_WERROR=ON
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
(cd build/sanitize && ctest --output-on-failure -j "$(nproc)")
