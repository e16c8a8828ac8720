#!/bin/sh
# End-to-end tests of the summary-report templates (issue 4): monthly,
# half-year and year-end from the sample records.  Each is rendered, checked
# with qpdf, and every figure picked from `opsreport facts` for the same
# period must appear in the PDF's text, formatted as the templates format it
# (pdftotext may put spaces between Chinese and digits: compared with all
# white space removed).
. tests/e2e/lib.sh
T=$E2E_TMP
DATA=samples/records

# flat FILE: the text of a PDF with all white space removed
flat() { pdftotext -enc UTF-8 "$1" - 2>/dev/null | tr -d ' \t\n\r\f'; }
# flat_raw FILE: the same in drawing order; a table row's cells stay together
# there, while the reading-order guess above can move a cell's digits (set in
# the Latin face) away from the CJK around them
flat_raw() { pdftotext -raw -enc UTF-8 "$1" - 2>/dev/null | tr -d ' \t\n\r\f'; }
# x FACTS XPATH: one value from a facts file
x() { xmllint --xpath "string($2)" "$1" 2>/dev/null; }
# has NAME TEXTFILE NEEDLE: the needle (white space removed) is in the text
has() {
    needle=$(printf '%s' "$3" | tr -d ' \t\n\r')
    if [ -n "$needle" ] && grep -qF -- "$needle" "$2"; then pass "$1"; else fail "$1" "'$needle' not in the PDF text"; fi
}
# dur MINUTES: as f:duration writes it (1小时35分, 2天3小时, 0分)
dur() {
    awk -v m="$1" 'BEGIN { d = int(m / 1440); h = int((m % 1440) / 60); n = m % 60; s = "";
        if (d) s = s d "天"; if (h) s = s h "小时"; if (n || s == "") s = s n "分"; print s }'
}
# pct VALUE: the facts' three decimals and a % sign
pct() { printf '%s%%' "$1"; }

check_doc() {   # NAME DOC PERIOD TODAY MINPAGES MAXPAGES
    dn=$1 doc=$2 period=$3 today=$4 minp=$5 maxp=$6
    pdf=$T/$dn.pdf facts=$T/$dn.facts.xml txt=$T/$dn.txt
    if "$BIN" render "$doc" -q --data $DATA --period "$period" --today "$today" -o "$pdf" 2>"$T/$dn.err"; then
        pass "$dn renders"
    else
        fail "$dn renders" "$(cat "$T/$dn.err")"
        return
    fi
    expect "$dn: qpdf --check" qpdf --check "$pdf"
    pages=$(pdfinfo "$pdf" 2>/dev/null | awk '/^Pages:/ { print $2 }')
    if [ -n "$pages" ] && [ "$pages" -ge "$minp" ] && [ "$pages" -le "$maxp" ]; then
        pass "$dn: page count $pages"
    else
        fail "$dn: page count" "$pages pages, expected $minp..$maxp"
    fi
    # determinism: the same records, period and day give the same bytes
    "$BIN" render "$doc" -q --data $DATA --period "$period" --today "$today" -o "$T/$dn.again.pdf" 2>/dev/null
    expect "$dn: byte-identical rerun" cmp -s "$pdf" "$T/$dn.again.pdf"
    "$BIN" facts --data $DATA --period "$period" -o "$facts" 2>/dev/null
    flat "$pdf" > "$txt"
    flat_raw "$pdf" > "$txt.raw"
    has "$dn: period label" "$txt" "$(x "$facts" '/facts/@label')"
    for sys in $(xmllint --xpath '/facts/system/@id' "$facts" 2>/dev/null | sed 's/ id="\([^"]*\)"/\1 /g'); do
        s="/facts/system[@id='$sys']"
        # each figure tied to its system (a bare 100.000% or 0分 is printed
        # for some system or in the text anyway)
        name=$(x "$facts" "$s/@name" | tr -d ' ')
        a=$(x "$facts" "$s/@availability")
        has "$dn: $sys availability beside its name" "$txt" "${name}可用率$(pct "$a")"
        has "$dn: $sys failure rate with its availability" "$txt" "$(pct "$(x "$facts" "$s/@failure-rate")")（可用率$(pct "$a")）"
        has "$dn: $sys page inspections" "$txt" "$(x "$facts" "$s/@page-done")/$(x "$facts" "$s/@page-required")天"
        has "$dn: $sys server inspections" "$txt" "$(x "$facts" "$s/@server-done")/$(x "$facts" "$s/@server-required")周"
        # the availability table: availability, [failure rate,] down time
        d=$(dur "$(x "$facts" "$s/@down-minutes")")
        ae=$(printf '%s' "$a" | sed 's/\./\\./g')
        if grep -qE -- "${ae}%([0-9]+\.[0-9]+%)?${d}" "$txt"; then pass "$dn: $sys down time $d after its availability"; else fail "$dn: $sys down time" "'$a% … $d' not in the availability table"; fi
    done
    has "$dn: incident count" "$txt" "受理各类事件$(x "$facts" 'count(/facts/incident)')起"
    has "$dn: fault count" "$txt" "故障$(x "$facts" "count(/facts/incident[@kind='fault'])")起"
    ninc=$(x "$facts" 'count(/facts/incident)')
    i=1
    while [ "$i" -le "$ninc" ]; do
        id=$(x "$facts" "/facts/incident[$i]/@id")
        rm=$(x "$facts" "/facts/incident[$i]/@response-minutes")
        if [ -n "$rm" ]; then resp=$(dur "$rm"); else resp="未响应"; fi
        # the incident table row: the id, then (within the row) the response
        # time as f:duration writes it
        if LC_ALL=C grep -o -- "$id.\{0,420\}" "$txt.raw" | grep -qF -- "$resp"; then pass "$dn: $id response $resp"; else fail "$dn: $id response" "'$resp' not after '$id' in the PDF text"; fi
        i=$((i + 1))
    done
    has "$dn: KPI score" "$txt" "得分$(x "$facts" '/facts/kpi/@score')分"
    bare=$(grep -oE '¥[0-9,.]+[0-9].{0,4}' "$txt" | grep -v '（人民币' || true)
    if [ -z "$bare" ]; then pass "$dn: every amount with its capitals"; else fail "$dn: amount without capitals" "$bare"; fi
    late=$(x "$facts" "count(/facts/document[@late='true'])")
    docs=$(x "$facts" 'count(/facts/document)')
    if [ "$late" -gt 0 ]; then
        has "$dn: late documents ($late)" "$txt" "逾期提交或未提交${late}份"
    elif [ "$docs" -gt 0 ]; then
        has "$dn: documents on time ($docs)" "$txt" "按时提交${docs}份，无逾期"
    fi
    rate=$(x "$facts" '/facts/satisfaction/@rate')
    [ -n "$rate" ] && has "$dn: satisfaction rate" "$txt" "$(pct "$rate")"
    if [ "$(x "$facts" "count(/facts/warning[starts-with(., 'calendar-fallback ')])")" -gt 0 ]; then
        y=$(x "$facts" "substring-before(substring-after(/facts/warning[starts-with(., 'calendar-fallback ')][1], 'calendar-fallback '), ':')")
        has "$dn: calendar fallback note for $y" "$txt" "注：${y}年法定节假日安排尚未发布"
    else
        if grep -qF '法定节假日安排尚未发布' "$txt"; then fail "$dn: no fallback note" "printed without a warning in the facts"; else pass "$dn: no fallback note"; fi
    fi
    # nothing left unformatted: no raw ISO instants or facts booleans
    if grep -Eq '20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9]{2}:|="?(true|false)' "$txt"; then fail "$dn: unformatted values" "$(grep -Eo '20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9:]+' "$txt" | head -3)"; else pass "$dn: no unformatted values"; fi
}

