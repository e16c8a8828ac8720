#!/bin/sh
# Runs the cmocka unit-test binaries given as arguments, then every
# end-to-end script tests/e2e/*.sh (each prints "PASS: name" / "FAIL: name"
# lines through tests/e2e/lib.sh, "SKIP: name (why)" for a check whose tool
# is missing).  Prints every skipped check and one "N passed, N failed,
# N skipped" line; fails when anything failed, when no test ran at all, or
# when anything was skipped under CI=true (CI installs every tool).
set -u
passed=0
failed=0
skipped=0
skips=$(mktemp)
log=$(mktemp)
trap 'rm -f "$log" "$skips"' EXIT

for bin in "$@"; do
    "$bin" >"$log" 2>&1
    rc=$?
    p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test(s)\./\1/p' "$log" | tail -n 1)
    f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test(s).*/\1/p' "$log" | tail -n 1)
    s=$(sed -n 's/^\[  SKIPPED \] \([0-9]*\) test(s).*/\1/p' "$log" | tail -n 1)
    p=${p:-0}
    f=${f:-0}
    s=${s:-0}
    [ "$s" -eq 0 ] || grep '^\[  SKIPPED \] [^0-9]' "$log" | sed "s|^|$(basename "$bin"): |" >>"$skips"
    skipped=$((skipped + s))
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        f=1   # crashed or sanitizer abort: count it
    fi
    if [ "$f" -ne 0 ] || [ "$p" -eq 0 ]; then
        cat "$log"
    fi
    echo "unit $(basename "$bin"): $p passed, $f failed"
    passed=$((passed + p))
    failed=$((failed + f))
done

for script in tests/e2e/*.sh; do
    [ -e "$script" ] || continue
    case "$script" in */lib.sh) continue ;; esac
    sh "$script" >"$log" 2>&1
    rc=$?
    p=$(grep -c '^PASS: ' "$log")
    f=$(grep -c '^FAIL: ' "$log")
    s=$(grep -c '^SKIP: ' "$log")
    grep '^SKIP: ' "$log" | sed "s|^|$(basename "$script"): |" >>"$skips"
    skipped=$((skipped + s))
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        f=1
        echo "FAIL: $script exited $rc" >>"$log"
    fi
    if [ "$f" -ne 0 ]; then
        grep -v '^PASS: ' "$log"
    fi
    if [ "$s" -eq 0 ]; then skipnote=""; else skipnote=", $s skipped"; fi
    echo "e2e $(basename "$script"): $p passed, $f failed$skipnote"
    passed=$((passed + p))
    failed=$((failed + f))
done

if [ "$skipped" -gt 0 ]; then
    echo "skipped (a missing tool; sh .ci/deps.sh installs every one):"
    sed 's/^/  /' "$skips"
    if [ "${CI:-}" = true ]; then
        echo "FAIL: $skipped checks skipped under CI=true"
        failed=$((failed + skipped))
    fi
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
