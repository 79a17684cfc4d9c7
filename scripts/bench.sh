#!/usr/bin/env bash
# Plain-HTTP throughput of uaudit's forward proxy, side by side with the load sent directly to
# the origin, HAProxy (reverse proxy that sets the User-Agent), Squid and tinyproxy (forward
# proxies). Loopback only, every run bounded; prints a Markdown table (docs/benchmark.md).
#
# Usage: scripts/bench.sh
# Environment:
#   BENCH_CONNS="1 16 64"   wrk connection counts
#   BENCH_DURATION=10       seconds per measured run (1-10; a trailing "s" is accepted)
#   BENCH_REPEATS=1         runs per (proxy, connections); the table shows medians
#   BENCH_PIN=0             1: proxy alone on CPU 0, wrk and the origin on CPU 1 (taskset)
#   BENCH_PROXIES="direct uaudit haproxy squid tinyproxy"
#   BENCH_UAUDIT=build/release/uaudit   (built with scripts/build.sh release when missing)
#   BENCH_UAUDIT_THREADS=1  uaudit io threads (HAProxy runs one thread, Squid one process)
#   BENCH_WARMUP=1          seconds of unmeasured load before each run (0 = none)
#   BENCH_KEEP=0            1: keep the scratch directory (logs, configurations, results)
# CPU per request = the proxy process's utime+stime (/proc/PID/stat, its threads and
# children included) during the run / responses served; peak RSS = VmHWM of the proxy.
# A && B || die: die when either check fails, as meant. (shellcheck SC2015)
# shellcheck disable=SC2015
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
here=$root/scripts/bench

conns=${BENCH_CONNS:-1 16 64}
duration=${BENCH_DURATION:-10}
duration=${duration%s}
repeats=${BENCH_REPEATS:-1}
pin=${BENCH_PIN:-0}
proxies=${BENCH_PROXIES:-direct uaudit haproxy squid tinyproxy}
uaudit_bin=${BENCH_UAUDIT:-$root/build/release/uaudit}
uaudit_threads=${BENCH_UAUDIT_THREADS:-1}
warmup=${BENCH_WARMUP:-1}
ua="MdePartner-Contoso-ContosoCognito/1.0.0"
origin_host=api.securitycenter.microsoft.com

die() {
    echo "bench: $*" >&2
    exit 1
}
[[ $duration =~ ^[0-9]+$ ]] && ((duration >= 1 && duration <= 10)) ||
    die "BENCH_DURATION must be 1 to 10 seconds, got '${BENCH_DURATION:-}'"
[[ $repeats =~ ^[0-9]+$ ]] && ((repeats >= 1 && repeats <= 9)) || die "BENCH_REPEATS must be 1 to 9"
[[ $warmup =~ ^[0-9]+$ ]] && ((warmup <= 5)) || die "BENCH_WARMUP must be 0 to 5 seconds"
for c in $conns; do
    [[ $c =~ ^[0-9]+$ ]] && ((c >= 1 && c <= 1024)) || die "bad connection count '$c'"
done
for p in $proxies; do
    case $p in
        direct | uaudit | haproxy | squid | tinyproxy) ;;
        *) die "unknown proxy '$p' (direct uaudit haproxy squid tinyproxy)" ;;
    esac
done

# --- what the bench needs, from Debian's archive (idempotent) --------------------------------
packages=(wrk nginx-light haproxy squid-openssl tinyproxy curl util-linux)
missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
        missing+=("$package")
