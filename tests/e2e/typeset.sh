#!/bin/sh
# End-to-end tests of `opsreport typeset`: real PDF readers on real output.
. tests/e2e/lib.sh
D=tests/data/typeset
T=$E2E_TMP
INK=${INKCHECK:-build/inkcheck}

# --- the showcase: every element of the vocabulary --------------------------
SHOW=samples/typeset/showcase.xml
if "$BIN" typeset -q "$SHOW" -o "$T/show.pdf" 2>"$T/show.err"; then pass "showcase renders"; else fail "showcase renders" "$(cat "$T/show.err")"; fi
expect "qpdf --check is clean" qpdf --check "$T/show.pdf"
pdffonts "$T/show.pdf" > "$T/fonts.txt" 2>&1
if [ "$(awk 'NR > 2 && ($(NF-4) != "yes" || $(NF-3) != "yes") { bad++ } END { print bad + 0 }' "$T/fonts.txt")" = 0 ] \
   && [ "$(awk 'NR > 2' "$T/fonts.txt" | wc -l)" -ge 4 ]; then
    pass "every font embedded and subset"
else
    fail "every font embedded and subset" "$(cat "$T/fonts.txt")"
fi
if grep -q 'HPDF.*WenQuanYiZenHei' "$T/fonts.txt" && grep -q 'UKaiCN' "$T/fonts.txt" && grep -q 'UMingCN' "$T/fonts.txt" \
   && grep -q 'HanaMin' "$T/fonts.txt"; then pass "song, hei, kai and the plane-2 face are used"; else fail "families used" "$(cat "$T/fonts.txt")"; fi
pdfinfo "$T/show.pdf" > "$T/info.txt" 2>&1
for field in "Title: *运维工作月度总结报告（2026年7月）" "Author: *首信云技术有限公司" "Subject: *网站技术运维月度报告" \
             "Keywords: *运维,月报,巡检,可用性" "Creator: *opsreport" "CreationDate: *Mon Aug  3 16:00:00 2026 UTC"; do
    if grep -q "^$field" "$T/info.txt"; then pass "info ${field%%:*}"; else fail "info ${field%%:*}" "$(cat "$T/info.txt")"; fi
done
pages=$(awk '/^Pages:/ { print $2 }' "$T/info.txt")
if [ "$pages" -ge 9 ] && [ "$pages" -le 11 ]; then pass "showcase page count ($pages)"; else fail "showcase page count" "$pages"; fi
pdftotext "$T/show.pdf" "$T/show.txt" 2>"$T/pdftotext.err"
if [ ! -s "$T/pdftotext.err" ]; then pass "pdftotext reads without warnings"; else fail "pdftotext warnings" "$(head -3 "$T/pdftotext.err")"; fi
for s in "本月“三城一区”VR 实景网站运行平稳，未发生安全事件。" "生僻字测试：𠮷野家" "第 2 页 共 9 页" "内部资料" "注意保密" \
         "https://kw.beijing.gov.cn/" "破折号——和省略号……" "¥208,800.00" "一、本月运维工作概述" "（一）关键指标" "1.原因分析" "（1）整改措施"; do
    if grep -qF "$s" "$T/show.txt"; then pass "text: $s"; else fail "text: $s" "not in pdftotext output"; fi
done
pdftotext -layout "$T/show.pdf" "$T/layout.txt" 2>/dev/null
if grep -Eq '页面业务可用性巡检 +每日至少 1 次 +31/31 次 +达标' "$T/layout.txt"; then pass "table extracts row by row"; else fail "table row order" "$(grep -n 页面业务 "$T/layout.txt")"; fi
# Every page that holds rows of the long table (dates 2026-07-xx) starts
# them under a repeated header.
with_rows=0; with_header=0; p=1
while [ "$p" -le "$pages" ]; do
    pdftotext -layout -f "$p" -l "$p" "$T/show.pdf" "$T/page.txt" 2>/dev/null
    if grep -q '2026-07-[0-9][0-9]  ' "$T/page.txt"; then
        with_rows=$((with_rows + 1))
        grep -Eq '序号 +日期 +巡检内容 +结果' "$T/page.txt" && with_header=$((with_header + 1))
    fi
    p=$((p + 1))
