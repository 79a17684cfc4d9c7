#!/usr/bin/env bash
# Fails when a C++ file under proxy/, tests/ or tools/ differs from .clang-format.
set -euo pipefail
cd "$(dirname "$0")/.."
git ls-files -z --cached --others --exclude-standard -- 'proxy/*.cpp' 'proxy/*.hpp' \
    'tests/*.cpp' 'tests/*.hpp' 'tools/*.cpp' 'tools/*.hpp' | xargs -0 -r clang-format --dry-run -Werror
echo "format: ok"
