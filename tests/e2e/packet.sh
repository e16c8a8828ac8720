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
if need "packet bookmarks" python3; then
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
incidents_from=""
if need "contents against bookmark destinations" python3; then
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
fi

# Figures agree with `facts` for the same period.
"$BIN" facts --data "$DATA" --period term -q > "$T/facts.xml" 2>/dev/null
pdftotext "$T/packet.pdf" - 2>/dev/null | tr -d ' \n\f' > "$T/text"
x() { xmllint --xpath "string($1)" "$T/facts.xml" 2>/dev/null; }
score=$(x /facts/kpi/@score)
grade=$(x /facts/kpi/@grade)
base=$(x /facts/kpi/@base)
points=$(x /facts/kpi/@points)
returned=$(x /facts/kpi/@returned)
returned_pct=$(x /facts/kpi/@returned-percent)
# Every grade name is printed anyway (the score sheet's legend lists them
# all), so each check ties the grade to the score or to its place.
# The score sheet's summary row: base, points, total, grade in their columns.
pdftotext -layout "$T/packet.pdf" "$T/layout.txt" 2>/dev/null
row=$(awk '/基础分 +加减分合计 +合计得分 +等级/ { getline; print; exit }' "$T/layout.txt" | sed 's/^ *//; s/ *$//; s/  */ /g')
if [ -n "$score" ] && [ "$row" = "$base $points $score 分 $grade" ]; then pass "score sheet total: $row"; else fail "score sheet total row" "'$row' (facts: $base $points $score $grade)"; fi
raw=$(pdftotext -raw "$T/packet.pdf" - 2>/dev/null | tr -d ' \n\f')
if printf %s "$raw" | grep -qF "绩效考核得分${score}分，等级：${grade}"; then pass "checklist: score $score, grade $grade"; else fail "checklist score and grade" "$score $grade"; fi
if grep -qF "绩效考核得分${score}分，等级“${grade}”" "$T/text"; then pass "year-end report: score $score, grade $grade"; else fail "year-end score and grade" "$score $grade"; fi
r=$(printf '%s' "$returned" | awk -F. '{ n = $1; s = ""; while (length(n) > 3) { s = "," substr(n, length(n) - 2) s; n = substr(n, 1, length(n) - 3) } print "¥" n s "." $2 }')
if grep -qE "尾款处理：等级为${grade}，[^。]*退回尾款的${returned_pct}%。尾款为[^，]*，即[^，]*，退回甲方${r}（" "$T/text"; then
    pass "score sheet: grade $grade returns ${returned_pct}% of the tail, $r"
else
    fail "tail payment on the score sheet" "grade $grade, ${returned_pct}%, $r"
fi
if grep -qF "考核等级为“${grade}”的，验收时退回尾款" "$T/text" && grep -qE "考核等级为“${grade}”的，验收时退回尾款¥[0-9,.]+（人民币[^）]*）的${returned_pct}%，即${r}（" "$T/text"; then
    pass "year-end report: grade $grade returns ${returned_pct}% of the tail, $r"
else
    fail "tail payment in the year-end report" "grade $grade, ${returned_pct}%, $r"
fi
n_inc=$(xmllint --xpath 'count(/facts/incident)' "$T/facts.xml")
n_rep=$(pdftotext -f "${incidents_from:-1}" "$T/packet.pdf" - 2>/dev/null | grep -cE '^(故障报告|事件记录报告)$')
if [ "$n_inc" -gt 0 ] && [ "$n_rep" = "$n_inc" ]; then pass "one report per incident of the term ($n_inc)"; else fail "incident reports" "facts $n_inc, reports $n_rep"; fi
for sys in vr web; do
    a=$(x "/facts/system[@id='$sys']/@availability")
    name=$(x "/facts/system[@id='$sys']/@name" | tr -d ' ')
    # the year-end summary names each system with its own figure
    if [ -n "$a" ] && grep -qF "${name}可用率${a}%" "$T/text"; then pass "availability of $sys ($a%)"; else fail "availability $sys" "'${name}可用率${a}%' not in the text"; fi
done

"$BIN" render packet --data "$DATA" --period term --today 2027-06-08 -q -o "$T/again.pdf" 2>/dev/null
expect "packet is byte-identical on a rerun" cmp "$T/packet.pdf" "$T/again.pdf"