done
if [ "$with_rows" -ge 2 ] && [ "$with_header" -eq "$with_rows" ]; then pass "long table header repeated on all $with_rows pages it spans"; else fail "repeated header" "$with_header headers on $with_rows pages"; fi
qpdf --json "$T/show.pdf" > "$T/show.json" 2>/dev/null
for b in "一、本月运维工作概述" "（一）关键指标" "五、签字与盖章"; do
    if grep -qF "\"$b\"" "$T/show.json" || grep -qF "$b" "$T/show.json"; then pass "bookmark $b"; else fail "bookmark $b" "missing from outlines"; fi
done
if need "bookmarks nest by heading level" python3; then
    depth=$(python3 - "$T/show.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
def depth(items, d=1):
    return max([d] + [depth(i.get("kids", []), d + 1) for i in items if i.get("kids")])
print(depth(j.get("outlines", [])))
PY
)
    if [ "$depth" -ge 3 ]; then pass "bookmarks nest by heading level ($depth)"; else fail "bookmark nesting" "$depth"; fi
fi
if pdftotext -f 2 -l 2 "$T/show.pdf" - 2>/dev/null | grep -q '^一、本月运维工作概述'; then pass "contents page present"; else fail "contents page"; fi
# The contents must give the page each heading is really on.
toc_page=$(pdftotext -f 2 -l 2 -layout "$T/show.pdf" - 2>/dev/null | awk '/四、长表格/ { print $NF }')
real_page=""
p=3
while [ "$p" -le "$pages" ]; do
    if pdftotext -f "$p" -l "$p" "$T/show.pdf" - 2>/dev/null | grep -q '^四、长表格'; then real_page=$((p - 1)); break; fi
    p=$((p + 1))
done
if [ -n "$toc_page" ] && [ "$toc_page" = "$real_page" ]; then pass "contents page number is right ($toc_page)"; else fail "contents page number" "toc says '$toc_page', heading is on $real_page"; fi

# --- determinism ---------------------------------------------------------------
"$BIN" typeset -q "$SHOW" -o "$T/show2.pdf" 2>/dev/null
expect "same input gives byte-identical PDF" cmp "$T/show.pdf" "$T/show2.pdf"
SOURCE_DATE_EPOCH=1780000000 "$BIN" typeset -q "$SHOW" -o "$T/epoch.pdf" 2>/dev/null
if pdfinfo "$T/epoch.pdf" 2>/dev/null | grep -q 'CreationDate: *Thu May 28 20:26:40 2026 UTC'; then pass "SOURCE_DATE_EPOCH sets the date"; else fail "SOURCE_DATE_EPOCH" "$(pdfinfo "$T/epoch.pdf" | grep Date)"; fi

# --- glyphs render: every character cell of a known sample has ink ----------
"$BIN" typeset -q "$D/ink.xml" -o "$T/ink.pdf" 2>/dev/null
pdftoppm -r 100 -gray -f 1 -l 1 "$T/ink.pdf" "$T/ink" 2>/dev/null
pgm=$(ls "$T"/ink*.pgm 2>/dev/null | head -n 1)
# Report profile: margins 25 mm, lines 20 pt, 12 pt glyphs centred on the
# line, baseline 12.19 pt below the line top; each cell inset by 1.5 pt.
boxes=$(awk 'BEGIN {
    left = 25 * 72 / 25.4; top = left
    split("12 12 12 12 3", n, " ")
    for (line = 0; line < 5; line++) {
        base = top + line * 20 + 4 + 12 * 0.86
        for (i = 0; i < n[line + 1]; i++)
            printf "%.2f %.2f 9 9 ", left + i * 12 + 1.5, base - 12 * 0.88 + 1.5
    }
}')
# shellcheck disable=SC2086
if [ -n "$pgm" ] && "$INK" "$pgm" 100 $boxes > "$T/ink.txt"; then pass "every character cell has ink (song, hei, kai, fangsong, 𠮷)"; else fail "ink" "$(tail -n 3 "$T/ink.txt" 2>/dev/null)"; fi
# and the space between the lines has none (the checker really looks)
if [ -n "$pgm" ] && ! "$INK" "$pgm" 100 200 300 50 50 > /dev/null; then pass "ink checker sees blank paper as blank"; else fail "ink control" "an empty box had ink"; fi
if pdftotext "$T/ink.pdf" - 2>/dev/null | grep -q '𠮷𠮷𠮷'; then pass "plane-2 character extracts as itself"; else fail "plane-2 extraction"; fi

