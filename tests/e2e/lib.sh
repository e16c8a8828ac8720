# Helpers for end-to-end test scripts: source this, then call `pass NAME`,
# `fail NAME WHY`, or `expect NAME COMMAND...` (passes when COMMAND exits 0).
# OPSREPORT_BIN names the binary under test (the sanitized one in make check).
BIN=${OPSREPORT_BIN:-./opsreport}
[ -n "$BIN" ] || BIN=./opsreport
E2E_TMP=$(mktemp -d)
trap 'rm -rf "$E2E_TMP"' EXIT
pass() { echo "PASS: $1"; }
fail() { echo "FAIL: $1${2:+: $2}"; }
expect() {
    name=$1; shift
    if "$@" >"$E2E_TMP/expect.log" 2>&1; then pass "$name"; else fail "$name" "$(tail -n 5 "$E2E_TMP/expect.log")"; fi
}
