#!/bin/sh
# Bounded work on bad input (issue 13.4): once a file has its 1,000 kept
# messages and one is an error, reading stops (the file is refused anyway):
# a probes file wrong on each of 200,000 lines, and a comment of 57,000
# dashes (libxml2 copies the comment so far into each of its 28,500
# "Double hyphen" errors: quadratic), end at once with the place named.
. tests/e2e/lib.sh
T=$E2E_TMP
D=tests/data/facts/e2e

mkdir "$T/probes"
cp "$D"/*.xml "$T/probes/"
awk 'BEGIN { print "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
             print "<probes system=\"vr\" target=\"https://x.example/\" interval=\"60\">"
             for (i = 0; i < 200000; i++) print "  <p t=\"bad\" ok=\"1\"/>"
             print "</probes>" }' > "$T/probes/probes-vr.xml"
start=$(date +%s)
"$BIN" check --data "$T/probes" >"$T/out" 2>&1
rc=$?
secs=$(( $(date +%s) - start ))
if [ $rc -eq 1 ] && grep -q "probes-vr.xml: error: 950 more errors in this file not shown; reading stopped at line 1003 after 1000 messages" "$T/out"; then
    pass "200,000 bad probe lines: stopped at line 1003 after 1,000 messages (${secs} s)"
else
    fail "bad probes" "status $rc: $(tail -n 3 "$T/out")"
fi
if grep -q 'probes-vr.xml:3: error: <p> t="bad" is not a time' "$T/out"; then pass "the first bad lines are still shown"; else fail "first messages"; fi

mkdir "$T/dash"
cp "$D"/*.xml "$T/dash/"
python3 - "$T/dash/incidents.xml" <<'PY'
import sys
p = sys.argv[1]
s = open(p, encoding="utf-8").read().replace("<incidents>", "<incidents>\n<!-- " + "-" * 57000 + " -->", 1)
open(p, "w", encoding="utf-8").write(s)
PY
start=$(date +%s)
"$BIN" check --data "$T/dash" >"$T/out" 2>&1
rc=$?
secs=$(( $(date +%s) - start ))
if [ $rc -eq 1 ] && grep -q "incidents.xml: error: .* more errors in this file not shown; reading stopped at line 3" "$T/out"; then
    pass "57,000-dash comment: stopped at its line (${secs} s)"
else
    fail "dash comment" "status $rc: $(tail -n 3 "$T/out")"
fi
if [ "$secs" -le 5 ]; then pass "57,000-dash comment under 5 s"; else fail "dash comment time" "${secs} s"; fi
