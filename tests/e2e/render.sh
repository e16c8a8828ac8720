#!/bin/sh
# End-to-end tests of `opsreport render`: the pipeline records → facts →
# template → layout → PDF, its errors, determinism and atomic output.
. tests/e2e/lib.sh
D=tests/data/render
DATA=samples/records
T=$E2E_TMP

"$BIN" render "$D/good.xml" --data "$DATA" --period 2026-07 --today 2026-08-03 -q -o "$T/good.pdf" 2>"$T/err"
rc=$?
if [ $rc -eq 0 ] && qpdf --check "$T/good.pdf" >/dev/null 2>&1; then pass "render a template file"; else fail "render" "rc=$rc $(cat "$T/err")"; fi
# Every figure printed is the one `facts` gives for the same period.
"$BIN" facts --data "$DATA" --period 2026-07 -q > "$T/facts.xml" 2>/dev/null
pdftotext "$T/good.pdf" - 2>/dev/null | tr -d ' \n' > "$T/text"
for sys in vr web; do
    a=$(xmllint --xpath "string(/facts/system[@id='$sys']/@availability)" "$T/facts.xml")
    if [ -n "$a" ] && grep -q "可用率$a%" "$T/text"; then pass "availability of $sys agrees ($a%)"; else fail "availability $sys" "facts $a"; fi
done
score=$(xmllint --xpath "string(/facts/kpi/@score)" "$T/facts.xml")
grade=$(xmllint --xpath "string(/facts/kpi/@grade)" "$T/facts.xml")
if grep -q "考核得分${score}分，等级${grade}" "$T/text"; then pass "score and grade agree ($score $grade)"; else fail "score" "facts $score $grade"; fi
if grep -q '¥208,800.00（贰拾万零捌仟捌佰元整）' "$T/text"; then pass "contract amount in figures and capitals"; else fail "amount" "$(cat "$T/text" | head -c 300)"; fi
"$BIN" render "$D/good.xml" --data "$DATA" --period 2026-07 --today 2026-08-03 -q -o "$T/again.pdf" 2>/dev/null
expect "same records, period and day give the same bytes" cmp "$T/good.pdf" "$T/again.pdf"
"$BIN" render "$D/good.xml" --data "$DATA" --period 2026-07 --today 2026-08-03 --param system=web -q -o "$T/web.pdf" 2>/dev/null
if pdftotext "$T/web.pdf" - 2>/dev/null | tr -d ' \n' | grep -q '网站模板可用率' && ! pdftotext "$T/web.pdf" - 2>/dev/null | grep -q 'VR'; then pass "--param reaches the template"; else fail "--param"; fi

# A report is dated no earlier than its period's end (issue 8.1): without
# --today the cover of the term's score sheet is dated the later of today
# (Beijing) and the term's last day; an explicit earlier --today dates it
# that day and the period reads 截至 that day.
"$BIN" render kpi --data "$DATA" --period term -q -o "$T/kpi-date.pdf" 2>/dev/null
now=$(TZ=Asia/Shanghai date +%Y%m%d)
if [ "$now" -lt 20270608 ]; then want=2027年6月8日; else want=$(TZ=Asia/Shanghai date +%Y年%-m月%-d日); fi
if pdftotext -l 1 "$T/kpi-date.pdf" - 2>/dev/null | tr -d ' \n' | grep -q "${want}\$\|${want}[^—]"; then pass "undated report dated $want, not before its period ends"; else fail "report date" "want $want: $(pdftotext -l 1 "$T/kpi-date.pdf" - | tr -d ' \n' | tail -c 120)"; fi
"$BIN" render kpi --data "$DATA" --period term --today 2026-12-04 -q -o "$T/kpi-asof.pdf" 2>/dev/null
if pdftotext -l 1 "$T/kpi-asof.pdf" - 2>/dev/null | tr -d ' \n' | grep -q "2026年6月9日—2027年6月8日（截至2026年12月4日）"; then pass "--today before the end: 截至 that day"; else fail "截至" "$(pdftotext -l 1 "$T/kpi-asof.pdf" - | tr -d ' \n' | head -c 300)"; fi
if pdftotext -l 1 "$T/kpi-date.pdf" - 2>/dev/null | grep -q "截至"; then fail "no 截至 without --today" "printed"; else pass "no 截至 when dated after the period"; fi
# Titles never nest brackets: the year cut by the term is written as its days.
"$BIN" render year-end --data "$DATA" --period 2026 --today 2027-01-10 -q -o "$T/ye-title.pdf" 2>/dev/null
if pdftotext -l 1 "$T/ye-title.pdf" - 2>/dev/null | tr -d ' \n' | grep -q "运维工作年终总结报告（2026年6月9日—12月31日）" \
   && ! pdftotext "$T/ye-title.pdf" - 2>/dev/null | tr -d ' \n' | grep -q "（[^（）]*（[^（）]*））"; then pass "year-end title without nested brackets"; else fail "nested brackets" "$(pdftotext -l 1 "$T/ye-title.pdf" - | tr -d ' \n' | head -c 200)"; fi

