#!/usr/bin/env bash
# Configures and builds one flavour of uaudit: scripts/build.sh [release|sanitize] [cmake args]
set -euo pipefail
cd "$(dirname "$0")/.."

flavour=${1:-release}
shift || true
case "$flavour" in
    release) args=(-DCMAKE_BUILD_TYPE=Release) ;;
    sanitize) args=(-DCMAKE_BUILD_TYPE=Debug -DUAUDIT_SANITIZE=ON) ;;
    *) echo "usage: scripts/build.sh [release|sanitize] [cmake args...]" >&2; exit 2 ;;
esac

cmake -S . -B "build/$flavour" -G Ninja "${args[@]}" "$@" >/dev/null
cmake --build "build/$flavour" -j "$(nproc)"
