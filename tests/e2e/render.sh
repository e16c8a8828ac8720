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

check_error() {   # name, expected status, expected message (grep -E), args...
    name=$1; want=$2; msg=$3; shift 3
    "$BIN" "$@" > "$T/err.out" 2>&1
    rc=$?
    if [ "$rc" -eq "$want" ] && grep -Eq "$msg" "$T/err.out"; then pass "$name"; else fail "$name" "status $rc (expected $want): $(cat "$T/err.out")"; fi
}
check_error "render without --data" 2 'render needs --data' render "$D/good.xml" --period 2026-07 -o "$T/x.pdf"
check_error "render without --period" 2 'render needs --period' render "$D/good.xml" --data "$DATA" -o "$T/x.pdf"
check_error "render without -o" 2 'render needs -o' render "$D/good.xml" --data "$DATA" --period 2026-07
check_error "render with a bad period" 2 '2026-13' render "$D/good.xml" --data "$DATA" --period 2026-13 -o "$T/x.pdf"
check_error "unknown document" 1 'no-such-document.xml: error: cannot read the template' render no-such-document --data "$DATA" --period 2026-07 -o "$T/x.pdf"
check_error "bad XPath names template file:line and the expression" 1 'bad-xpath.xml:3: error: .*/data/facts/system\[@id = \]' render "$D/bad-xpath.xml" --data "$DATA" --period 2026-07 -o "$T/x.pdf"
check_error "template output outside the layout vocabulary" 1 'bad-layout.xml:5: error: unknown element <paragraph>' render "$D/bad-layout.xml" --data "$DATA" --period 2026-07 -o "$T/x.pdf"
check_error "bad records: nothing rendered" 1 'error' render "$D/good.xml" --data tests/data/facts/e2e-bad --period 2026-07 -o "$T/x.pdf"
if [ ! -e "$T/x.pdf" ]; then pass "failed renders write nothing"; else fail "failed render wrote a file"; fi
cp "$T/good.pdf" "$T/keep.pdf"
"$BIN" render "$D/bad-layout.xml" --data "$DATA" --period 2026-07 -q -o "$T/keep.pdf" 2>/dev/null
expect "a failed render leaves the existing PDF" cmp "$T/good.pdf" "$T/keep.pdf"