# Doubled sentence marks in a record (，，) are a check warning with the
# place; the data set is still valid.
rm -rf "$T/dbl" && cp -r "$DATA" "$T/dbl"
sed -i '6s|<title>\([^<]*\)</title>|<title>\1，，已处理</title>|' "$T/dbl/incidents.xml"
"$BIN" check --data "$T/dbl" > "$T/dbl.out" 2>&1
rc=$?
if [ $rc -eq 0 ] && grep -q "incidents.xml:6: warning: <title>: doubled punctuation '，，'" "$T/dbl.out"; then pass "，， in a record: check warns at file:line"; else fail "doubled punctuation" "rc=$rc $(cat "$T/dbl.out")"; fi
"$BIN" check --data "$DATA" > "$T/nodbl.out" 2>&1
if grep -q "doubled punctuation" "$T/nodbl.out"; then fail "no doubled-punctuation warning on the samples" "$(cat "$T/nodbl.out")"; else pass "no doubled-punctuation warning on the samples"; fi

# Generative seed 1002's acceptance checklist for 2027-06 made a UMing
# subset whose libharu buffer ended on a 4,096-byte block: libharu could not
# save it (exit 3, "libharu error 0x1033").  Subsets now carry a prep table.
if python3 tests/gen/gen-dataset.py --seed 1002 --random-shape -o "$T/s1002" 2>"$T/gen.err"; then
    "$BIN" render acceptance --data "$T/s1002" --period 2027-06 --today 2029-12-31 -q -o "$T/s1002.pdf" 2>"$T/err"
    rc=$?
    if [ $rc -eq 0 ] && qpdf --check "$T/s1002.pdf" >/dev/null 2>&1; then pass "seed 1002 acceptance 2027-06 saves (libharu block-end seek)"; else fail "seed 1002 acceptance 2027-06" "rc=$rc $(cat "$T/err")"; fi
else
    fail "seed 1002: generator" "$(cat "$T/gen.err")"
fi

check_error() {   # name, expected status, expected message (grep -E), args...
    name=$1; want=$2; msg=$3; shift 3
    "$BIN" "$@" > "$T/err.out" 2>&1
    rc=$?
    if [ "$rc" -eq "$want" ] && grep -Eq -- "$msg" "$T/err.out"; then pass "$name"; else fail "$name" "status $rc (expected $want): $(cat "$T/err.out")"; fi
}
check_error "render without --data" 2 'render needs --data' render "$D/good.xml" --period 2026-07 -o "$T/x.pdf"
check_error "render without --period" 2 'render needs --period' render "$D/good.xml" --data "$DATA" -o "$T/x.pdf"
check_error "render without -o" 2 'render needs -o' render "$D/good.xml" --data "$DATA" --period 2026-07
check_error "render with a bad period" 2 '2026-13' render "$D/good.xml" --data "$DATA" --period 2026-13 -o "$T/x.pdf"
check_error "a document name without a template exits 2 and lists the documents" 2 \
    "unknown document 'month'.*expected one of: acceptance, half-year, incidents, inspections, kpi, monthly, packet, year-end; or the path of a template file" \
    render month --data "$DATA" --period 2026-07 -o "$T/x.pdf"
