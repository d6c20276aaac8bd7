#!/usr/bin/env bash
# Lint: every C file of src/ and tests/unit/ must already be formatted by
# clang-format 14 with the repository's .clang-format. Lists the files that
# are not, with the first differences, and how to fix them.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."

clang_format=${ATRIUM_CLANG_FORMAT:-}
if [[ -z "$clang_format" ]]; then
    if command -v clang-format-14 >/dev/null 2>&1; then
        clang_format=clang-format-14
    elif command -v clang-format >/dev/null 2>&1; then
        clang_format=clang-format
    else
        echo "format.sh: clang-format 14 is not installed (scripts/deps.sh installs it)" >&2
        exit 1
    fi
fi
version=$("$clang_format" --version)
if [[ "$version" != *"version 14."* ]]; then
    echo "format.sh: need clang-format 14, found: $version" >&2
    echo "  (set ATRIUM_CLANG_FORMAT to a clang-format 14 binary)" >&2
    exit 1
fi

files=()
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    while IFS= read -r f; do
        [[ -f "$f" ]] && files+=("$f")
    done < <(git ls-files -co --exclude-standard -- 'src/*.c' 'src/*.h' 'tests/unit/*.c' \
        'tests/unit/*.h' | sort -u)
else
    while IFS= read -r f; do
        files+=("$f")
    done < <(find src tests/unit -type f \( -name '*.c' -o -name '*.h' \) 2>/dev/null | sort)
fi
if ((${#files[@]} == 0)); then
    echo "format.sh: no C files found under src/ or tests/unit/" >&2
    exit 1
fi

bad=()
report=""
for f in "${files[@]}"; do
    if ! out=$("$clang_format" --style=file --dry-run -Werror "$f" 2>&1); then
        bad+=("$f")
        count=$(grep -c 'error:' <<<"$out" || true)
        report+="$f: $count place(s) differ from clang-format, first ones:"$'\n'
        report+=$(grep -A2 'error:' <<<"$out" | head -n 9 || true)$'\n\n'
    fi
done

if ((${#bad[@]} > 0)); then
    printf '%s' "$report"
    echo "format.sh: ${#bad[@]} of ${#files[@]} file(s) are not clang-formatted:"
    printf '  %s\n' "${bad[@]}"
    echo "Fix with: $clang_format -i ${bad[*]}"
    exit 1
fi
