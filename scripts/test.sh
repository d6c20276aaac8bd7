#!/usr/bin/env bash
# Quick start 2 and CI: install the dependencies, build with sanitizers and
# -Werror in build-test/, and run every registered test (unit, e2e, lint)
# with ctest. Exits with ctest's status; ctest's summary is the last output.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

bash scripts/deps.sh
bash tests/node/setup.sh

log=$(mktemp "${TMPDIR:-/tmp}/atrium-build.XXXXXX")
trap 'rm -f "$log"' EXIT
quiet() {
    if ! "$@" >"$log" 2>&1; then
        cat "$log" >&2
        echo "test.sh: failed: $*" >&2
        exit 1
    fi
}
quiet cmake -S . -B build-test -DCMAKE_BUILD_TYPE=Debug -DATRIUM_SANITIZE=ON -DATRIUM_WERROR=ON \
    -DATRIUM_BUILD_TESTS=ON
quiet cmake --build build-test -j"$(nproc)"
rm -f "$log"
trap - EXIT

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

status=0
ctest --test-dir build-test --output-on-failure --output-junit ctest-junit.xml \
    --no-tests=error -j2 || status=$?
exit "$status"
