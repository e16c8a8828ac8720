#!/bin/sh
# Page keeping (issue 8.4): headings and lead-in lines stay with what
# follows without leaving more than a third of a page blank; a sign-off
# block takes the last lines of text before it to its page.  Positions are
# read back from the PDF (pdftotext -bbox-layout), page by page.
# The documents are tests/data/typeset/pages/*.xml (written by gen.py there).
. tests/e2e/lib.sh
D=tests/data/typeset/pages
T=$E2E_TMP
if need "page keeping" pdftotext python3; then
# lines.py PDF: one line per text line, "page top bottom text" (pt from the
# page top), body lines only (running heads and footers left out), and per
# page a line "page blank FRACTION" (the blank under its last body line as
# a fraction of the type area: report profile, 25/22 mm margins).
cat > "$T/lines.py" <<'PY'
import html, re, subprocess, sys
out = subprocess.run(["pdftotext", "-bbox-layout", sys.argv[1], "-"], capture_output=True, text=True, check=True).stdout
top, bottom = 25 * 72 / 25.4, 842 - 22 * 72 / 25.4
for pi, page in enumerate(re.findall(r"<page.*?</page>", out, re.S), 1):
    last = top
    for m in re.finditer(r'<line xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">(.*?)</line>', page, re.S):
        y0, y1 = float(m.group(1)), float(m.group(2))
        if y0 < top - 2 or y1 > bottom + 2:
            continue
        words = html.unescape("".join(re.findall(r">([^<]*)</word>", m.group(3))))
        print(pi, "%.1f %.1f" % (y0, y1), words)
        last = max(last, y1)
    print(pi, "blank", "%.3f" % ((bottom - last) / (bottom - top)))
PY
render() {   # NAME: typesets $D/NAME.xml into $T/NAME.pdf and $T/NAME.lines
    if "$BIN" typeset -q "$D/$1.xml" -o "$T/$1.pdf" 2>"$T/$1.err" && python3 "$T/lines.py" "$T/$1.pdf" > "$T/$1.lines"; then
        return 0
    fi
    fail "$1 renders" "$(cat "$T/$1.err")"
    return 1
}
page_of() { awk -v s="$2" '$2 != "blank" && index($0, s) { print $1; exit }' "$T/$1.lines"; }
blank_of() { awk -v p="$2" '$1 == p && $2 == "blank" { print $3 }' "$T/$1.lines"; }
# the last body line of page P
last_of() { awk -v p="$2" '$1 == p && $2 != "blank" { l = $0 } END { sub(/^[0-9]+ [0-9.]+ [0-9.]+ /, "", l); print l }' "$T/$1.lines"; }
over_third() { awk -v b="$1" 'BEGIN { exit !(b > 1 / 3 + 0.005) }'; }

# 1. A heading before a <keep> that moves on: never the last line of a page.
if render heading-foot; then
    hp=$(page_of heading-foot 标题甲在页脚); kp=$(page_of heading-foot K1保持块内)
    if [ -n "$hp" ] && [ "$hp" = "$kp" ]; then pass "a heading goes with the block after it (page $hp)"; else fail "heading kept" "heading on page '$hp', its block on '$kp'"; fi
    fails=0
    for p in 1 2 3; do case "$(last_of heading-foot $p)" in 标题*|*：) fails=1 ;; esac; done
    if [ "$fails" = 0 ]; then pass "no page ends with a heading or lead-in"; else fail "page ends with a heading" "$(cat "$T/heading-foot.lines")"; fi
    # a heading and its lead-in line go with at least two lines of the list
    hp=$(page_of heading-foot 标题丁带引导句)
    under=$(awk -v p="$hp" '$1 == p && $2 != "blank" && seen { n++ } index($0, "情况如下") { seen = 1 } END { print n + 0 }' "$T/heading-foot.lines")
    if [ -n "$hp" ] && [ "$under" -ge 2 ]; then pass "heading and lead-in have $under lines of their list under them"; else fail "heading and lead-in stranded" "page '$hp': $under list lines under them"; fi
fi

# 2. A lead-in line ending in ：, and one marked keep-with-next, stay with
#    the list or table after them.
if render lead-in; then
    lp=$(page_of lead-in 引导句后面是列表); ip=$(page_of lead-in L1列表项目)
    if [ -n "$lp" ] && [ "$lp" = "$ip" ]; then pass "a lead-in line stays with its list (page $lp)"; else fail "lead-in kept" "lead-in on page '$lp', first item on '$ip' ($(last_of lead-in 1))"; fi
fi
if render keep-next; then
    kp=$(page_of keep-next 显式保持的引导段); rp=$(page_of keep-next R1)
    if [ -n "$kp" ] && [ "$kp" = "$rp" ]; then pass "keep-with-next keeps a paragraph with its table"; else fail "keep-with-next" "paragraph on '$kp', first row on '$rp'"; fi
fi

