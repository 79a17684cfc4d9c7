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
    packages+=(curl python3-requests nginx-light clang-format)
fi

missing=()
for package in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$package")
    fi
done
if ((${#missing[@]} == 0)); then
    exit 0
fi

echo "uaudit: installing ${missing[*]}" >&2
sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then
    sudo_cmd=(sudo)
fi
"${sudo_cmd[@]}" apt-get update -q
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends \
    "${missing[@]}"