check_error "a template path that does not exist names it" 1 'no-such-document.xml: error: cannot read the template' render "$T/no-such-document.xml" --data "$DATA" --period 2026-07 -o "$T/x.pdf"
check_error "bad XPath names template file:line and the expression" 1 'bad-xpath.xml:3: error: .*/data/facts/system\[@id = \]' render "$D/bad-xpath.xml" --data "$DATA" --period 2026-07 -o "$T/x.pdf"
check_error "template output outside the layout vocabulary" 1 'bad-layout.xml:5: error: unknown element <paragraph>' render "$D/bad-layout.xml" --data "$DATA" --period 2026-07 -o "$T/x.pdf"
check_error "bad records: nothing rendered, the record's file:line named" 1 'e2e-bad/incidents.xml:3: error: incident X1: unknown system "nosuch"' render "$D/good.xml" --data tests/data/facts/e2e-bad --period 2026-07 -o "$T/x.pdf"
if [ ! -e "$T/x.pdf" ]; then pass "failed renders write nothing"; else fail "failed render wrote a file"; fi
cp "$T/good.pdf" "$T/keep.pdf"
"$BIN" render "$D/bad-layout.xml" --data "$DATA" --period 2026-07 -q -o "$T/keep.pdf" 2>/dev/null
expect "a failed render leaves the existing PDF" cmp "$T/good.pdf" "$T/keep.pdf"

# --- --param: the template's declared parameters are the valid names, and a
# declaration's values= (XPath over the data) or one-of= (fixed list) the
# valid values; anything else exits 2 listing what would do.
R="--data $DATA --period 2026-07 --today 2026-08-03"
check_error "--param system=nope exits 2 and lists the contract's systems" 2 \
    "system=nope: 'nope' is not a value of system here \(expected one of: vr, web; declared at .*templates/inspections.xml:[0-9]+\)" \
    render inspections $R --param system=nope -o "$T/x.pdf"
check_error "--param incident=INC-NOPE exits 2 and lists the incident ids" 2 \
    "incident=INC-NOPE: .*expected one of: INC-2026-001, INC-2026-002, .*INC-2027-011;" \
    render incidents $R --param incident=INC-NOPE -o "$T/x.pdf"
check_error "--param kind=bogus exits 2 and lists page, server" 2 "kind=bogus: .*expected one of: page, server;" \
    render inspections $R --param kind=bogus -o "$T/x.pdf"
check_error "an undeclared --param name exits 2 and lists the declared ones" 2 \
    "--param sytem=vr: .*inspections.xml declares no parameter 'sytem' \(expected one of: system, kind\)" \
    render inspections $R --param sytem=vr -o "$T/x.pdf"
check_error "a document without parameters says it takes no --param" 2 "declares no parameter 'system' \(it takes no --param\)" \
    render kpi $R --param system=vr -o "$T/x.pdf"
check_error "--param may not set what render sets itself" 2 "--param period=2026-08: render sets 'period' itself \(use --period\)" \
    render monthly $R --param period=2026-08 -o "$T/x.pdf"
check_error "every bad --param is reported in one run" 2 "2 errors" \
    render inspections $R --param sytem=vr --param knd=page -o "$T/x.pdf"
if [ ! -e "$T/x.pdf" ]; then pass "refused --param writes nothing"; else fail "refused --param wrote a file"; fi
check_error "values= on a part's parameter is refused at load" 1 'values-part.xml:3: error: values= and one-of= belong to the parameters of the template itself' \
    render "$D/values-in-part.xml" $R -o "$T/x.pdf"
check_error "values= that selects a string names the template line" 1 'values-string.xml:4: error: values= selects a string \(expected nodes' \
    render "$D/values-string.xml" $R --param system=vr -o "$T/x.pdf"
# admitted values still render, and what they select is what is printed
for v in web all; do
    if "$BIN" render "$D/values-union.xml" $R --param system=$v -q -o "$T/u-$v.pdf" 2>"$T/err" \
       && pdftotext "$T/u-$v.pdf" - 2>/dev/null | tr -d ' \n' | grep -q "系统参数：$v。"; then
        pass "values= and one-of= both admit ($v)"
    else
        fail "values= and one-of= admit $v" "$(cat "$T/err")"
    fi
