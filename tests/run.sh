#!/bin/sh
# Runs the cmocka unit-test binaries given as arguments, then every
# end-to-end script tests/e2e/*.sh (each prints "PASS: name" / "FAIL: name"
# lines through tests/e2e/lib.sh).  Prints one "N passed, N failed" line and
# fails when anything failed or when no test ran at all.
set -u
passed=0
failed=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

for bin in "$@"; do
    "$bin" >"$log" 2>&1
    rc=$?
    p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test(s)\./\1/p' "$log" | tail -n 1)
    f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test(s).*/\1/p' "$log" | tail -n 1)
    p=${p:-0}
    f=${f:-0}
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
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        f=1
        echo "FAIL: $script exited $rc" >>"$log"
    fi
    if [ "$f" -ne 0 ]; then
        grep -v '^PASS: ' "$log"
    fi
    echo "e2e $(basename "$script"): $p passed, $f failed"
    passed=$((passed + p))
    failed=$((failed + f))
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
