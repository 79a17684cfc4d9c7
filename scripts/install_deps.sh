#!/usr/bin/env bash
# Installs what uaudit needs to build, run and test, from Debian 12's archive.
# Idempotent: when everything is present it only checks (well under a second).
set -euo pipefail

packages=(
    build-essential cmake ninja-build pkg-config
    libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
    libssl-dev libyaml-cpp-dev catch2
)
if [[ "${1:-}" == "--test" ]]; then
    # Real clients and servers the tests drive, and the format check.
    packages+=(curl python3-requests nginx-light clang-format openssl)
fi

missing=()
for package in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$package")
    fi
done
if [[ "${1:-}" == "--test" ]] && ! command -v npm >/dev/null; then
    missing+=(nodejs npm)  # Node's fetch through undici's ProxyAgent is one of the test clients
fi
if ((${#missing[@]} > 0)); then
    echo "uaudit: installing ${missing[*]}" >&2
    sudo_cmd=()
    if [[ $(id -u) -ne 0 ]]; then
        sudo_cmd=(sudo)
    fi
    "${sudo_cmd[@]}" apt-get update -q
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends \
        "${missing[@]}"
fi
if [[ "${1:-}" == "--test" && ! -d "$(dirname "$0")/../tests/node/node_modules/undici" ]]; then
    # The exact versions of tests/node/package-lock.json, from the npm registry.
    npm ci --prefix "$(dirname "$0")/../tests/node" --no-audit --no-fund >&2
fi