done
if ((${#missing[@]} > 0)); then
    echo "bench: installing ${missing[*]}" >&2
    sudo_cmd=()
    [[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
    "${sudo_cmd[@]}" apt-get update -q >&2
    # The packages' own services are not wanted; a container's policy-rc.d may refuse them anyway.
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -q \
        --no-install-recommends "${missing[@]}" >&2
fi
if [[ " $proxies " == *" uaudit "* && ! -x $uaudit_bin ]]; then
    echo "bench: building $uaudit_bin" >&2
    nice -n 5 "$root/scripts/build.sh" release >&2
fi

# --- scratch directory and process bookkeeping -----------------------------------------------
work=$(mktemp -d "${TMPDIR:-/tmp}/uaudit-bench.XXXXXX")
chmod 0711 "$work" # the origin's workers and Squid drop root and must reach their files
mkdir -p "$work"/{run,log,tmp,squid,tinyproxy,uaudit,out}
started=() # every PID this script started, stopped by PID at exit

stop_pid() {
    local pid=$1 i
    kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null || true
}
cleanup() {
    local pid
    for pid in "${started[@]}"; do
        stop_pid "$pid"
    done
    if [[ ${BENCH_KEEP:-0} == 1 ]]; then
        echo "bench: kept $work" >&2
    else
        rm -rf "$work"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Starts "$@" in the background on CPU $1 when pinned; sets started_pid. taskset execs the
# command, so the PID is the program's own.
start_on() {
    local cpu=$1 name=$2
    shift 2
    local affinity=()
    [[ $pin == 1 ]] && affinity=(taskset -c "$cpu")
    "${affinity[@]}" "$@" >"$work/log/$name.out" 2>&1 &
    started_pid=$!
    started+=("$started_pid")
}

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
used_ports=" "
free_port() {
    local port
    while :; do
        port=$((20000 + RANDOM % 30000))
        [[ $used_ports == *" $port "* ]] && continue
        listening "$port" && continue
        used_ports+="$port "
        echo "$port"
        return
    done
}
wait_listening() { # port pid name
    local i
    for ((i = 0; i < 100; i++)); do
        listening "$1" && return 0
        kill -0 "$2" 2>/dev/null || break
        sleep 0.1
    done
    tail -n 20 "$work/log/$3.out" "$work"/log/*.log "$work"/squid/cache.log 2>/dev/null >&2 || true
    die "$3 did not listen on 127.0.0.1:$1"
}

# utime+stime+cutime+cstime of a process and its live descendants, in clock ticks.
cpu_ticks() {
    local pid=$1 total child
    # Fields after "(comm)": 12-15 are utime stime cutime cstime.
    total=$(sed 's/^.*) //' "/proc/$pid/stat" | awk '{ print $12 + $13 + $14 + $15 }')
    # shellcheck disable=SC2013 # PIDs separated by spaces
    for child in $(cat /proc/"$pid"/task/*/children 2>/dev/null); do
        total=$((total + $(cpu_ticks "$child")))
    done
    echo "$total"
}
peak_rss_kb() { awk '/^VmHWM:/ { print $2 }' "/proc/$1/status"; }
tck=$(getconf CLK_TCK)

render() { # template output [extra sed expressions...]
    local template=$1 output=$2
    shift 2
    sed -e "s|@S@|$work|g" -e "s|@P_UP@|$p_up|g" -e "s|@P_PROXY@|$p_proxy|g" \
        -e "s|@THREADS@|$uaudit_threads|g" "$@" "$template" >"$output"
}

# --- the origin --------------------------------------------------------------------------------
p_up=$(free_port)
p_proxy=$(free_port)
body=$(cat "$here/machines.json")
render "$here/upstream-nginx.conf" "$work/nginx.conf.tmp"
awk -v body="$body" '{ gsub(/@BODY@/, body) } 1' "$work/nginx.conf.tmp" >"$work/nginx.conf"
start_on 1 nginx nginx -e "$work/log/nginx.error.log" -p "$work" -c "$work/nginx.conf"
nginx_pid=$started_pid
wait_listening "$p_up" "$nginx_pid" nginx
[[ $(curl -s --max-time 5 "http://127.0.0.1:$p_up/api/machines" | wc -c) == 1024 ]] ||
    die "the origin does not serve the 1 KB body"

render "$here/haproxy.cfg" "$work/haproxy.cfg"
render "$here/squid.conf" "$work/squid.conf"
render "$here/tinyproxy.conf" "$work/tinyproxy.conf"
render "$here/uaudit.yaml" "$work/uaudit.yaml"
echo "127.0.0.1 $origin_host" >"$work/squid/hosts"
chown -R proxy:proxy "$work/squid" 2>/dev/null || true
chown -R nobody:nogroup "$work/tinyproxy" 2>/dev/null || true

# How each proxy is reached: wrk's URL, the absolute-form target ("" = origin-form), and the
# proxy to pass to curl for the sanity check.
target() {
    case $1 in
        direct) url=http://127.0.0.1:$p_up abs="" ;;
        uaudit) url=http://127.0.0.1:$p_proxy abs=http://$origin_host/api/machines ;;
        haproxy) url=http://127.0.0.1:$p_proxy abs="" ;;
        squid) url=http://127.0.0.1:$p_proxy abs=http://$origin_host:$p_up/api/machines ;;
        # tinyproxy resolves names with the system resolver only: name the origin by address.
        tinyproxy) url=http://127.0.0.1:$p_proxy abs=http://127.0.0.1:$p_up/api/machines ;;
    esac
}

start_proxy() { # name; sets proxy_pid ("" for direct)
    proxy_pid=""
    case $1 in
        direct) return 0 ;;
        uaudit)
            rm -f "$work"/uaudit/events*.jsonl
            start_on 0 uaudit "$uaudit_bin" run -c "$work/uaudit.yaml"
            ;;
        haproxy) start_on 0 haproxy haproxy -db -f "$work/haproxy.cfg" ;;
        squid) start_on 0 squid squid -N -f "$work/squid.conf" ;;
        tinyproxy) start_on 0 tinyproxy tinyproxy -d -c "$work/tinyproxy.conf" ;;
    esac
    proxy_pid=$started_pid
    wait_listening "$p_proxy" "$proxy_pid" "$1"
}

check_proxy() { # name: one request through it must return the 1 KB body
    local got
    if [[ -n $abs ]]; then
        got=$(curl -s --max-time 5 -A "$ua" -x "$url" -o "$work/out/check" -w '%{http_code}' "$abs")
    else
        got=$(curl -s --max-time 5 -A "$ua" -H "Host: $origin_host" -o "$work/out/check" \
            -w '%{http_code}' "$url/api/machines")
    fi
    [[ $got == 200 && $(wc -c <"$work/out/check") == 1024 ]] ||
        die "$1: sanity request answered $got with $(wc -c <"$work/out/check") bytes"
}

