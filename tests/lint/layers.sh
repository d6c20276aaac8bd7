#!/usr/bin/env bash
# Lint: the layering of src/. A file in src/<layer>/ may include only headers
# of the layers it is allowed to see (the matrix below), and third-party
# headers only in the layer that owns that library. Prints file:line for
# each violation.
#
#   L5  app (may include everything)      cli (everything but http)
#   L4  http
#   L3  graph   oauth      (not each other)
#   L2  store   crypto     (not each other)
#   L1  model
#   L0  core
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."

# Which project layers each layer may include (its own always included).
declare -A allowed=(
    [core]="core"
    [model]="core model"
    [store]="core model store"
    [crypto]="core model crypto"
    [graph]="core model store crypto graph"
    [oauth]="core model store crypto oauth"
    [http]="core model store crypto graph oauth http"
    [cli]="core model store crypto graph oauth cli"
    [app]="core model store crypto graph oauth http cli app"
)

# Third-party headers owned by one layer: a regex on the <...> path, and its layer.
owned_patterns=(
    '^sqlite3\.h$' '^libpq-fe\.h$' '^libpq/'
    '^openssl/' '^jose/' '^argon2\.h$'
    '^microhttpd\.h$' '^gnutls/'
)
owned_layers=(
    store store store
    crypto crypto crypto
    http http
)

files=()
while IFS= read -r f; do
    files+=("$f")
done < <(find src -type f \( -name '*.c' -o -name '*.h' \) | sort)
if ((${#files[@]} == 0)); then
    echo "layers.sh: no C files under src/" >&2
    exit 1
fi

violations=()
for f in "${files[@]}"; do
    rel=${f#src/}
    layer=${rel%%/*}
    if [[ "$rel" != */* || -z "${allowed[$layer]+x}" ]]; then
        violations+=("$f:1: not inside a known layer directory (add it to tests/lint/layers.sh)")
        continue
    fi
    dir=$(dirname "$f")
    while IFS= read -r hit; do
        line=${hit%%:*}
        text=${hit#*:}
        if [[ "$text" =~ ^[[:space:]]*#[[:space:]]*include[[:space:]]*\"([^\"]+)\" ]]; then
            inc=${BASH_REMATCH[1]}
            target=""
            # Resolve like the compiler: next to the file first, then from src/.
            if [[ -f "$dir/$inc" ]]; then
                resolved=$(realpath -m --relative-to=src "$dir/$inc")
                if [[ "$resolved" == ../* || "$resolved" != */* ]]; then
                    violations+=("$f:$line: includes \"$inc\", outside the layer directories")
                    continue
                fi
                target=${resolved%%/*}
            elif [[ "$inc" == */* ]]; then
                target=${inc%%/*}
            fi
            # Generated or unknown headers are not ours to judge.
            [[ -n "$target" && -n "${allowed[$target]+x}" ]] || continue
            if [[ " ${allowed[$layer]} " != *" $target "* ]]; then
                violations+=("$f:$line: $layer/ must not include $target/ header \"$inc\"")
            fi
        elif [[ "$text" =~ ^[[:space:]]*#[[:space:]]*include[[:space:]]*\<([^\>]+)\> ]]; then
            inc=${BASH_REMATCH[1]}
            for i in "${!owned_patterns[@]}"; do
                if [[ "$inc" =~ ${owned_patterns[$i]} && "$layer" != "${owned_layers[$i]}" ]]; then
                    violations+=("$f:$line: <$inc> may be included only in src/${owned_layers[$i]}/")
                fi
            done
        fi
    done < <(grep -nE '^[[:space:]]*#[[:space:]]*include' "$f" || true)
done

if ((${#violations[@]} > 0)); then
    printf '%s\n' "${violations[@]}"
    echo "layers.sh: ${#violations[@]} layering violation(s); see the matrix in tests/lint/layers.sh"
    exit 1
fi
