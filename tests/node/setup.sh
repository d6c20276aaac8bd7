#!/usr/bin/env bash
# Install what the real-client node tests need, idempotently:
#  - Debian's chromium (/usr/bin/chromium), driven by playwright-core; never a
#    browser download of playwright's own;
#  - the pinned npm packages of tests/node: `npm ci` from package-lock.json
#    (`npm install` when there is no lock yet), only when node_modules is
#    missing or older than the lock.
# Usage: tests/node/setup.sh   (called by scripts/test.sh; safe to re-run)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

as_root() {
    if [[ "$(id -u)" -eq 0 ]]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        echo "tests/node/setup.sh: need root to run: $*" >&2
        exit 1
    fi
}

# --- Chromium ---------------------------------------------------------------
if [[ ! -x /usr/bin/chromium ]]; then
    echo "tests/node/setup.sh: installing Debian's chromium" >&2
    export DEBIAN_FRONTEND=noninteractive
    if ! as_root apt-get install -y -qq --no-install-recommends chromium >/dev/null; then
        as_root apt-get update -qq
        as_root apt-get install -y -qq --no-install-recommends chromium >/dev/null
    fi
fi

# --- Node and the npm packages ---------------------------------------------
for tool in node npm; do
    command -v "$tool" >/dev/null 2>&1 || {
        echo "tests/node/setup.sh: $tool is not installed (Node.js 20 or later is needed)" >&2
        exit 1
    }
done
major=$(node -p 'process.versions.node.split(".")[0]')
if ((major < 20)); then
    echo "tests/node/setup.sh: Node.js $(node --version) is too old; 20 or later is needed" >&2
    exit 1
fi

cd "$here"
stamp=node_modules/.package-lock.json # written by npm on every install
if [[ -f package-lock.json ]]; then
    if [[ ! -f "$stamp" || package-lock.json -nt "$stamp" ]]; then
        echo "tests/node/setup.sh: npm ci" >&2
        npm ci --no-audit --no-fund --loglevel=error
    fi
elif [[ ! -d node_modules || package.json -nt "$stamp" ]]; then
    echo "tests/node/setup.sh: npm install (no package-lock.json yet)" >&2
    npm install --no-audit --no-fund --loglevel=error
fi