# --- the GB/T 9704 grid: 28 characters a line, "— 1 —" -------------------------
"$BIN" typeset -q "$D/grid.xml" -o "$T/grid.pdf" 2>/dev/null
pdftotext "$T/grid.pdf" "$T/grid.txt" 2>/dev/null
l1=$(sed -n 1p "$T/grid.txt"); l2=$(sed -n 2p "$T/grid.txt"); l3=$(sed -n 3p "$T/grid.txt")
if [ "$l1" = "一二三四五六七八九十一二三四五六七八九十一二三四五六七八" ] && [ "$l2" = "甲乙丙丁戊己庚辛壬癸甲乙丙丁戊己庚辛壬癸甲乙丙丁戊己庚辛" ] && [ "$l3" = "二三四五" ]; then
    pass "gbt9704 grid: 28 characters a line"
else
    fail "gbt9704 grid" "got '$l1' / '$l2' / '$l3'"
fi
if grep -q '^— 1 —$' "$T/grid.txt"; then pass "gbt9704 page number — 1 —"; else fail "gbt9704 page number" "$(grep '—' "$T/grid.txt")"; fi
"$BIN" typeset -q samples/typeset/gbt9704.xml -o "$T/gbt.pdf" 2>/dev/null
expect "gbt9704 sample passes qpdf" qpdf --check "$T/gbt.pdf"

# --- a character no font has: a visible box and a warning -----------------
"$BIN" typeset "$D/missing-glyph.xml" -o "$T/missing.pdf" 2>"$T/missing.err"
rc=$?
if [ $rc -eq 0 ] && grep -q 'missing-glyph.xml:3: warning: no font covers U+10FFFD' "$T/missing.err"; then pass "uncovered character warns with its place"; else fail "uncovered character" "rc=$rc $(cat "$T/missing.err")"; fi
if pdftotext "$T/missing.pdf" - 2>/dev/null | tr -d '\n' | grep -q '前文后文'; then pass "text around the missing character is kept"; else fail "text around missing"; fi

# --- bad input: file:line, exit status, nothing written -------------------------
check_error() {   # name, expected status, expected message (grep -E), args...
    name=$1; want=$2; msg=$3; shift 3
    "$BIN" "$@" > "$T/err.out" 2>&1
    rc=$?
    if [ "$rc" -eq "$want" ] && grep -Eq "$msg" "$T/err.out"; then pass "$name"; else fail "$name" "status $rc (expected $want): $(cat "$T/err.out")"; fi
}
check_error "malformed XML" 1 'malformed.xml:4: error: malformed XML' typeset "$D/malformed.xml" -o "$T/bad.pdf"
check_error "unknown element" 1 'unknown.xml:4: error: unknown element <paragraph>' typeset "$D/unknown.xml" -o "$T/bad.pdf"
check_error "bad attribute value" 1 'unknown.xml:5: error: align="middle" on <p> \(expected justify/left/center/right\)' typeset "$D/unknown.xml" -o "$T/bad.pdf"
check_error "columns wider than the page" 1 'wide-table.xml:3: error: the fixed column widths need 200.0 mm' typeset "$D/wide-table.xml" -o "$T/bad.pdf"
check_error "missing image" 1 "no-image.xml:3: error: image '.*no-such.png' does not exist" typeset "$D/no-image.xml" -o "$T/bad.pdf"
check_error "not an image" 1 "not-image.xml:3: error: image .*not-an-image.png: not a PNG or JPEG file" typeset "$D/not-image.xml" -o "$T/bad.pdf"
check_error "DOCTYPE refused" 1 'doctype.xml:2: error: a DOCTYPE declaration' typeset "$D/doctype.xml" -o "$T/bad.pdf"
check_error "missing font file" 1 "bad-fonts.conf:1: error: font file '/nonexistent/font.ttf' not found" typeset "$D/ink.xml" -o "$T/bad.pdf" --fonts "$D/bad-fonts.conf"
check_error "missing input file" 1 'no-such.xml: error: cannot open the document' typeset "$D/no-such.xml" -o "$T/bad.pdf"
mkfifo "$T/fifo.xml"
check_error "FIFO refused, not read" 1 'fifo.xml: error: not a regular file' typeset "$T/fifo.xml" -o "$T/bad.pdf"
check_error "no command" 2 'a command is missing' 
check_error "unknown command" 2 'unknown command frobnicate' frobnicate
check_error "unknown option" 2 'unknown option --colour' typeset "$SHOW" --colour -o "$T/bad.pdf"
check_error "typeset without -o" 2 'typeset needs -o' typeset "$SHOW"
check_error "unwritable output directory" 3 'error' typeset "$D/ink.xml" -o /nonexistent-dir/out.pdf
if [ ! -e "$T/bad.pdf" ]; then pass "no output from failed runs"; else fail "failed runs wrote a file"; fi

