#!/usr/bin/env bash
# Checks every #include "<module>/..." in proxy/ against the allowed dependency direction
# (docs/architecture.md): a module may include only itself and the modules listed for it.
set -euo pipefail
cd "$(dirname "$0")/.."

declare -A allowed=(
    [core]="core"
    [compliance]="compliance core"
    [config]="config compliance core"
    [audit]="audit config compliance core"
    [tls]="tls config core"
    [http]="http core"
    [report]="report audit config compliance core"
    [server]="server http tls audit report config compliance core"
    [cli]="cli server report audit tls http config compliance core"
)

status=0
while IFS= read -r -d '' file; do
    module=${file#proxy/}
    module=${module%%/*}
    if [[ -z "${allowed[$module]+x}" ]]; then
        echo "layers: $file: module '$module' is not in scripts/check_layers.sh" >&2
        status=1
        continue
    fi
    while IFS= read -r line; do
        included=$(sed -E 's/^[[:space:]]*#[[:space:]]*include[[:space:]]+"([a-z_]+)\/.*/\1/' <<<"$line")
        if [[ " ${allowed[$module]} " != *" $included "* ]]; then
            echo "layers: $file includes \"$included/...\": $module may include only: ${allowed[$module]}" >&2
            status=1
        fi
    done < <(grep -E '^[[:space:]]*#[[:space:]]*include[[:space:]]+"[a-z_]+/' "$file" || true)
done < <(find proxy -name '*.cpp' -print0 -o -name '*.hpp' -print0)

if ((status == 0)); then
    echo "layers: ok"
fi
exit $status