run_wrk() { # conns seconds output
    local threads=1
    ((pin == 0 && $1 >= 2)) && threads=2
    local affinity=()
    [[ $pin == 1 ]] && affinity=(taskset -c 1)
    WRK_ABS_URL=$abs WRK_HOST=$origin_host WRK_UA=$ua timeout $(($2 + 10)) \
        "${affinity[@]}" wrk -t "$threads" -c "$1" -d "${2}s" --timeout 5s \
        -s "$here/wrk.lua" "$url/api/machines" >"$3" 2>&1 || true
}

field() { sed -n "s/.*[ ]$1=\([^ ]*\).*/\1/p" "$2"; }

# --- the runs ------------------------------------------------------------------------------
results=$work/results.tsv
: >"$results"
echo "bench: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg), pinned=$pin," \
    "connections: $conns, ${duration}s x $repeats" >&2
for ((r = 1; r <= repeats; r++)); do
    for c in $conns; do
        for p in $proxies; do
            target "$p"
            start_proxy "$p"
            check_proxy "$p"
            ((warmup > 0)) && run_wrk "$c" "$warmup" "$work/out/warmup"
            before=0
            [[ -n $proxy_pid ]] && before=$(cpu_ticks "$proxy_pid")
            out=$work/out/$p-c$c-r$r
            run_wrk "$c" "$duration" "$out"
            cpu_us=- rss_mb=-
            served=$(field served "$out")
            [[ -n $served ]] || {
                cat "$out" >&2
                die "$p: wrk reported no result"
            }
            if [[ -n $proxy_pid ]]; then
                after=$(cpu_ticks "$proxy_pid")
                rss_mb=$(awk -v kb="$(peak_rss_kb "$proxy_pid")" 'BEGIN { printf "%.1f", kb / 1024 }')
                cpu_us=$(awk -v t=$((after - before)) -v hz="$tck" -v n="$served" \
                    'BEGIN { printf "%.1f", (n > 0 ? t / hz * 1e6 / n : 0) }')
                stop_pid "$proxy_pid"
            fi
            note=""
            if [[ $p == uaudit ]]; then
                # Every answered request must have its record (SPEC §8): count them.
                records=$(cat "$work"/uaudit/events*.jsonl 2>/dev/null |
                    grep -c '"kind":"request"' || true)
                note="records=$records"
            fi
            printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$p" "$c" "$r" \
                "$(field rps "$out")" "$(field p50_us "$out")" "$(field p99_us "$out")" \
                "$cpu_us" "$rss_mb" "$(field errors "$out")" "$served" "$note" >>"$results"
            printf 'bench: %-9s c=%-3s run %s: %s req/s, p50 %s us, p99 %s us, CPU %s us/req, RSS %s MB, served %s, errors %s (connect %s, timeout %s, status %s, write %s; read %s) %s\n' \
                "$p" "$c" "$r" "$(field rps "$out")" "$(field p50_us "$out")" \
                "$(field p99_us "$out")" "$cpu_us" "$rss_mb" "$served" \
                "$(field errors "$out")" "$(field err_connect "$out")" "$(field err_timeout "$out")" \
                "$(field err_status "$out")" "$(field err_write "$out")" "$(field rd_err "$out")" \
                "$note" >&2
        done
    done
done

# --- the table: medians over the repeats ------------------------------------------------------
median() { # column proxy conns
    awk -F'\t' -v p="$2" -v c="$3" -v col="$1" '$1 == p && $2 == c { print $col }' "$results" |
        sort -g | awk '{ v[NR] = $1 } END {
            if (NR == 0 || v[1] == "-") { print "-"; exit }
            m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
            print m }'
}
one_decimal() { [[ $1 == - ]] && echo - || awk -v v="$1" 'BEGIN { printf "%.1f", v }'; }
echo
echo "| Proxy | Conns | req/s | p50 ms | p99 ms | CPU µs/req | Peak RSS MB | Errors |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
for c in $conns; do
    for p in $proxies; do
        rps=$(median 4 "$p" "$c")
        p50=$(median 5 "$p" "$c")
        p99=$(median 6 "$p" "$c")
        errors=$(awk -F'\t' -v p="$p" -v c="$c" '$1 == p && $2 == c { s += $9 } END { print s + 0 }' \
            "$results")
        printf '| %s | %s | %.0f | %.2f | %.2f | %s | %s | %s |\n' "$p" "$c" "$rps" \
            "$(awk -v u="$p50" 'BEGIN { print u / 1000 }')" \
            "$(awk -v u="$p99" 'BEGIN { print u / 1000 }')" \
            "$(one_decimal "$(median 7 "$p" "$c")")" "$(one_decimal "$(median 8 "$p" "$c")")" \
            "$errors"
    done
done
echo
echo "Medians of $repeats run(s) of ${duration}s; pinned=$pin; $(nproc) CPUs;" \
    "load average at the end $(cut -d' ' -f1-3 /proc/loadavg)."