# A good PDF is never replaced by a failed run, and no temporary file stays.
cp "$T/show.pdf" "$T/keep.pdf"
"$BIN" typeset -q "$D/not-image.xml" -o "$T/keep.pdf" 2>/dev/null
expect "existing PDF untouched by a failed run" cmp "$T/show.pdf" "$T/keep.pdf"
if [ -z "$(ls "$T" | grep -E 'keep\.pdf.+|bad\.pdf')" ]; then pass "no temporary files left"; else fail "leftovers" "$(ls "$T")"; fi

# --- orientation -------------------------------------------------------------
"$BIN" typeset -q "$D/landscape.xml" -o "$T/land.pdf" 2>/dev/null
if pdfinfo "$T/land.pdf" 2>/dev/null | grep -q 'Page size: *841.89 x 595.276 pts'; then pass "landscape A4"; else fail "landscape A4" "$(pdfinfo "$T/land.pdf" 2>&1 | grep 'Page size')"; fi

# --- no heading ends a page: the last body line of every page is not a heading
bad=""
p=3   # after the cover and the contents page
while [ "$p" -le "$pages" ]; do
    last=$(pdftotext -layout -f "$p" -l "$p" "$T/show.pdf" - 2>/dev/null | tr -d '\f' | grep -v '第 .* 页 共' | sed 's/^ *//; s/ *$//' | grep -v '^$' | tail -n 1)
    if printf '%s\n' "$last" | grep -Eq '^([一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|[0-9]+\.[^0-9]|（[0-9]+）)'; then bad="$bad p$p:$last"; fi
    p=$((p + 1))
done
if [ -z "$bad" ]; then pass "no page ends with a heading"; else fail "heading at page foot" "$bad"; fi

