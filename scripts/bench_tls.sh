#!/usr/bin/env bash
# HTTPS throughput of uaudit intercepting CONNECT tunnels, side by side in the same run with
# the load sent straight to the TLS origin, Squid with ssl-bump and mitmdump (both also
# terminating TLS with a CA of their own), with keep-alive on and off. The load client is
# uaudit_load (tools/uaudit_load). Loopback only, every run bounded; prints a Markdown table
# (docs/benchmark-tls.md).
#
# Usage: scripts/bench_tls.sh
# Environment:
#   BENCH_CONNS="16"          connection counts
#   BENCH_DURATION=10         seconds per measured run (1-60; a trailing "s" is accepted)
#   BENCH_REPEATS=1           runs per (proxy, keep-alive, connections); the table shows medians
#   BENCH_PIN=0               1: proxy alone on CPU 0, the load and the origin on CPU 1 (taskset)
#   BENCH_PROXIES="direct uaudit squid mitmdump"
#   BENCH_KEEPALIVE="on off"  off: a new TCP connection + CONNECT + TLS handshake per request
#   BENCH_UAUDIT=build/release/uaudit       (built when missing)
#   BENCH_LOAD=build/release/uaudit_load    (built when missing)
#   BENCH_UAUDIT_THREADS=1    uaudit io threads (Squid and mitmdump run one process)
#   BENCH_WARMUP=1            seconds of unmeasured load before each run (0 = none)
#   BENCH_KEEP=0              1: keep the scratch directory (logs, configurations, results)
# CPU per request = the proxy process's utime+stime (/proc/PID/stat, its threads and
# children included: Squid's certificate helpers) during the run / responses; peak RSS =
# VmHWM of the proxy process. A uaudit that cannot intercept (its TLS interception is new)
# is reported as n/a with the reason instead of failing the run.
# A && B || die: die when either check fails, as meant. (shellcheck SC2015)
# shellcheck disable=SC2015
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
here=$root/scripts/bench_tls

conns=${BENCH_CONNS:-16}
duration=${BENCH_DURATION:-10}
duration=${duration%s}
repeats=${BENCH_REPEATS:-1}
pin=${BENCH_PIN:-0}
proxies=${BENCH_PROXIES:-direct uaudit squid mitmdump}
keepalives=${BENCH_KEEPALIVE:-on off}
uaudit_bin=${BENCH_UAUDIT:-$root/build/release/uaudit}
load_bin=${BENCH_LOAD:-$root/build/release/uaudit_load}
uaudit_threads=${BENCH_UAUDIT_THREADS:-1}
warmup=${BENCH_WARMUP:-1}
ua="MdePartner-Contoso-ContosoCognito/1.0.0"
origin_host=api.securitycenter.microsoft.com

die() {
    echo "bench_tls: $*" >&2
    exit 1
}
[[ $duration =~ ^[0-9]+$ ]] && ((duration >= 1 && duration <= 60)) ||
    die "BENCH_DURATION must be 1 to 60 seconds, got '${BENCH_DURATION:-}'"
[[ $repeats =~ ^[0-9]+$ ]] && ((repeats >= 1 && repeats <= 9)) || die "BENCH_REPEATS must be 1 to 9"
[[ $warmup =~ ^[0-9]+$ ]] && ((warmup <= 5)) || die "BENCH_WARMUP must be 0 to 5 seconds"
[[ $uaudit_threads =~ ^[0-9]+$ ]] && ((uaudit_threads >= 1 && uaudit_threads <= 64)) ||
    die "BENCH_UAUDIT_THREADS must be 1 to 64"
for c in $conns; do
    [[ $c =~ ^[0-9]+$ ]] && ((c >= 1 && c <= 1024)) || die "bad connection count '$c'"
done
for p in $proxies; do
    case $p in
        direct | uaudit | squid | mitmdump) ;;
        *) die "unknown proxy '$p' (direct uaudit squid mitmdump)" ;;
    esac
