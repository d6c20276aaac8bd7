#!/usr/bin/env bash
# Install the Debian packages Atrium needs to build, run and test, idempotently:
# only the missing ones are installed, and apt is not touched when none is.
# Usage: scripts/deps.sh [EXTRA_PACKAGE...]   (also: ATRIUM_EXTRA_PACKAGES="a b")
# Runs apt-get as root, through sudo when not root, or prints what to install.
set -euo pipefail

# The package lists. To add a dependency, append it to the matching group.
build_packages=(
    build-essential cmake pkg-config
    libmicrohttpd-dev libjansson-dev libssl-dev libjose-dev libargon2-dev
    libsqlite3-dev libpq-dev
)
tool_packages=(
    jose sqlite3 openssl ca-certificates curl jq
)
test_packages=(
    libcmocka-dev clang-format wrk
    dnsmasq-base # the DNS server of the domain-verification e2e (no system service, unlike dnsmasq)
)

read -r -a env_extra <<<"${ATRIUM_EXTRA_PACKAGES:-}"
wanted=("${build_packages[@]}" "${tool_packages[@]}" "${test_packages[@]}" "${env_extra[@]}" "$@")

missing=()
for pkg in "${wanted[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    if [[ "$status" != "install ok installed" ]]; then
        missing+=("$pkg")
    fi
done
if ((${#missing[@]} == 0)); then
    exit 0
fi

if [[ "$(id -u)" -eq 0 ]]; then
    as_root=()
elif command -v sudo >/dev/null 2>&1; then
    as_root=(sudo)
else
    echo "deps.sh: these packages are missing and I am neither root nor have sudo:" >&2
    echo "  ${missing[*]}" >&2
    echo "Install them as root with:" >&2
    echo "  apt-get update && apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
fi

log=$(mktemp "${TMPDIR:-/tmp}/atrium-deps.XXXXXX")
trap 'rm -f "$log"' EXIT
apt_env=(env DEBIAN_FRONTEND=noninteractive)
if ! "${as_root[@]}" "${apt_env[@]}" apt-get update -q >"$log" 2>&1 ||
    ! "${as_root[@]}" "${apt_env[@]}" apt-get install -y -q --no-install-recommends \
        "${missing[@]}" >>"$log" 2>&1; then
    cat "$log" >&2
    echo "deps.sh: failed to install: ${missing[*]}" >&2
    exit 1
fi