# --- parts: documents inside a packet --------------------------------------
"$BIN" typeset -q "$D/parts.xml" -o "$T/parts.pdf" 2>/dev/null
pdftotext "$T/parts.pdf" "$T/parts.txt" 2>/dev/null
# each part numbers its headings from 一、 again
if [ "$(grep -c '^一、' "$T/parts.txt")" -ge 4 ] && grep -q '^二、运行情况' "$T/parts.txt"; then pass "parts restart heading numbers"; else fail "parts numbering" "$(grep '、' "$T/parts.txt")"; fi
if need "part bookmarks nest their headings" python3; then
    tree=$(qpdf --json "$T/parts.pdf" 2>/dev/null | python3 -c '
import json, sys
j = json.load(sys.stdin)
def walk(items, d=0):
    for i in items:
        print(d, i["title"]); walk(i.get("kids", []), d + 1)
walk(j["outlines"])')
    if printf '%s\n' "$tree" | grep -q '^0 二、年度运维总结报告' && printf '%s\n' "$tree" | grep -q '^1 一、项目概况' \
       && printf '%s\n' "$tree" | grep -q '^2 （一）服务内容'; then pass "part bookmarks nest their headings"; else fail "part bookmarks" "$tree"; fi
fi

# --- a chain of headings (一、 then （一）) never splits across a page foot
"$BIN" typeset -q "$D/chain.xml" -o "$T/chain.pdf" 2>/dev/null
last1=$(pdftotext -f 1 -l 1 "$T/chain.pdf" - 2>/dev/null | tr -d '\f' | grep -v '第 .* 页 共' | grep -v '^$' | tail -n 1)
if [ "$last1" = "第一页的正文。" ] && pdftotext -f 2 -l 2 "$T/chain.pdf" - 2>/dev/null | grep -q '^一、检查考核情况'; then
    pass "heading chain moves to the next page together"
else
    fail "heading chain" "page 1 ends with '$last1'"
fi

# --- content that grows with the data is laid out, never refused ------------
# Each document (tests/data/typeset/gen-long.py wrote them) carries tokens, a
# letter prefix and digits, each put in exactly once: every one must come
# out exactly once (no text lost or doubled), and pages that continue a row
# group repeat the header and mark the repeated spanning cells with （续）.
long_doc() {   # name: typesets $D/name.xml into $T/name.pdf and checks the PDF
    if "$BIN" typeset -q "$D/$1.xml" -o "$T/$1.pdf" 2>"$T/$1.err"; then
        pass "$1 typesets"
    else
        fail "$1 typesets" "$(head -n 3 "$T/$1.err")"
        return 1
    fi
    expect "$1 passes qpdf --check" qpdf --check "$T/$1.pdf"
    pdftotext "$T/$1.pdf" "$T/$1.txt" 2>/dev/null
    npages=$(pdfinfo "$T/$1.pdf" 2>/dev/null | awk '/^Pages:/ { print $2 }')
}
tokens() {   # doc prefix digits count [times]: tokens prefix1..count appear `times` each, no others
    grep -o "$2[0-9]\{$3\}" "$T/$1.txt" | sort | uniq -c | awk -v p="$2" -v w="$3" -v n="$4" -v t="${5:-1}" '
        { seen[$2] = $1 }
        END {
            bad = 0
            for (i = 1; i <= n; i++) {
                k = sprintf("%s%0" w "d", p, i)
                if (seen[k] + 0 != t) { printf "%s %d times; ", k, seen[k]; bad++ }
                delete seen[k]
            }
            for (k in seen) { printf "%s unexpected; ", k; bad++ }
            exit bad > 0
        }' > "$T/tokens.txt"
    if [ $? -eq 0 ]; then pass "$1: $4 tokens $2… each ${5:-1}×"; else fail "$1: tokens $2…" "$(head -c 300 "$T/tokens.txt")"; fi
}
page_txt() { pdftotext -f "$2" -l "$2" "$T/$1.pdf" "$T/page.txt" 2>/dev/null; }
count_in() { grep -o "$1" "$T/page.txt" | wc -l | tr -d ' '; }
# Per page that holds rows (regex $2): the header text $3 must be there, and
# on every such page but the group's first one the spanning text $4 followed
# (possibly on the next line) by （续）, at least $5 marks; the group's
# first page has no mark unless $6 is "after-another" (a group before it
# ends there).
continued_pages() {   # doc rows-regex header label marks [after-another]
    doc=$1; rows=$2; header=$3; label=$4; want=$5; first_marks=${6:-}
    p=1; seen=0; cont=0; bad=""
    while [ "$p" -le "$npages" ]; do
        page_txt "$doc" "$p"
        if grep -q "$rows" "$T/page.txt"; then
            [ "$(count_in "$header")" -ge 1 ] || bad="$bad page $p lacks the header '$header';"
            if [ "$seen" -eq 0 ]; then
                [ "$(count_in '（续）')" -eq 0 ] || [ -n "$first_marks" ] || bad="$bad page $p (the group's first) has a mark;"
            else
                [ "$(count_in '（续）')" -ge "$want" ] || bad="$bad page $p has $(count_in '（续）') marks (expected $want);"
                tr -d '\n' < "$T/page.txt" | grep -q "$label" || bad="$bad page $p lacks '$label';"
                cont=$((cont + 1))
            fi
            seen=$((seen + 1))
        fi
        p=$((p + 1))
    done
    if [ -z "$bad" ] && [ "$cont" -ge 1 ]; then pass "$doc: header and marked spanning cells on all $cont continued pages"; else fail "$doc: continued pages" "$cont continued;$bad"; fi
}

# Three rows of 40 lines joined by rowspan, in the middle of a page: taller
# than a page together, each fitting one, so each row goes whole on a page.
if long_doc rowspan-mid; then
    tokens rowspan-mid R1L 2 40; tokens rowspan-mid R2L 2 40; tokens rowspan-mid R3L 2 40
    tokens rowspan-mid X 4 2; tokens rowspan-mid T 4 1; tokens rowspan-mid P 2 7
    continued_pages rowspan-mid 'R[123]L[0-9][0-9]' 明细说明栏 '跨行标签甲' 2
    # no row cut: each row's 40 lines on one page
    ok=1
    for r in 1 2 3; do
        p=1; on=0
        while [ "$p" -le "$npages" ]; do page_txt rowspan-mid "$p"; grep -q "R${r}L" "$T/page.txt" && on=$((on + 1)); p=$((p + 1)); done
        [ "$on" -eq 1 ] || ok=0
    done
    if [ "$ok" = 1 ]; then pass "rowspan-mid: rows that fit a page are not cut"; else fail "rowspan-mid: a row fitting a page was cut"; fi
    page_txt rowspan-mid 1
    if grep -q 'P07' "$T/page.txt" && grep -q '表1' "$T/page.txt"; then pass "rowspan-mid: the table starts on the page of the text before it"; else fail "rowspan-mid: table start"; fi
fi

# A spanning cell of 120 lines over three short rows (its text continues
# under the mark), then a short label over 70 rows (repeated with the mark).
if long_doc rowspan-tall; then
    tokens rowspan-tall S 3 120; tokens rowspan-tall A 3 3; tokens rowspan-tall B 3 70
    continued_pages rowspan-tall 'S[0-9][0-9][0-9]' 明细说明栏 '1' 2
    continued_pages rowspan-tall 'B[0-9][0-9][0-9]' 明细说明栏 '跨行标签乙（续）' 2 after-another
fi

# An acceptance-like checklist of six systems: groups of 12, 6, 18 and 12
# rows under spanning 序号 and 合同条款 cells.
if long_doc six-systems; then
    tokens six-systems M 3 48
    ndates=$(grep -o 'D[0-9]\{5\}' "$T/six-systems.txt" | sort -u | wc -l | tr -d ' ')
    nall=$(grep -o 'D[0-9]\{5\}' "$T/six-systems.txt" | wc -l | tr -d ' ')
    if [ "$ndates" = 528 ] && [ "$nall" = 528 ]; then pass "six-systems: 528 dates each once"; else fail "six-systems: dates" "$ndates distinct, $nall in all (expected 528)"; fi
    # A page whose first row is not the first of its group continues the
    # group: header, and both spanning cells marked.
    p=1; bad=""; conts=0
    while [ "$p" -le "$npages" ]; do
        page_txt six-systems "$p"
        first=$(grep -o 'M[0-9]\{3\}' "$T/page.txt" | head -n 1)
        if [ -n "$first" ]; then
            grep -q '佐证材料' "$T/page.txt" || bad="$bad page $p lacks the header;"
            case $first in
                M001|M013|M019|M037) [ "$(count_in '（续）')" -eq 0 ] || bad="$bad page $p starts a group but has marks;" ;;
                *) conts=$((conts + 1)); [ "$(count_in '（续）')" -eq 2 ] || bad="$bad page $p has $(count_in '（续）') marks (expected 2);" ;;
            esac
        fi
        p=$((p + 1))
    done
    if [ -z "$bad" ] && [ "$conts" -ge 3 ]; then pass "six-systems: $conts continued pages with header and two marks"; else fail "six-systems: continued pages" "$conts;$bad"; fi
