# Helpers for end-to-end test scripts: source this, then call `pass NAME`,
# `fail NAME WHY`, `expect NAME COMMAND...` (passes when COMMAND exits 0),
# or guard checks that need a tool with `if need NAME TOOL...; then`.
# OPSREPORT_BIN names the binary under test (the sanitized one in make check).
# Tests read the English messages: a Chinese locale in the caller's
# environment must not translate them (tests/e2e/i18n.sh and install.sh
# set LANG=zh_CN.UTF-8 themselves).
unset LANGUAGE
[ -n "${LC_ALL:-}" ] && LC_ALL=C.UTF-8 && export LC_ALL
LC_MESSAGES=C.UTF-8; export LC_MESSAGES
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
# need NAME TOOL...: true when every TOOL is on PATH.  Otherwise the check
# NAME is not run, and never silently: under CI=true (where .ci/deps.sh has
# installed every tool) it is a FAIL; elsewhere a "SKIP: NAME" line that
# tests/run.sh counts and prints.
need() {
    need_name=$1; shift
    for need_tool in "$@"; do
        if ! command -v "$need_tool" >/dev/null 2>&1; then
            if [ "${CI:-}" = true ]; then
                fail "$need_name" "$need_tool is not installed (.ci/deps.sh installs it)"
            else
                echo "SKIP: $need_name ($need_tool is not installed; sh .ci/deps.sh installs it)"
            fi
            return 1
        fi
    done
    return 0
}