check_doc monthly-2026-07 monthly 2026-07 2026-08-03 6 16
check_doc monthly-2027-01 monthly 2027-01 2027-02-03 6 16
check_doc half-year-2026-H2 half-year 2026-H2 2027-01-06 12 30
check_doc year-end-term year-end term 2027-06-08 18 40

# Figures specific to one document.
M=$T/monthly-2026-07.txt
has "monthly: probe availability beside the contract figure" "$M" "98.990%"
has "monthly: third-party note" "$M" "INC-2026-005为第三方原因"
has "monthly: hazard-found capped at +5" "$M" "共6项，按每期最多+5分计"
has "monthly: response as f:duration (INC-2026-005 resolution)" "$M" "11小时35分"
has "monthly: findings of the month with found time" "$M" "F-20260703-1"
has "monthly: KPI section worded as a monthly score" "$M" "本月考核扣分与加分情况"
M2=$T/monthly-2027-01.txt
has "monthly 2027-01: late monthly report marked as fallback-dependent" "$M2" "2027年1月5日*"
H=$T/half-year-2026-H2.txt
HF=$T/half-year-2026-H2.facts.xml
has "half-year: score and its grade band" "$H" "本期得分$(x "$HF" /facts/kpi/@score)分，按评分标准处于“$(x "$HF" /facts/kpi/@grade)”区间"
has "half-year: month table row" "$H" "2026年10月"
Y=$T/year-end-term.txt
has "year-end: fee in figures" "$Y" "¥208,800.00"
has "year-end: fee in capitals" "$Y" "贰拾万零捌仟捌佰元整"
has "year-end: returned tail payment" "$Y" "¥8,352.00"
has "year-end: acceptance indicators" "$Y" "87.500%"
# charts are vectors: the availability chart's title is text, not an image
for f in half-year-2026-H2 year-end-term; do
    has "$f: availability chart" "$T/$f.txt" "各系统逐月可用率（%）"
    has "$f: incidents chart" "$T/$f.txt" "逐月事件数量（按级别，起）"
    has "$f: inspections chart" "$T/$f.txt" "逐月巡检完成率（%，各系统合计）"
    # (without pdfimages the count would be 0 and pass: guarded)
    if need "$f: no raster images" pdfimages; then
        if [ "$(pdfimages -list "$T/$f.pdf" 2>/dev/null | awk 'NR > 2' | wc -l)" -eq 0 ]; then pass "$f: no raster images"; else fail "$f: raster images" "charts should be vectors"; fi
    fi
done

# A document name without a template: exit 2 (command line), a message
# naming it and the documents there are, no file.
rm -f "$T/none.pdf"
"$BIN" render no-such-report --data $DATA --period 2026-07 -o "$T/none.pdf" 2>"$T/none.err"
rc=$?
if [ "$rc" -eq 2 ] && grep -q "unknown document 'no-such-report': there is no .*no-such-report.xml (expected one of: .*half-year.*monthly.*year-end" "$T/none.err" && [ ! -e "$T/none.pdf" ]; then
    pass "unknown document: exit 2 listing the documents, nothing written"
else
    fail "unknown document" "exit $rc: $(cat "$T/none.err")"
fi
