#!/bin/sh
# Interrupted renders (issue 12.5): SIGINT or SIGTERM during a long
# `render` (a 552-page packet of a generated year) exits 128 + signal,
# leaves the previous PDF byte-identical and no temporary file; two
# concurrent renders to one path leave one complete PDF, one of the two.
# tests/e2e/output.sh does the same for `typeset` of a 1,000-page document.
. tests/e2e/lib.sh
T=$E2E_TMP
O=$T/out
mkdir "$O"
REF_BIN=${GEN_BIN:-$BIN}   # the release binary writes the same bytes, faster
leftovers() { ls -A "$O" | grep -Ev '^(old|both)\.pdf$'; }
output_open() { ls -l /proc/$1/fd 2>/dev/null | grep -qF -- "-> $O"; }

if ! python3 tests/gen/gen-dataset.py --seed 7 --months 12 --incidents-per-month 40 -o "$T/ds" >/dev/null 2>"$T/gen.err"; then
    fail "gen-dataset.py" "$(cat "$T/gen.err")"
    exit 0
fi
render() {   # render BIN DOC PERIOD OUT
    "$1" render "$2" --data "$T/ds" --period "$3" --today 2027-03-15 -q -o "$4"
}
render "$REF_BIN" packet term "$T/packet.pdf" 2>"$T/err" || fail "reference packet" "$(cat "$T/err")"
render "$BIN" monthly 2026-07 "$T/month.pdf" 2>"$T/err" || fail "reference monthly report" "$(cat "$T/err")"
pages=$(pdfinfo "$T/packet.pdf" 2>/dev/null | awk '/^Pages:/ { print $2 }')
[ "${pages:-0}" -ge 500 ] && pass "the packet is long ($pages pages)" || fail "packet length" "${pages:-none} pages"

# INT while the records are read and laid out; TERM once the output is
# open (the process holds a descriptor in the output directory), while the
# PDF is written.  sh starts background jobs with SIGINT ignored, and
# opsreport keeps an ignored signal ignored (nohup): env restores it.
for sig in INT:130:early TERM:143:writing; do
    name=${sig%%:*}; rest=${sig#*:}; want=${rest%%:*}; when=${rest#*:}
    cp "$T/month.pdf" "$O/old.pdf"
    env --default-signal=INT "$BIN" render packet --data "$T/ds" --period term --today 2027-03-15 -q -o "$O/old.pdf" 2>"$T/err" &
    pid=$!
    if [ "$when" = early ]; then
        sleep 0.3
    else
        i=0
        while ! output_open $pid && [ $i -lt 6000 ]; do sleep 0.01; i=$((i + 1)); done
    fi
    kill -"$name" $pid
    wait $pid
    rc=$?
    if [ $rc -eq "$want" ]; then pass "render, SIG$name ($when): exit $want"
    else fail "render, SIG$name ($when)" "status $rc (expected $want; the run may have finished before the signal)"; fi
    if cmp -s "$O/old.pdf" "$T/month.pdf" && [ -z "$(leftovers)" ]; then pass "render, SIG$name: old PDF byte-identical, no temporary file"
    else fail "render, SIG$name leftovers" "$(ls -lA "$O")"; fi
done

# Two renders at once to one path: both succeed, the file is one of them.
cp "$T/month.pdf" "$O/both.pdf"
render "$REF_BIN" packet term "$O/both.pdf" 2>"$T/err.a" &
a=$!
render "$BIN" monthly 2026-07 "$O/both.pdf" 2>"$T/err.b" &
b=$!
wait $a; ra=$?
wait $b; rb=$?
if [ $ra -eq 0 ] && [ $rb -eq 0 ] && qpdf --check "$O/both.pdf" >/dev/null 2>&1 \
    && { cmp -s "$O/both.pdf" "$T/packet.pdf" || cmp -s "$O/both.pdf" "$T/month.pdf"; }; then
    pass "two concurrent renders: one complete PDF, one of the two"
else
    fail "two concurrent renders" "status $ra $rb: $(cat "$T/err.a" "$T/err.b" | head -c 400)"
fi
if [ -z "$(leftovers)" ]; then pass "concurrent renders leave no temporary file"; else fail "concurrent render leftovers" "$(leftovers)"; fi
