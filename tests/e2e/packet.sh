#!/bin/sh
# End-to-end: the acceptance packet for the term from the sample records.
. tests/e2e/lib.sh
DATA=samples/records
T=$E2E_TMP
"$BIN" render packet --data "$DATA" --period term --today 2027-06-08 -q -o "$T/packet.pdf" 2>"$T/err"
rc=$?
if [ $rc -eq 0 ] && qpdf --check "$T/packet.pdf" >/dev/null 2>&1; then pass "packet renders and passes qpdf"; else fail "packet" "rc=$rc $(cat "$T/err")"; fi
pages=$(pdfinfo "$T/packet.pdf" 2>/dev/null | awk '/^Pages:/ { print $2 }')

# Parts in order as top-level bookmarks, each document's chapters under it.
if python3 -c 1 2>/dev/null; then
    qpdf --json "$T/packet.pdf" 2>/dev/null | python3 -c '
import json, sys
j = json.load(sys.stdin)
for o in j["outlines"]:
    print("0", o["title"])
    for k in o.get("kids", []):
        print("1", k["title"])' > "$T/outline"
    tops=$(grep '^0 ' "$T/outline" | cut -c3- | tr '\n' '|')
    if [ "$tops" = "验收清单|绩效考核评分表|年度运维总结报告|故障（事件）报告|" ]; then pass "parts are the top-level bookmarks"; else fail "packet bookmarks" "$tops"; fi
    if grep -q '^1 一、项目概况' "$T/outline"; then pass "year-end chapters nest under their part"; else fail "nesting" "$(head -12 "$T/outline")"; fi
fi

# The contents give the page each part really starts on (its bookmark's
# destination; numbering starts after the cover).
pdftotext -layout -f 2 -l 2 "$T/packet.pdf" "$T/toc.txt" 2>/dev/null
qpdf --json "$T/packet.pdf" 2>/dev/null | python3 -c '
import json, sys
for o in json.load(sys.stdin)["outlines"]:
    print(o["title"], o["destpageposfrom1"])' > "$T/dests" 2>/dev/null
for part in 验收清单 绩效考核评分表 年度运维总结报告 "故障（事件）报告"; do
    listed=$(grep "^$part" "$T/toc.txt" | awk '{ print $NF }')
    physical=$(grep "^$part " "$T/dests" | awk '{ print $2 }')
    if [ -n "$listed" ] && [ -n "$physical" ] && [ "$listed" -eq $((physical - 1)) ]; then pass "contents: $part on page $listed"; else fail "contents: $part" "listed '$listed', bookmark at physical page '$physical'"; fi
done
incidents_from=$(grep "^故障（事件）报告 " "$T/dests" | awk '{ print $2 }')

# Figures agree with `facts` for the same period.
"$BIN" facts --data "$DATA" --period term -q > "$T/facts.xml" 2>/dev/null
pdftotext "$T/packet.pdf" - 2>/dev/null | tr -d ' \n\f' > "$T/text"
score=$(xmllint --xpath 'string(/facts/kpi/@score)' "$T/facts.xml")
grade=$(xmllint --xpath 'string(/facts/kpi/@grade)' "$T/facts.xml")
returned=$(xmllint --xpath 'string(/facts/kpi/@returned)' "$T/facts.xml")
if grep -q "${score}分" "$T/text" && grep -q "$grade" "$T/text"; then pass "score $score and grade $grade"; else fail "score" "$score $grade"; fi
r=$(printf '%s' "$returned" | awk -F. '{ n = $1; s = ""; while (length(n) > 3) { s = "," substr(n, length(n) - 2) s; n = substr(n, 1, length(n) - 3) } print "¥" n s "." $2 }')
if grep -q "$r" "$T/text"; then pass "returned tail payment $r"; else fail "returned" "$r"; fi
n_inc=$(xmllint --xpath 'count(/facts/incident)' "$T/facts.xml")
n_rep=$(pdftotext -f "${incidents_from:-1}" "$T/packet.pdf" - 2>/dev/null | grep -cE '^(故障报告|事件记录报告)$')
if [ "$n_inc" -gt 0 ] && [ "$n_rep" = "$n_inc" ]; then pass "one report per incident of the term ($n_inc)"; else fail "incident reports" "facts $n_inc, reports $n_rep"; fi
for sys in vr web; do
    a=$(xmllint --xpath "string(/facts/system[@id='$sys']/@availability)" "$T/facts.xml")
    if grep -q "$a%" "$T/text"; then pass "availability of $sys ($a%)"; else fail "availability $sys" "$a"; fi
done

"$BIN" render packet --data "$DATA" --period term --today 2027-06-08 -q -o "$T/again.pdf" 2>/dev/null
expect "packet is byte-identical on a rerun" cmp "$T/packet.pdf" "$T/again.pdf"
