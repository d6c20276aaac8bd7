#!/usr/bin/env bash
# Lint: unsafe or non-reentrant libc calls are banned in src/ (comments and
# string literals are ignored). Prints file:line and the replacement to use.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."

# name|why and what to use instead. Matched as whole words followed by "(".
banned=(
    'sprintf|unbounded; use snprintf, xasprintf or atrium_buf_printf'
    'vsprintf|unbounded; use vsnprintf or atrium_buf_printf'
    'strcpy|unbounded; use xstrdup, snprintf or memcpy with a checked length'
    'strcat|unbounded; use atrium_buf_puts'
    'strncat|error-prone bound; use atrium_buf_append'
    'atoi|no error detection; use atrium_str_to_i64'
    'atol|no error detection; use atrium_str_to_i64'
    'atoll|no error detection; use atrium_str_to_i64'
    'strtok|not thread-safe; use strtok_r or atrium_str slices'
    'rand|not a CSPRNG; use atrium_random_bytes'
    'gets|unbounded; use fgets or getline'
    'gmtime|not thread-safe; use gmtime_r'
    'localtime|not thread-safe; use localtime_r'
)

names=()
for entry in "${banned[@]}"; do
    names+=("${entry%%|*}")
done
# Not preceded by an identifier character, "." or "->" (a member named rand is fine).
regex="(^|[^A-Za-z0-9_.>])($(
    IFS='|'
    echo "${names[*]}"
))[[:space:]]*\\("

files=()
while IFS= read -r f; do
    files+=("$f")
done < <(find src -type f \( -name '*.c' -o -name '*.h' \) | sort)
if ((${#files[@]} == 0)); then
    echo "banned.sh: no C files under src/" >&2
    exit 1
fi

# Print "file:line:code" with comments, string and character literals blanked.
strip_comments_and_strings() {
    awk '
    FNR == 1 { incomment = 0 }
    {
        line = $0; out = ""; i = 1; n = length(line)
        while (i <= n) {
            c = substr(line, i, 1); c2 = substr(line, i, 2)
            if (incomment) {
                if (c2 == "*/") { incomment = 0; i += 2 } else { i++ }
                continue
            }
            if (c2 == "/*") { incomment = 1; out = out " "; i += 2; continue }
            if (c2 == "//") break
            if (c == "\"" || c == "'\''") {
                q = c; i++
                while (i <= n && substr(line, i, 1) != q) {
                    if (substr(line, i, 1) == "\\") i++
                    i++
                }
                i++; out = out q q; continue
            }
            out = out c; i++
        }
        print FILENAME ":" FNR ":" out
    }' "$@"
}

violations=()
while IFS= read -r hit; do
    [[ -n "$hit" ]] || continue
    file=${hit%%:*}
    rest=${hit#*:}
    line=${rest%%:*}
    code=${rest#*:}
    while [[ "$code" =~ $regex ]]; do
        name=${BASH_REMATCH[2]}
        code=${code#*"${BASH_REMATCH[0]}"}
        why=""
        for entry in "${banned[@]}"; do
            [[ "${entry%%|*}" == "$name" ]] && why=${entry#*|}
        done
        violations+=("$file:$line: $name() is banned: $why")
    done
done < <(strip_comments_and_strings "${files[@]}" | grep -E "$regex" || true)

if ((${#violations[@]} > 0)); then
    printf '%s\n' "${violations[@]}"
    echo "banned.sh: ${#violations[@]} banned call(s) in src/"
    exit 1
fi
