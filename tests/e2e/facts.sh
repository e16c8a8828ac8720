#!/bin/sh
# End-to-end: `check` and `facts` on tests/data/facts/e2e, whose every
# figure is worked out by hand in tests/data/facts/e2e/EXPECTED.md, plus
# the error paths (bad records, bad period, unreadable data directory).
. tests/e2e/lib.sh
DATA=tests/data/facts/e2e
OUT=$E2E_TMP/facts.xml

xp() {   # name, xpath, expected value
    got=$(xmllint --xpath "$2" "$OUT" 2>/dev/null)
    if [ "$got" = "$3" ]; then pass "$1"; else fail "$1" "$2 = '$got', expected '$3'"; fi
}

expect "check accepts the data set" "$BIN" check --data "$DATA"

if "$BIN" facts --data "$DATA" --period 2026-W28 -o "$OUT" 2>"$E2E_TMP/err"; then pass "facts runs"; else fail "facts runs" "$(cat "$E2E_TMP/err")"; fi
expect "facts is well-formed XML" xmllint --noout "$OUT"
xp "period start" 'string(/facts/@start)' 2026-07-06
xp "period end" 'string(/facts/@end)' 2026-07-12
S='/facts/system[@id="vr"]'
xp "maintenance minutes" "string($S/@maintenance-minutes)" 15
xp "total minutes" "string($S/@total-minutes)" 10065
xp "down minutes" "string($S/@down-minutes)" 45
xp "availability" "string($S/@availability)" 99.553
xp "failure rate" "string($S/@failure-rate)" 0.447
xp "page inspections" "concat($S/@page-required,'/',$S/@page-done,'/',$S/@page-missed)" 7/6/1
xp "server inspections" "concat($S/@server-required,'/',$S/@server-done,'/',$S/@server-missed)" 1/1/0
I='/facts/incident[@id="F1"]'
xp "response minutes" "string($I/@response-minutes)" 20
xp "resolution minutes" "string($I/@resolution-minutes)" 120
xp "incident SLA ok" "concat($I/@response-ok,' ',$I/@resolution-ok)" "true true"
xp "documents due" 'count(/facts/document)' 4
xp "weekly on time" 'string(/facts/document[@kind="weekly"][@period="2026-W27"]/@late)' false
xp "quarterly late" 'string(/facts/document[@kind="quarterly"][@period="2026-Q2"]/@late)' true
xp "half-year missing" 'concat(/facts/document[@kind="half-year"]/@due,count(/facts/document[@kind="half-year"]/@submitted),/facts/document[@kind="half-year"]/@late)' 2026-07-070true
xp "incident report" 'concat(/facts/document[@ref="F1"]/@due," ",/facts/document[@ref="F1"]/@late)' "2026-07-10 false"
xp "satisfaction" 'concat(/facts/satisfaction/@surveys," ",/facts/satisfaction/@rate)' "2 100.000"
xp "rule doc-typos" 'string(/facts/kpi/rule[@id="doc-typos"]/@points)' -1
xp "rule doc-late" 'string(/facts/kpi/rule[@id="doc-late"]/@points)' -1
xp "rule inspection-missed" 'string(/facts/kpi/rule[@id="inspection-missed"]/@points)' -0.5
xp "rule emergency-response" 'string(/facts/kpi/rule[@id="emergency-response"]/@points)' 1
xp "rule availability" 'string(/facts/kpi/rule[@id="availability"]/@points)' 1
xp "rule complaint" 'string(/facts/kpi/rule[@id="complaint"]/@points)' -0.5
xp "rule overall-satisfaction" 'string(/facts/kpi/rule[@id="overall-satisfaction"]/@points)' 5
xp "every other rule 0" 'count(/facts/kpi/rule[@points!="0"])' 7
xp "all table rules present" 'count(/facts/kpi/rule)' 35
xp "cause cites file:line" 'concat(/facts/kpi/rule[@id="complaint"]/cause/@file,":",/facts/kpi/rule[@id="complaint"]/cause/@line)' "$DATA/feedback.xml:5"
xp "score" 'string(/facts/kpi/@score)' 104
xp "grade" 'string(/facts/kpi/@grade)' 优秀
xp "tail" 'concat(/facts/kpi/@tail," ",/facts/kpi/@returned)' "41760.00 0.00"
xp "acceptance page" 'string(/facts/acceptance/indicator[@id="page-inspections"]/@measured)' 6/34
xp "acceptance fails" 'string(/facts/acceptance/@pass)' false
xp "one month" 'concat(count(/facts/month),/facts/month/@level-3)' 11

if "$BIN" facts --data "$DATA" --period 2026-W28 --format json >"$E2E_TMP/f.json" 2>/dev/null \
   && python3 -c 'import json,sys; f=json.load(open(sys.argv[1]))["facts"]; assert f["system"][0]["down-minutes"]==45; assert f["kpi"][0]["score"]==104' "$E2E_TMP/f.json"; then
    pass "json mirrors xml"
