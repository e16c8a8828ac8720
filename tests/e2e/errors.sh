#!/bin/sh
# Errors that say what happened (issue 13.3): limits are input matters
# with file:line or are handled, never "out of memory"; exit 3 only for
# system errors.  (Full disk: tests/e2e/output.sh; the first allocation
# failing: tests/test_fonts.c.)
. tests/e2e/lib.sh
T=$E2E_TMP

# A heading of 5,000 characters (15,000 bytes): printed whole; its bookmark
# and contents entry are cut at a character boundary, with a warning at
# its line.
python3 - "$T/long-heading.xml" <<'EOF'
import sys
open(sys.argv[1], "w", encoding="utf-8").write(
    '<?xml version="1.0" encoding="UTF-8"?>\n<document profile="report" title="t">\n<toc/>\n'
    '<h1>' + "很长的标题" * 1000 + '</h1>\n<p>正文</p>\n<h1>短标题</h1>\n</document>\n')
EOF
"$BIN" typeset "$T/long-heading.xml" -o "$T/long-heading.pdf" 2>"$T/err"
rc=$?
if [ $rc -eq 0 ] && grep -q "long-heading.xml:4: warning: heading longer than 4095 bytes" "$T/err"; then
    pass "5,000-character heading: laid out, warning at file:line"
else
    fail "long heading" "status $rc: $(cat "$T/err")"
fi
if grep -q "out of memory" "$T/err"; then fail "long heading reported as out of memory"; else pass "long heading is not 'out of memory'"; fi
# The heading's full text is on the pages; the bookmark holds a cut one.
n=$(pdftotext "$T/long-heading.pdf" - 2>/dev/null | tr -d ' \n\f' | grep -o '很长的标题' | wc -l)
if [ "$n" -ge 1000 ] && [ "$n" -lt 2000 ]; then pass "heading printed whole, contents entry cut ($n times the phrase, 1,000 in the heading)"; else fail "heading text" "$n"; fi
python3 - "$T/long-heading.pdf" > "$T/outline" 2>&1 <<'EOF'
import re, sys, zlib
data = open(sys.argv[1], "rb").read()
# Bookmark titles are UTF-16BE hex or literal strings in /Title; count the
# outline items and the longest title in characters.
titles = re.findall(rb"/Title\s*<FEFF([0-9A-Fa-f]*)>", data)
lens = [len(bytes.fromhex(t.decode())) // 2 for t in titles]
print(len(lens), max(lens) if lens else 0)
EOF
read items longest < "$T/outline"
if [ "${items:-0}" -ge 2 ] && [ "${longest:-0}" -gt 1000 ] && [ "${longest:-0}" -le 1400 ]; then
    pass "bookmark cut to $longest characters (of 5,000)"
else
    fail "bookmark" "$(cat "$T/outline")"
fi

# A 100,000-character cell in a table without widths beside short columns.
python3 - "$T/long-cell.xml" <<'EOF'
import sys
open(sys.argv[1], "w", encoding="utf-8").write(
    '<?xml version="1.0" encoding="UTF-8"?>\n<document profile="report" title="t">\n'
    '<table><tr><td>序号</td><td>' + "长" * 100000 + '</td><td>备注</td></tr></table>\n</document>\n')
EOF
"$BIN" typeset -q "$T/long-cell.xml" -o "$T/long-cell.pdf" 2>"$T/err"
rc=$?
pages=$(pdfinfo "$T/long-cell.pdf" 2>/dev/null | awk '/^Pages:/ { print $2 }')
if [ $rc -eq 0 ] && [ "${pages:-0}" -ge 20 ] && pdftotext -f 1 -l 1 "$T/long-cell.pdf" - | grep -q '序号'; then
    pass "100,000-character auto-width cell: laid out over $pages pages, short columns kept"
else
    fail "long cell" "status $rc: $(cat "$T/err")"
fi

# Too many auto columns for the page: an input error at the table's line.
python3 - "$T/many-cols.xml" <<'EOF'
import sys
cells = "".join("<td>第%d列内容</td>" % i for i in range(40))
open(sys.argv[1], "w", encoding="utf-8").write(
    '<?xml version="1.0" encoding="UTF-8"?>\n<document profile="report" title="t">\n'
    '<table><tr>' + cells + '</tr></table>\n</document>\n')
EOF
"$BIN" typeset -q "$T/many-cols.xml" -o "$T/many-cols.pdf" 2>"$T/err"
rc=$?
if [ $rc -eq 1 ] && grep -q "many-cols.xml:3: error: " "$T/err" && ! grep -q "0.0 mm" "$T/err"; then pass "40 auto columns: input error at file:line"
else fail "many columns" "status $rc: $(cat "$T/err")"; fi

# A 25,000-character level-1 heading shown in the running header: the
# header gets the cut title, not "out of memory".
python3 - "$T/header.xml" <<'PY'
import sys
open(sys.argv[1], "w", encoding="utf-8").write(
    '<?xml version="1.0" encoding="UTF-8"?>\n<document profile="report" title="t">\n<header left="{section}"/>\n'
    '<h1>' + "很长的标题" * 5000 + '</h1>\n<p>正文</p>\n</document>\n')
PY
"$BIN" typeset -q "$T/header.xml" -o "$T/header.pdf" 2>"$T/err"
rc=$?
if [ $rc -eq 0 ]; then pass "25,000-character heading in the running header"; else fail "header" "status $rc: $(cat "$T/err")"; fi