fi

# A form field of 5,000 characters: its label repeats, marked, beside the
# continued value.
if long_doc form-long; then
    tokens form-long F 4 50; tokens form-long Q 4 3
    p=1; bad=""; conts=0
    while [ "$p" -le "$npages" ]; do
        page_txt form-long "$p"
        if grep -q 'F[0-9]\{4\}' "$T/page.txt"; then
            tr -d '\n' < "$T/page.txt" > "$T/flat.txt"
            if grep -q 'F0001' "$T/page.txt"; then
                grep -q '详细说明' "$T/flat.txt" && ! grep -q '续' "$T/flat.txt" || bad="$bad page $p;"
            else
                conts=$((conts + 1))
                # (pdftotext interleaves the label's lines with the value's)
                grep -q '详细说明' "$T/flat.txt" && [ "$(count_in '（续）')" -eq 1 ] || bad="$bad page $p lacks 详细说明 and （续）;"
            fi
        fi
        p=$((p + 1))
    done
    if [ -z "$bad" ] && [ "$conts" -ge 1 ]; then pass "form-long: label repeated with （续） on $conts continued pages"; else fail "form-long: label" "$conts;$bad"; fi
fi

# A cover field of 2,000 characters goes on over pages inside the type area.
if long_doc cover-long; then
    tokens cover-long C 3 40; tokens cover-long E 4 1; tokens cover-long T 4 1
    if grep -q '第 1 页 共 1 页' "$T/cover-long.txt"; then pass "cover-long: the cover pages stay unnumbered"; else fail "cover-long: numbering" "$(grep '页' "$T/cover-long.txt")"; fi
