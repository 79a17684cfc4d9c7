#!/usr/bin/env bash
# Measures `uaudit report` throughput: generates N request records (default 500000, mixed
# compliant / noncompliant, 50 endpoints, 40 User-Agents, 2 instances), reports them as JSON
# and prints records per second and the peak RSS. Usage:
#   scripts/report_throughput.sh [N] [UAUDIT_BINARY]
# The generated log lives in a temporary directory removed at exit.
set -euo pipefail

records=${1:-500000}
binary=${2:-"$(dirname "$0")/../build/uaudit"}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python3 - "$records" "$work/events.jsonl" <<'PY'
import json, sys
n, path = int(sys.argv[1]), sys.argv[2]
uas = ["MdePartner-Contoso-ContosoCognito/1.0.0"] * 30 + [
    "python-requests/2.31.0", "Go-http-client/1.1", "curl/8.5.0", "okhttp/4.12.0",
    "azsdk-python-identity/1.15.0 Python/3.11.6", "axios/1.6.2", None,
    "mdepartner-Contoso-ContosoCognito/1.0", "Java-http-client/17.0.9", "node"]
bad = {"code": "UA005", "severity": "error",
       "message": "no MdePartner product token: the header must start with "
                  "MdePartner-{CompanyName}-{ProductName}/{Version}"}
with open(path, "w") as out:
    for i in range(n):
        ua = uas[i % len(uas)]
        ok = ua == uas[0]
        ep = i % 50
        sec, ms = divmod(i * 7, 1000)
        rec = {"v": 1, "ts": "2026-11-25T%02d:%02d:%02d.%03dZ" % (
                   sec // 3600 % 24, sec // 60 % 60, sec % 60, ms),
               "id": "%032x" % i, "instance": "lab-%d" % (i % 2), "kind": "request",
               "client": "127.0.0.1:%d" % (40000 + i % 1000), "via": "intercept",
               "method": "GET", "scheme": "https", "host": "api.security.microsoft.com",
               "port": 443, "path": "/api/machines/%040x/x%d" % (i, ep),
               "endpoint": "/api/machines/{sha1}/x%d" % ep, "operation": None,
               "query_keys": ["$top"], "ua": ua, "ua_fields": 0 if ua is None else 1,
               "verdict": "compliant" if ok else "noncompliant",
               "findings": [] if ok else [bad], "action": "pass", "ua_sent": ua,
               "status": 200, "bytes_in": 400, "bytes_out": 1200, "duration_ms": 12.5,
               "upstream_ms": 11.25, "error": None,
               "client_process": {"pid": 4242, "exe": "python3", "cmd": "python3 sync.py"}}
        out.write(json.dumps(rec, separators=(",", ":")) + "\n")
PY

size=$(stat -c %s "$work/events.jsonl")
start=$(date +%s.%N)
/usr/bin/time -f '%M' -o "$work/rss" "$binary" report --events "$work/events.jsonl" \
    --format json -o "$work/report.json" 2>/dev/null || true
end=$(date +%s.%N)
python3 - "$records" "$size" "$start" "$end" "$(tail -n 1 "$work/rss")" <<'PY'
import sys
n, size, start, end, rss = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
secs = end - start
print("records=%d log=%.1f MB time=%.2f s -> %.0f records/s, %.1f MB/s, peak RSS %.1f MB"
      % (n, size / 1e6, secs, n / secs, size / 1e6 / secs, rss / 1024))
PY
