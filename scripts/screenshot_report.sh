#!/usr/bin/env bash
# Renders the HTML report of the golden event logs with headless Chromium, as a laptop screen
# (1366 px wide) and in print (PDF pages as PNG), into docs/report-screenshots/. Run by hand
# after a change to the HTML renderer, then look at the pictures.
set -euo pipefail
cd "$(dirname "$0")/.."
binary=${1:-build/release/uaudit}
for package in chromium poppler-utils; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$package"
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
out=docs/report-screenshots
mkdir -p "$out"
"$binary" report --events tests/golden/events-all-kinds.jsonl \
    --events tests/golden/events-rewrite.jsonl -o "$work/report.html" || [[ $? -eq 1 ]]
chrome=(chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run
        --disable-background-networking --disable-component-update --disable-sync
        --user-data-dir="$work/profile")
"${chrome[@]}" --window-size=1366,1300 --screenshot="$out/laptop.png" \
    "file://$work/report.html" 2>/dev/null
"${chrome[@]}" --print-to-pdf="$work/report.pdf" "file://$work/report.html" 2>/dev/null
pdftoppm -png -r 60 -f 1 -l 2 "$work/report.pdf" "$out/print"
ls -l "$out"