fi

# A list of 200 items in a table cell, over pages under the repeated header.
if long_doc list-cell; then
    tokens list-cell L 3 200; tokens list-cell G 4 2
    p=1; with=0; head=0
    while [ "$p" -le "$npages" ]; do
        page_txt list-cell "$p"
        if grep -q 'L[0-9]\{3\}' "$T/page.txt"; then with=$((with + 1)); grep -q '清单明细栏' "$T/page.txt" && head=$((head + 1)); fi
        p=$((p + 1))
    done
    if [ "$with" -ge 3 ] && [ "$head" = "$with" ]; then pass "list-cell: header on all $with pages"; else fail "list-cell: header" "$head of $with"; fi
    if grep -q '^200\. *L200' "$T/list-cell.txt" && grep -q '^1\. *L001' "$T/list-cell.txt"; then pass "list-cell: items carry their numbers"; else fail "list-cell: markers" "$(grep -m 2 'L00[12]' "$T/list-cell.txt")"; fi
fi

# A keep block of three pages stays where it is (page 1 is not left blank).
if long_doc keep-long; then
    tokens keep-long K 4 45; tokens keep-long Z 4 2
    page_txt keep-long 1
    if grep -q 'K0001' "$T/page.txt" && [ "$npages" -eq 3 ]; then pass "keep-long: a keep block taller than a page flows from where it stands"; else fail "keep-long: flow" "$npages pages; page 1: $(head -c 200 "$T/page.txt")"; fi
fi

# A 300-character heading, a 150-character caption, eight long signatures;
# the running head cuts the heading with an ellipsis.
if long_doc long-misc; then
    tokens long-misc H 4 1 2; tokens long-misc V 4 2; tokens long-misc N 3 8; tokens long-misc T 4 2
    page_txt long-misc 1
    if head -n 3 "$T/page.txt" | grep -q '^H0001.*…$'; then pass "long-misc: running head cut with …"; else fail "long-misc: running head" "$(head -n 1 "$T/page.txt")"; fi
fi

# A table without widths: a short column beside 3,000 characters.
if long_doc auto-widths; then
    tokens auto-widths W 3 60
fi

# A first row that moves to the next page takes the caption and header with
# it (none left alone at the foot of a page); header rows taller than half a
# page are set once, not repeated.
if long_doc table-start; then
    tokens table-start Y 2 20; tokens table-start U 2 30; tokens table-start O 2 40
    p=1; bad=""
    while [ "$p" -le "$npages" ]; do
        page_txt table-start "$p"
        if grep -q '首行表头栏' "$T/page.txt" && ! grep -q 'Y01' "$T/page.txt"; then bad="$bad page $p has the header without the first row;"; fi
        p=$((p + 1))
    done
    if [ -z "$bad" ] && [ "$(grep -c '首行表头栏' "$T/table-start.txt")" = 1 ]; then pass "table-start: caption and header stay with the first row"; else fail "table-start: orphaned header" "$bad"; fi
fi

# Two spanning cells taller than a page ending on the same row, over empty
# last rows: their texts continue (marked), are never repeated, and end.
if long_doc span-pair; then
    tokens span-pair J 3 100; tokens span-pair K 3 100; tokens span-pair I 3 4
    continued_pages span-pair '[JK][0-9][0-9][0-9]' 丙栏 '续' 2
fi