done
for k in $keepalives; do
    [[ $k == on || $k == off ]] || die "BENCH_KEEPALIVE takes on and/or off, got '$k'"
done

# --- what the bench needs, from Debian's archive (idempotent) --------------------------------
packages=(nginx-light squid-openssl mitmproxy openssl curl util-linux)
missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
        missing+=("$package")
done
if ((${#missing[@]} > 0)); then
    echo "bench_tls: installing ${missing[*]}" >&2
    sudo_cmd=()
    [[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
    "${sudo_cmd[@]}" apt-get update -q >&2
    # The packages' own services are not wanted; a container's policy-rc.d may refuse them anyway.
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -q \
        --no-install-recommends "${missing[@]}" >&2
fi

# Builds the default binaries that are missing (only those targets); a binary named in the
# environment must exist.
build_targets=()
if [[ ! -x $load_bin ]]; then
    [[ -z ${BENCH_LOAD:-} ]] || die "BENCH_LOAD=$load_bin is not an executable"
    build_targets+=(uaudit_load)
fi
if [[ " $proxies " == *" uaudit "* && ! -x $uaudit_bin && -z ${BENCH_UAUDIT:-} ]]; then
    build_targets+=(uaudit)
fi
if ((${#build_targets[@]} > 0)); then
    echo "bench_tls: building ${build_targets[*]} in build/release" >&2
    cmake -S "$root" -B "$root/build/release" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
    nice -n 5 cmake --build "$root/build/release" --target "${build_targets[@]}" >&2
fi
[[ -x $load_bin ]] || die "no load client at $load_bin"

# --- scratch directory and process bookkeeping -----------------------------------------------
work=$(mktemp -d "${TMPDIR:-/tmp}/uaudit-bench-tls.XXXXXX")
chmod 0711 "$work" # the origin's workers and Squid drop root and must reach their files
mkdir -p "$work"/{run,log,tmp,pki,squid,mitmdump,uaudit,out}
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
        echo "bench_tls: kept $work" >&2
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
wait_listening() { # port pid name; 1 (after showing the logs) when it does not listen
    local i
    for ((i = 0; i < 150; i++)); do
        listening "$1" && return 0
        kill -0 "$2" 2>/dev/null || break
        sleep 0.1
    done
    tail -n 20 "$work/log/$3.out" "$work"/log/*.log "$work"/squid/cache.log 2>/dev/null >&2 || true
    return 1
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

# --- certificates: a test CA for the origin, one CA per bumping peer ---------------------------
# EC P-256 everywhere, like the CA uaudit makes: the leaf key type sets the handshake cost, and
# Squid and mitmproxy sign their minted leaves with their CA's key type.
pki=$work/pki
make_ca() { # key cert subject
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$1" -out "$2" \
        -days 2 -subj "/CN=$3" -addext "basicConstraints=critical,CA:TRUE" \
        -addext "keyUsage=critical,keyCertSign,cRLSign" 2>"$work/log/openssl.log" ||
        die "openssl could not make the CA $3"
}
make_ca "$pki/test-ca.key" "$pki/test-ca.crt" "uaudit bench test CA"
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$pki/origin.key" \
    -out "$pki/origin.csr" -subj "/CN=$origin_host" 2>>"$work/log/openssl.log"
printf 'subjectAltName=DNS:%s\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' \
    "$origin_host" >"$pki/origin.ext"
openssl x509 -req -in "$pki/origin.csr" -CA "$pki/test-ca.crt" -CAkey "$pki/test-ca.key" \
    -CAcreateserial -out "$pki/origin.crt" -days 2 -extfile "$pki/origin.ext" \
    2>>"$work/log/openssl.log" || die "openssl could not sign the origin's certificate"
make_ca "$work/squid/ca.key" "$work/squid/ca.crt" "Squid bench CA"
make_ca "$work/mitmdump/ca.key" "$work/mitmdump/ca.crt" "mitmdump bench CA"
# mitmproxy takes its CA (key and certificate in one file) from its confdir.
cat "$work/mitmdump/ca.key" "$work/mitmdump/ca.crt" >"$work/mitmdump/mitmproxy-ca.pem"
chmod 0755 "$pki"
chmod 0644 "$pki"/*.crt

# --- the origin --------------------------------------------------------------------------------
p_up=$(free_port)
p_proxy=$(free_port)
body=$(cat "$root/scripts/bench/machines.json")
render "$here/origin-nginx.conf" "$work/nginx.conf.tmp"
awk -v body="$body" '{ gsub(/@BODY@/, body) } 1' "$work/nginx.conf.tmp" >"$work/nginx.conf"
start_on 1 nginx nginx -e "$work/log/nginx.error.log" -p "$work" -c "$work/nginx.conf"
nginx_pid=$started_pid
wait_listening "$p_up" "$nginx_pid" nginx || die "nginx did not listen on 127.0.0.1:$p_up"
[[ $(curl -s --noproxy '' --max-time 5 --cacert "$pki/test-ca.crt" \
    --resolve "$origin_host:$p_up:127.0.0.1" "https://$origin_host:$p_up/api/machines" |
    wc -c) == 1024 ]] || die "the origin does not serve the 1 KB body over TLS"

render "$here/squid.conf" "$work/squid.conf"
render "$here/uaudit.yaml" "$work/uaudit.yaml"
echo "127.0.0.1 $origin_host" >"$work/squid/hosts"
/usr/lib/squid/security_file_certgen -c -s "$work/squid/ssl_db" -M 16MB >"$work/log/certgen.log" 2>&1 ||
    die "security_file_certgen could not initialise $work/squid/ssl_db"
chown -R proxy:proxy "$work/squid" 2>/dev/null || true

# uaudit's interception CA, made (and exported for the client) with its own CLI. Any failure
# here makes uaudit's rows n/a.
uaudit_na=""
if [[ " $proxies " == *" uaudit "* ]]; then
    if [[ ! -x $uaudit_bin ]]; then
        uaudit_na="no uaudit binary at $uaudit_bin"
    elif ! "$uaudit_bin" ca init -c "$work/uaudit.yaml" >"$work/log/uaudit-ca.log" 2>&1; then
        uaudit_na="'uaudit ca init' failed: $(tail -n 1 "$work/log/uaudit-ca.log")"
    elif ! "$uaudit_bin" ca export -c "$work/uaudit.yaml" >"$pki/uaudit-ca.crt" \
        2>>"$work/log/uaudit-ca.log"; then
        uaudit_na="'uaudit ca export' failed: $(tail -n 1 "$work/log/uaudit-ca.log")"
    fi
fi

# How each is reached: URL, proxy ("" = direct), the CA the client trusts, and the extra
# arguments. uaudit and mitmdump are sent the real name on 443 (their resolve map / addon
# send it to the origin); Squid maps only the name (hosts_file), so its URL names the port.
target() {
    case $1 in
        direct)
            url=https://$origin_host:$p_up/api/machines proxy="" ca=$pki/test-ca.crt
            extra=(--resolve 127.0.0.1)
            ;;
        uaudit)
            url=https://$origin_host/api/machines proxy=127.0.0.1:$p_proxy
            ca=$pki/uaudit-ca.crt extra=()
            ;;
        squid)
            url=https://$origin_host:$p_up/api/machines proxy=127.0.0.1:$p_proxy
            ca=$work/squid/ca.crt extra=()
            ;;
        mitmdump)
            url=https://$origin_host/api/machines proxy=127.0.0.1:$p_proxy
            ca=$work/mitmdump/ca.crt extra=()
            ;;
    esac
}

start_proxy() { # name; sets proxy_pid ("" for direct); 1 when it does not listen
    proxy_pid=""
    case $1 in
        direct) return 0 ;;
        uaudit)
            rm -f "$work"/uaudit/events*.jsonl
            start_on 0 uaudit "$uaudit_bin" run -c "$work/uaudit.yaml"
            ;;
        squid) start_on 0 squid squid -N -f "$work/squid.conf" ;;
        mitmdump)
            # -q: no line per flow on the terminal (mitmdump prints each one by default).
            BENCH_NAME=$origin_host BENCH_ORIGIN_PORT=$p_up start_on 0 mitmdump \
                mitmdump -q --mode regular --listen-host 127.0.0.1 -p "$p_proxy" \
                --set confdir="$work/mitmdump" \
                --set ssl_verify_upstream_trusted_ca="$pki/test-ca.crt" \
                -s "$here/mitm_resolve.py"
            ;;
    esac
    proxy_pid=$started_pid
    wait_listening "$p_proxy" "$proxy_pid" "$1"
}

check_proxy() { # name: one request through it must return the 1 KB body; 1 (why in check_error)
    local got args=(-sS --noproxy '' --max-time 5 -A "$ua" --cacert "$ca" -o "$work/out/check")
    if [[ -n $proxy ]]; then
        args+=(-x "http://$proxy")
    else
        args+=(--resolve "$origin_host:$p_up:127.0.0.1")
    fi
    rm -f "$work/out/check"
    got=$(curl "${args[@]}" -w '%{http_code}' "$url" 2>"$work/out/check.err") || true
    if [[ $got == 200 && $(wc -c <"$work/out/check") == 1024 ]]; then
        return 0
    fi
    local bytes=0
    [[ -f $work/out/check ]] && bytes=$(wc -c <"$work/out/check")
    check_error="curl through it got HTTP '$got' and $bytes bytes ($(head -n 1 "$work/out/check.err"))"
    return 1
}

run_load() { # conns keepalive seconds output
    local threads=1 affinity=() proxy_args=()
    ((pin == 0 && $1 >= 2)) && threads=2
    [[ $pin == 1 ]] && affinity=(taskset -c 1)
    [[ -n $proxy ]] && proxy_args=(--proxy "$proxy")
    timeout $(($3 + 15)) "${affinity[@]}" "$load_bin" --url "$url" "${proxy_args[@]}" \
        "${extra[@]}" --cacert "$ca" -c "$1" -d "$3" --keepalive "$2" --timeout 5s \
        --threads "$threads" --header "User-Agent: $ua" --json >"$4" 2>"$4.err" || true
}

jfield() { grep -o "\"$1\":[0-9.]*" "$2" | head -n 1 | cut -d: -f2; }

# --- the runs ------------------------------------------------------------------------------
results=$work/results.tsv
: >"$results"
echo "bench_tls: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg), pinned=$pin," \
    "connections: $conns, keep-alive: $keepalives, ${duration}s x $repeats" >&2
for ((r = 1; r <= repeats; r++)); do
    for k in $keepalives; do
        for c in $conns; do
            for p in $proxies; do
                target "$p"
                if [[ $p == uaudit && -n $uaudit_na ]]; then
                    printf '%s\t%s\t%s\t%s\tn/a\n' "$p" "$k" "$c" "$r" >>"$results"
                    continue
                fi
                if ! start_proxy "$p"; then
                    [[ $p == uaudit ]] || die "$p did not listen on 127.0.0.1:$p_proxy"
                    uaudit_na="it did not listen on 127.0.0.1:$p_proxy"
                    stop_pid "$proxy_pid"
                    printf '%s\t%s\t%s\t%s\tn/a\n' "$p" "$k" "$c" "$r" >>"$results"
                    continue
                fi
                if ! check_proxy "$p"; then
                    [[ -n $proxy_pid ]] && stop_pid "$proxy_pid"
                    [[ $p == uaudit ]] || die "$p: $check_error"
                    uaudit_na=$check_error
                    banner=$(grep -h -m 1 -i "without inspection" "$work/log/uaudit.out" |
                        sed 's/^ *//' || true)
                    [[ -n $banner ]] && uaudit_na+=" (its start-up banner says: $banner)"
                    echo "bench_tls: uaudit n/a: $uaudit_na" >&2
                    printf '%s\t%s\t%s\t%s\tn/a\n' "$p" "$k" "$c" "$r" >>"$results"
                    continue
                fi
                ((warmup > 0)) && run_load "$c" "$k" "$warmup" "$work/out/warmup"
                before=0
                [[ -n $proxy_pid ]] && before=$(cpu_ticks "$proxy_pid")
                out=$work/out/$p-$k-c$c-r$r
                run_load "$c" "$k" "$duration" "$out"
                cpu_us=- rss_mb=-
                served=$(jfield requests "$out")
                [[ -n $served ]] || {
                    cat "$out" "$out.err" >&2
                    die "$p: uaudit_load reported no result"
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
                errors=$(jfield total "$out")
                printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$p" "$k" "$c" "$r" \
                    "$(jfield rps "$out")" "$(jfield p50 "$out")" "$(jfield p99 "$out")" \
                    "$cpu_us" "$rss_mb" "$errors" "$served" "$note" >>"$results"
                printf 'bench_tls: %-8s keep-alive %-3s c=%-3s run %s: %s req/s, p50 %s us, p99 %s us, CPU %s us/req, RSS %s MB, responses %s, errors %s %s\n' \
                    "$p" "$k" "$c" "$r" "$(jfield rps "$out")" "$(jfield p50 "$out")" \
                    "$(jfield p99 "$out")" "$cpu_us" "$rss_mb" "$served" "$errors" "$note" >&2
                if [[ $errors != 0 ]]; then
                    echo "bench_tls:   errors by kind: $(grep -o '"errors":{[^}]*}' "$out")" >&2
                fi
            done
        done
    done
done

# --- the table: medians over the repeats ------------------------------------------------------
median() { # column proxy keepalive conns
    awk -F'\t' -v p="$2" -v k="$3" -v c="$4" -v col="$1" \
        '$1 == p && $2 == k && $3 == c && $5 != "n/a" { print $col }' "$results" |
        sort -g | awk '{ v[NR] = $1 } END {
            if (NR == 0 || v[1] == "-") { print "-"; exit }
            m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
            print m }'
}
one_decimal() { [[ $1 == - ]] && echo - || awk -v v="$1" 'BEGIN { printf "%.1f", v }'; }
echo
echo "| Proxy | Keep-alive | Conns | req/s | p50 ms | p99 ms | CPU µs/req | Peak RSS MB | Errors |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|"
for k in $keepalives; do
    for c in $conns; do
        for p in $proxies; do
            if ! awk -F'\t' -v p="$p" -v k="$k" -v c="$c" \
                '$1 == p && $2 == k && $3 == c && $5 != "n/a" { found = 1 } END { exit !found }' \
                "$results"; then
                printf '| %s | %s | %s | n/a | n/a | n/a | n/a | n/a | n/a |\n' "$p" "$k" "$c"
                continue
            fi
            rps=$(median 5 "$p" "$k" "$c")
            p50=$(median 6 "$p" "$k" "$c")
            p99=$(median 7 "$p" "$k" "$c")
            errors=$(awk -F'\t' -v p="$p" -v k="$k" -v c="$c" \
                '$1 == p && $2 == k && $3 == c { s += $10 } END { print s + 0 }' "$results")
            printf '| %s | %s | %s | %.0f | %.2f | %.2f | %s | %s | %s |\n' "$p" "$k" "$c" "$rps" \
                "$(awk -v u="$p50" 'BEGIN { print u / 1000 }')" \
                "$(awk -v u="$p99" 'BEGIN { print u / 1000 }')" \
                "$(one_decimal "$(median 8 "$p" "$k" "$c")")" \
                "$(one_decimal "$(median 9 "$p" "$k" "$c")")" "$errors"
        done
    done
done
echo
echo "Medians of $repeats run(s) of ${duration}s; pinned=$pin; $(nproc) CPUs;" \
    "load average at the end $(cut -d' ' -f1-3 /proc/loadavg)."
if [[ -n $uaudit_na ]]; then
    echo "uaudit n/a: $uaudit_na"
fi