done
check_error "values= and one-of= together list both" 2 "expected one of: all, none, vr, web;" \
    render "$D/values-union.xml" $R --param system=app -o "$T/x.pdf"
# a valid value whose records lie outside the period is a page that says so
if "$BIN" render incidents $R --param incident=INC-2026-001 -q -o "$T/inc1.pdf" 2>"$T/err" \
   && pdftotext "$T/inc1.pdf" - 2>/dev/null | tr -d ' \n' | grep -q 'INC-2026-001（报告时间不在本期内）'; then
    pass "an incident of another period renders a page that says so"
else
    fail "incident of another period" "$(cat "$T/err")"
fi
"$BIN" render inspections $R --param system=web --param kind=server -q -o "$T/ws.pdf" 2>"$T/err"
n_ws=$(xmllint --xpath "count(//inspection[@system='web'][@kind='server'][starts-with(@at, '2026-07')])" "$DATA/inspections-2026-07.xml" 2>/dev/null)
got_ws=$(pdftotext "$T/ws.pdf" - 2>/dev/null | grep -c '^服务器端巡检记录$')
got_other=$(pdftotext "$T/ws.pdf" - 2>/dev/null | grep -c '^页面业务可用性巡检记录$')
if [ "$n_ws" -gt 0 ] && [ "$got_ws" = "$n_ws" ] && [ "$got_other" = 0 ]; then
    pass "system=web kind=server: the $n_ws web server records and no other"
else
    fail "system=web kind=server" "records $n_ws, server pages $got_ws, page pages $got_other $(cat "$T/err")"
fi

# --- the data directory: nothing named *.xml or holding *.xml is skipped
# silently; subdirectories are not read (README "check").
DD=$T/dd
mkdir -p "$DD"
cp "$DATA"/*.xml "$DD"/
mkdir -p "$DD/2026/07"
cp "$DATA/inspections-2026-07.xml" "$DD/2026/07/more-inspections.xml"
mv "$DD/inspections-2026-07.xml" "$DD/2026/07/inspections-2026-07.xml"
mkdir -p "$DD/notes"
echo 'not records' > "$DD/notes/readme.txt"
check_error "a subdirectory holding *.xml is an error naming it" 1 \
    "dd/2026: error: a subdirectory holding 2 \*\.xml files, 07/.*\.xml among them \(expected every \*\.xml directly in .*/dd: subdirectories are not read\)" \
    check --data "$DD"
if ! grep -q 'notes' "$T/err.out"; then pass "a subdirectory without *.xml is not an error"; else fail "notes/ reported" "$(cat "$T/err.out")"; fi
check_error "render refuses the same data directory" 1 "dd/2026: error: a subdirectory holding" \
    render "$D/good.xml" --data "$DD" --period 2026-07 -o "$T/x.pdf"
if [ ! -e "$T/x.pdf" ]; then pass "nothing rendered from a directory with records in a subdirectory"; else fail "rendered anyway"; fi
rm -rf "$DD/2026"
cp "$DATA/inspections-2026-07.xml" "$DD/"
ln -s "$T" "$DD/linked-dir.xml"
ln -s "$T/no-such-file" "$DD/dangling.xml"
mkdir "$DD/dir.xml"
if mkfifo "$DD/pipe.xml" 2>/dev/null; then fifo=yes; else fifo=no; fi
check_error "a symbolic link to nothing named *.xml is an error saying so" 1 \
    "dd/dangling.xml: error: refused: a symbolic link to .*/no-such-file, which does not exist \(expected a regular XML file\)" check --data "$DD"
check_error "a symbolic link to a directory named *.xml is an error saying so" 1 \
    "dd/linked-dir.xml: error: refused: a symbolic link to a directory \(expected a regular XML file; subdirectories are not read\)" check --data "$DD"
check_error "a directory named *.xml is an error saying so" 1 \
    "dd/dir.xml: error: refused: a directory \(expected a regular XML file; subdirectories are not read\)" check --data "$DD"
if [ "$fifo" = yes ]; then
    check_error "a FIFO named *.xml is an error, without blocking" 1 "dd/pipe.xml: error: refused: a FIFO \(expected a regular XML file\)" check --data "$DD"
else
    fail "mkfifo" "cannot make a FIFO in $DD"
fi