# Charts: category labels as drawn (CJK-Latin spaces included) never touch,
# read back from the PDF's word boxes; 图 N captions numbered in order under
# their charts; the requirement line's label printed.
if "$BIN" typeset -q "$D/chart-months.xml" -o "$T/chart-months.pdf" 2>"$T/chart-months.err"; then
    pass "chart-months renders"
    pdftotext -bbox "$T/chart-months.pdf" - 2>/dev/null | awk -F'"' '
        /<word / { n++; x0[n] = $2; y0[n] = $4; x1[n] = $6; y1[n] = $8; s = $9; sub(/^>/, "", s); sub(/<.*/, "", s); w[n] = s }
        END {
            bad = 0
            for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++)
                if (x0[i] < x1[j] - 0.3 && x0[j] < x1[i] - 0.3 && y0[i] < y1[j] - 0.3 && y0[j] < y1[i] - 0.3) {
                    printf "%s (%.1f,%.1f) and %s (%.1f,%.1f) overlap; ", w[i], x0[i], y0[i], w[j], x0[j], y0[j]; bad++
                }
            if (n < 60) printf "only %d words read", n
            exit (bad > 0 || n < 60)
        }' > "$T/chart-overlap.txt"
    if [ $? = 0 ]; then pass "chart-months: no two words overlap"; else fail "chart-months: overlapping words" "$(cut -c1-400 "$T/chart-overlap.txt")"; fi
    flat=$(pdftotext "$T/chart-months.pdf" - 2>/dev/null | tr -d ' \n\f')
    case "$flat" in
        *要求99%*图1*可用率*图2*数量*) pass "chart-months: 图 1 and 图 2 under their charts, requirement label" ;;
        *) fail "chart-months: captions" "$flat" ;;
    esac
else
    fail "chart-months renders" "$(cat "$T/chart-months.err")"
fi

# Tables that fit their content (issue 8.3): ids, dates, status and
# durations on one line with the description taking the rest; at least two
# body rows on each side of every page break, the total row with two rows;
# 续表 N above each repeated header; 表 N numbering; a long URL and id in a
# narrow cell broken at their punctuation.  Positions read back with
# pdftotext -bbox-layout: a cell's text on one line is one <line> element.
if long_doc table-fit; then
    pdftotext -layout "$T/table-fit.pdf" "$T/fit.txt" 2>/dev/null
    n=$(grep -Ec '^ *INC-2026-[0-9]{4} +2026 年 7 月 [0-9]+ 日 10:[0-9]{2} .* 已完成 +[0-9]+ 分钟 *$' "$T/fit.txt")
    if [ "$n" = 40 ]; then pass "table-fit: id, date, status and duration each on one line (40 rows)"; else fail "table-fit one-line cells" "$n of 40 rows; $(sed -n 5,12p "$T/fit.txt")"; fi
    if grep -q '表1　事件处理明细\|表1 *事件处理明细' "$T/fit.txt" && grep -q '表7 *链接' "$T/fit.txt" && ! grep -q '表2' "$T/fit.txt"; then
        pass "table-fit: captions numbered 表1, an own number (表7) kept"
    else fail "table-fit numbering" "$(grep -n '表[0-9]' "$T/fit.txt")"; fi
    p=1; bad=""; cont=0
    while [ "$p" -le "$npages" ]; do
        pdftotext -layout -f "$p" -l "$p" "$T/table-fit.pdf" "$T/page.txt" 2>/dev/null
        rows=$(grep -Ec '^ *(INC-2026-[0-9]{4}|合计) ' "$T/page.txt")
        if [ "$rows" -gt 0 ] && [ "$rows" -lt 2 ]; then bad="$bad page $p holds $rows row;"; fi
        if [ "$p" -gt 1 ] && [ "$rows" -gt 0 ]; then
            if grep -q '续表 *1' "$T/page.txt"; then cont=$((cont + 1)); else bad="$bad page $p has no 续表 1;"; fi
        fi
        if grep -q '合计' "$T/page.txt" && ! grep -q 'INC-2026-0040' "$T/page.txt"; then bad="$bad the total row is apart from the last row;"; fi
        p=$((p + 1))
    done
    if [ -z "$bad" ] && [ "$cont" -ge 2 ]; then pass "table-fit: two rows or more on each side of every break, total kept, 续表 on $cont pages"; else fail "table-fit page breaks" "$bad (续表 on $cont)"; fi
    pdftotext -bbox-layout "$T/table-fit.pdf" "$T/fit.html" 2>/dev/null
    # The URL and the file name break after / . - _ only: every line of
    # their cell ends with one of those or is the cell's last.
    if grep -q '>https://kw.beijing.<\|>https://kw.beijing.gov.cn/<' "$T/fit.html" && grep -q '>S-web-2026-W47_<' "$T/fit.html"; then
        pass "table-fit: a URL and an id in a narrow cell break at their punctuation"
    else fail "table-fit URL breaks" "$(grep -o '>[^<]*beijing[^<]*<\|>S-web[^<]*<' "$T/fit.html")"; fi
fi
