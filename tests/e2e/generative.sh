#!/bin/sh
# Generative end-to-end test (issue 7 item 4): record sets made by
# tests/gen/gen-dataset.py for many seeds and shapes, plus every regression
# set under tests/data/regress/.  For each set: `check` accepts it; each of
# the eight documents renders for every month, quarter, half and year of the
# term and for `term` (regression sets: first and last month and term),
# passes qpdf --check, prints the facts' key figures and none of the sample
# contract's words.  Sets with one injected error (--invalid) must fail both
# check and render with exit 1 and write nothing.
#
#   sh tests/e2e/generative.sh            the CI list, tests/gen/ci-cases.txt
#   sh tests/e2e/generative.sh --soak N [FIRST]   N random-shape seeds from FIRST (default 1000)
#
# Renders use the release binary GEN_BIN (default ./opsreport) for speed, two
# jobs at a time; one period of a few sets is rendered with the sanitized
# OPSREPORT_BIN as well.  Failures listed in tests/data/regress/KNOWN-OTHER-LANE
# (other lanes' bugs) print XFAIL; every other failure prints FAIL with the
# commands that reproduce it.
. tests/e2e/lib.sh
T=$E2E_TMP
GEN_BIN=${GEN_BIN:-./opsreport}
export OPSREPORT_HOME=${OPSREPORT_HOME:-$(pwd)}
SAN=${OPSREPORT_BIN:-}
JOBS=${GEN_JOBS:-2}
# python3 through a version manager's shim costs a shell per call: resolve it once
PY=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null)
export PY=${PY:-python3}
GEN="$PY tests/gen/gen-dataset.py"
KNOWN=tests/data/regress/KNOWN-OTHER-LANE
[ -x "$GEN_BIN" ] || { fail "generative: $GEN_BIN" "not built (make opsreport)"; exit 1; }
command -v python3 >/dev/null || { fail "generative: python3" "missing (.ci/deps.sh installs it)"; exit 1; }

results=$T/results
: > "$results"
jobs=$T/jobs
: > "$jobs"
n_sets=0

# add_set NAME DATA MAKE_COMMAND PERIODS_MODE: check it, queue its periods
add_set() {
    name=$1 data=$2 make_cmd=$3 mode=$4
    n_sets=$((n_sets + 1))
    if "$GEN_BIN" check --data "$data" >"$T/check.out" 2>&1; then
        printf 'pass\t%s - - check\t\t\n' "$name" >> "$results"
    else
        printf 'fail\t%s - - check\texit %s: %s\t%s && %s check --data %s\n' "$name" "$?" \
            "$(head -n 3 "$T/check.out" | tr '\n\t' '  ' | cut -c1-300)" "$make_cmd" "$GEN_BIN" "$data" >> "$results"
        return
    fi
    for p in $($PY tests/gen/periods.py "$data" $mode); do
        printf '%s\t%s\t%s\t%s\n' "$name" "$data" "$p" "$make_cmd" >> "$jobs"
    done
}

gen_set() {   # NAME ARGS...: generate into $T/NAME
    name=$1; shift
    dir=$T/sets/$name
    make_cmd="python3 tests/gen/gen-dataset.py $* -o /tmp/$name"
    if ! $GEN "$@" -o "$dir" 2>"$T/gen.err"; then
        fail "$name: generator" "$GEN $*: $(cat "$T/gen.err")"
        return 1
    fi
    add_set "$name" "$dir" "$make_cmd" "$PERIODS"
}

if [ "${1:-}" = --soak ]; then
    PERIODS=    # every period of the term
    n=${2:?--soak N}; first=${3:-1000}
    s=$first
    while [ "$s" -lt $((first + n)) ]; do
        gen_set "seed-$s" --seed "$s" --random-shape
        s=$((s + 1))
    done
else
    PERIODS=--ci   # bounded: see tests/gen/periods.py
    while read -r name args; do
        case $name in ''|'#'*) continue ;; esac
        PERIODS=--ci
        case $args in @few\ *) PERIODS=--few; args=${args#@few } ;; esac
        # shellcheck disable=SC2086
        gen_set "$name" $args
    done < tests/gen/ci-cases.txt
    for dir in tests/data/regress/*/; do
        [ -d "$dir" ] || continue
        r=$(basename "$dir")
        add_set "regress/$r" "${dir%/}" "true" --few
    done
fi

# Check and render agree on bad input: one injected error, both exit 1,
# no PDF written.
for kind in dup-id unknown-system time-order out-of-term bad-ref unknown-module bad-enum no-contract bad-payments dup-finding-id; do
    dir=$T/sets/invalid-$kind
    make_cmd="python3 tests/gen/gen-dataset.py --seed 5 --months 2 --invalid $kind -o /tmp/invalid-$kind"
    $GEN --seed 5 --months 2 --invalid "$kind" -o "$dir" 2>"$T/gen.err" || { fail "invalid $kind: generator" "$(cat "$T/gen.err")"; continue; }
    "$GEN_BIN" check --data "$dir" >/dev/null 2>&1
    rc=$?
    if [ "$rc" -eq 1 ]; then pass "invalid $kind: check exits 1"; else fail "invalid $kind: check exits $rc (expected 1)" "reproduce: $make_cmd && $GEN_BIN check --data /tmp/invalid-$kind"; fi
    for doc in monthly packet; do
        rm -f "$T/invalid.pdf"
        "$GEN_BIN" render $doc --data "$dir" --period term -q -o "$T/invalid.pdf" 2>/dev/null
        rc=$?
        if [ "$rc" -eq 1 ] && [ ! -e "$T/invalid.pdf" ]; then
            pass "invalid $kind: render $doc exits 1, writes nothing"
        else
            fail "invalid $kind: render $doc exits $rc (expected 1, no file)" "reproduce: $make_cmd && $GEN_BIN render $doc --data /tmp/invalid-$kind --period term -o /tmp/x.pdf"
        fi
    done
done

# The renders, JOBS at a time; each job writes its own log (no interleaving).
mkdir -p "$T/logs"
awk -F '\t' -v L="$T/logs" '{ printf "%s\t%s\t%s\t%s\t%s/job%05d\n", $1, $2, $3, $4, L, NR }' "$jobs" |
    tr '\n' '\0' |
    BIN=$GEN_BIN xargs -0 -P "$JOBS" -n 1 sh -c 'IFS="$(printf "\t")"; set -- $1; sh tests/gen/run-period.sh "$1" "$2" "$3" "$4" > "$5"' job
cat "$T"/logs/job* >> "$results" 2>/dev/null

# A few renders with the sanitized build: the term of the first CI sets and
# of every regression set.
if [ -n "$SAN" ] && [ "$SAN" != "$GEN_BIN" ] && [ -x "$SAN" ]; then
    awk -F '\t' '$3 == "term"' "$jobs" | head -n "${GEN_SAN_SETS:-4}" > "$T/san-jobs"
    while IFS="$(printf '\t')" read -r name data period make_cmd; do
        BIN=$SAN sh tests/gen/run-period.sh "$name[san]" "$data" "$period" "$make_cmd" >> "$results"
    done < "$T/san-jobs"
fi

echo "generative: $n_sets sets, $(wc -l < "$jobs") set-periods" >&2
$PY tests/gen/classify.py "$KNOWN" < "$results"
