#!/usr/bin/env bash
# Regenerates the golden reports tests/golden/report-<log>.<ext> from the golden event logs
# with a built uaudit (default build/release/uaudit). Review the diff before committing:
# tests/unit/cli/report_golden_test.cpp compares every report byte for byte.
set -euo pipefail
cd "$(dirname "$0")/.."
binary=${1:-build/release/uaudit}
for log in all-kinds rewrite compliant; do
    for ext in json md html xml csv; do
        # Exit 1 is the report's FAIL/NO-DATA verdict, not an error.
        "$binary" report --events "tests/golden/events-$log.jsonl" \
            -o "tests/golden/report-$log.$ext" 2>/dev/null || [[ $? -eq 1 ]]
    done
done
echo "golden reports written to tests/golden/"
