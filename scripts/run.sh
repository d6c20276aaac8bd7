#!/usr/bin/env bash
# Quick start 1: install the dependencies, build a release binary in build/
# and run the server with a development TLS certificate. Extra arguments go
# to `atrium serve`; the data directory is $ATRIUM_DATA (default ./data).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

bash scripts/deps.sh

log=$(mktemp "${TMPDIR:-/tmp}/atrium-build.XXXXXX")
trap 'rm -f "$log"' EXIT
quiet() {
    if ! "$@" >"$log" 2>&1; then
        cat "$log" >&2
        echo "run.sh: failed: $*" >&2
        exit 1
    fi
}
quiet cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DATRIUM_BUILD_TESTS=OFF
quiet cmake --build build -j"$(nproc)" --target atrium
rm -f "$log"
trap - EXIT

exec build/atrium serve --data "${ATRIUM_DATA:-./data}" --dev-tls "$@"