else
    fail "json mirrors xml"
fi
"$BIN" facts --data "$DATA" --period 2026-W28 >"$E2E_TMP/again.xml" 2>/dev/null
expect "output is deterministic" cmp -s "$OUT" "$E2E_TMP/again.xml"

# Error paths.
"$BIN" check --data tests/data/facts/e2e-bad >/dev/null 2>"$E2E_TMP/err"; rc=$?
if [ $rc -eq 1 ] && grep -q '^tests/data/facts/e2e-bad/incidents.xml:3: error: ' "$E2E_TMP/err"; then pass "check bad data: exit 1, file:line"; else fail "check bad data" "rc=$rc $(cat "$E2E_TMP/err")"; fi
"$BIN" facts --data tests/data/facts/e2e-bad --period 2026-07 >"$E2E_TMP/out" 2>"$E2E_TMP/err"; rc=$?
if [ $rc -eq 1 ] && grep -q '^tests/data/facts/e2e-bad/incidents.xml:3: error: incident X1: unknown system' "$E2E_TMP/err" && [ ! -s "$E2E_TMP/out" ]; then
    pass "facts bad data: exit 1, file:line, no facts written"
else
    fail "facts bad data" "rc=$rc $(cat "$E2E_TMP/err")"
fi
"$BIN" facts --data "$DATA" --period 2026-13 >/dev/null 2>"$E2E_TMP/err"; rc=$?
if [ $rc -eq 2 ] && grep -q '2026-13' "$E2E_TMP/err"; then pass "bad --period: exit 2 naming it"; else fail "bad --period" "rc=$rc $(cat "$E2E_TMP/err")"; fi
"$BIN" facts --data "$DATA" --period 2030-01 >/dev/null 2>&1; rc=$?
if [ $rc -eq 2 ]; then pass "period outside the term: exit 2"; else fail "period outside the term" "rc=$rc"; fi
"$BIN" facts --data "$DATA" --period 2026-07 --format yaml >/dev/null 2>&1; rc=$?
if [ $rc -eq 2 ]; then pass "bad --format: exit 2"; else fail "bad --format" "rc=$rc"; fi
"$BIN" facts --period 2026-07 >/dev/null 2>&1; rc=$?
if [ $rc -eq 2 ]; then pass "missing --data: exit 2"; else fail "missing --data" "rc=$rc"; fi
"$BIN" check --data "$E2E_TMP/no-such-dir" >/dev/null 2>"$E2E_TMP/err"; rc=$?
if [ $rc -eq 1 ] && grep -q "no-such-dir" "$E2E_TMP/err"; then pass "unreadable data dir: exit 1"; else fail "unreadable data dir" "rc=$rc"; fi
"$BIN" facts --data "$DATA" --period 2026-07 --rules tests/data/facts/bad-rules.xml >/dev/null 2>"$E2E_TMP/err"; rc=$?
if [ $rc -eq 1 ] && grep -q 'bad-rules.xml:6: error' "$E2E_TMP/err"; then pass "bad rules file: exit 1, file:line"; else fail "bad rules file" "rc=$rc"; fi

# The same records written in GB18030 (as Chinese Windows tools export
# them) give the same facts; only the file names in the citations differ.
GB="$E2E_TMP/gb18030"
mkdir -p "$GB"
for f in "$DATA"/*.xml; do
    sed 's/encoding="UTF-8"/encoding="GB18030"/' "$f" | iconv -f UTF-8 -t GB18030 > "$GB/$(basename "$f")"
done
if ! cmp -s "$DATA/incidents.xml" "$GB/incidents.xml" && grep -q 'encoding="GB18030"' "$GB/incidents.xml"; then pass "GB18030 copy differs in bytes"; else fail "GB18030 copy" "not re-encoded"; fi
"$BIN" facts -q --data "$DATA" --period term > "$E2E_TMP/utf8.xml" 2>/dev/null
"$BIN" facts -q --data "$GB" --period term > "$E2E_TMP/gb.xml" 2>/dev/null
sed 's/ file="[^"]*"//g' "$E2E_TMP/utf8.xml" > "$E2E_TMP/utf8.cmp"
sed 's/ file="[^"]*"//g' "$E2E_TMP/gb.xml" > "$E2E_TMP/gb.cmp"
if [ -s "$E2E_TMP/utf8.cmp" ] && grep -q '<kpi ' "$E2E_TMP/utf8.cmp" && cmp -s "$E2E_TMP/utf8.cmp" "$E2E_TMP/gb.cmp"; then
    pass "GB18030 and UTF-8 records give the same facts"
else
    fail "GB18030 facts" "$(diff "$E2E_TMP/utf8.cmp" "$E2E_TMP/gb.cmp" | head -5)"
fi