# 3. The sign-off is never alone on its page: at least two lines of the
#    text before it come along.
if render sign-off; then
    sp=$(page_of sign-off 双方确认)
    before=$(awk -v p="$sp" '$1 == p && $2 != "blank" && !index($0, "双方确认") { n++ } index($0, "双方确认") { print n + 0; exit }' "$T/sign-off.lines")
    if [ -n "$sp" ] && [ "${before:-0}" -ge 2 ]; then pass "the sign-off has $before lines of text above it on page $sp"; else fail "sign-off alone" "page '$sp' has ${before:-0} lines before it"; fi
    zp=$(page_of sign-off Z本段用于); ep=$(page_of sign-off E本段用于)
    if [ "$zp" = "$sp" ] && [ -n "$ep" ] && [ "$ep" -lt "$sp" ]; then pass "only the last paragraph moves with it"; else fail "sign-off pull" "E on '$ep', Z on '$zp', sign-off on '$sp'"; fi
fi

# 4. Keeping a heading with a long table must not leave more than a third
#    of the page blank: the table starts under the heading instead.
if render third-blank; then
    b=$(blank_of third-blank 1)
    if [ -n "$b" ] && ! over_third "$b"; then pass "page 1 is at most a third blank ($b)"; else fail "more than a third blank" "page 1 blank $b"; fi
    hp=$(page_of third-blank 标题乙后接长表); tp=$(page_of third-blank T01)
    if [ -n "$hp" ] && [ "$hp" = "$tp" ]; then pass "the heading keeps the table's first rows"; else fail "heading with table" "heading on '$hp', T01 on '$tp'"; fi
    n=$(awk -v p="$hp" '$1 == p && /T[0-9][0-9]/' "$T/third-blank.lines" | wc -l)
    if [ "$n" -ge 2 ]; then pass "at least two rows under the heading ($n)"; else fail "rows under the heading" "$n"; fi
fi

# 5. Shrinking: when the block after a heading misses the page by a little
#    and moving would leave it more than a third blank, the spaces above
#    shrink (to no less than half) and both stay on the page.
if render shrink; then
    hp=$(page_of shrink 标题丙靠收缩); yp=$(page_of shrink Y14保持块内)
    b=$(blank_of shrink 1)
    if [ "$hp" = 1 ] && [ "$yp" = 1 ]; then pass "heading and block stay on page 1 by shrinking the spaces"; else fail "shrink" "heading on '$hp', block end on '$yp', page 1 blank $b"; fi
    # the spaces shrank, but to no less than half: F01..F14 still 20 pt + at least 2.5 pt apart
    pitch=$(awk '$1 == 1 && /F0[1-9]|F1[0-4]/ { if (prev) { d = $2 - prev; if (!min || d < min) min = d } prev = $2 } END { printf "%.1f", min }' "$T/shrink.lines")
    if awk -v d="$pitch" 'BEGIN { exit !(d >= 22.4 && d < 25) }'; then pass "spaces shrank within the limit (pitch $pitch pt)"; else fail "shrink limit" "smallest pitch $pitch pt (expected 22.5–25)"; fi
fi

# 6. The contract documents: no page of the monthly and acceptance
#    documents ends with a heading or a lead-in line, and the sign-off has
#    text above it.
for doc in monthly acceptance; do
    period=2026-09; [ "$doc" = acceptance ] && period=term
    if ! "$BIN" render "$doc" -q --data samples/records --period "$period" --today 2027-06-10 -o "$T/$doc.pdf" 2>"$T/$doc.err"; then
        fail "$doc renders" "$(cat "$T/$doc.err")"; continue
    fi
    python3 "$T/lines.py" "$T/$doc.pdf" > "$T/$doc.lines"
    pages=$(awk '$2 == "blank"' "$T/$doc.lines" | wc -l)
    bad=""
    p=3
    while [ "$p" -le "$pages" ]; do   # after the cover and contents
        l=$(last_of "$doc" $p)
        N='(一|二|三|四|五|六|七|八|九|十)+'
        if printf '%s\n' "$l" | grep -Eq "^($N、|（$N）)" && [ ${#l} -lt 90 ] || printf '%s\n' "$l" | grep -Eq '(：|:)$'; then
            bad="$bad p$p:$l"
        fi
        p=$((p + 1))
    done
    if [ -z "$bad" ]; then pass "$doc: no page ends with a heading or lead-in"; else fail "$doc: page ends with a heading or lead-in" "$bad"; fi
    sp=$(awk '/代表签字/ { print $1; exit }' "$T/$doc.lines")
    n=$(awk -v p="$sp" '$1 == p && $2 != "blank" { n++ } /代表签字/ { print n - 1; exit }' "$T/$doc.lines")
    if [ "${n:-0}" -ge 3 ]; then pass "$doc: the sign-off has text above it on page $sp"; else fail "$doc: sign-off alone" "page $sp: $n lines before it"; fi
done
fi
