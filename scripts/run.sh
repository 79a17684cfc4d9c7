#!/usr/bin/env bash
# First command of the README: installs what is missing, builds, and starts the proxy.
# Arguments go to `uaudit run` (e.g. scripts/run.sh -c config/sample.yaml).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install_deps.sh
scripts/build.sh release
exec build/release/uaudit run "$@"
