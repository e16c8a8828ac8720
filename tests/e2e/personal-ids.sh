#!/bin/sh
# Personal numbers (issue 13.2): every way of writing an 18-digit ID, a
# 15-digit old ID and a mobile number, put into every free-text record
# field (titles, texts, names, notes, findings, cause-text, action, survey
# respondents, complaints …) of the sample records, never shows whole in
# any of the eight documents, in facts XML or JSON, or in an error
# message.  The check normalises the extracted text independently of the
# program (Python's NFKC, format characters dropped, separators between
# digits dropped) and looks for the digits.
. tests/e2e/lib.sh
T=$E2E_TMP
D=$T/records
mkdir "$D"

# The forms, joined by "；" (which separates numbers).  11010519491231002X is
# GB 11643's sample; 320106198001011233 has a digit check (163 mod 11 = 9);
# 110105491231002 is the 15-digit form; 13812345678 a mobile.
python3 - samples/records "$D" <<'EOF'
import glob, os, sys, xml.etree.ElementTree as ET
src, dst = sys.argv[1], sys.argv[2]
forms = [
    "11010519491231002X", "11010519491231002x",
    "\uff11\uff11\uff10\uff11\uff10\uff15\uff11\uff19\uff14\uff19\uff11\uff12\uff13\uff11\uff10\uff10\uff12\uff38",
    "1101\u200b0519491231002X", "110105\u200d1949\u20601231\ufeff002\u00adX",
    "110105 19491231 002X", "110105-19491231-002X", "110105.19491231.002X",
    "110105\u00a019491231\u3000002X", "1 1 0 1 0 5 1 9 4 9 1 2 3 1 0 0 2 X",
    "\uff11\uff11\uff10\uff11\uff10\uff15\uff0d1949\u200c1231\uff0d\uff10\uff10\uff12x",
    "320106198001011233", "320106 19800101 1233",
    "110105491231002", "110105 491231 002", "\uff11\uff11\uff10\uff11\uff10\uff15491231002",
    "13812345678", "138 1234 5678", "138-1234-5678", "\uff11\uff13\uff18\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18",
    "138\u200b1234\u200b5678",
]
payload = "；".join(forms)
# Long texts (element text, notes, check values) get every form.  Labels
# (names, roles, respondents) get one form each, in turn, so that tables
# and chart legends still fit a page; each label field still carries the
# forms across its records.
# (The emergency plan's title sits in a rowspan group of the acceptance
# checklist, which must fit one page, so it is a label here.)
long_attrs = {"note", "value"}
label_texts = {"plan"}
turn = {}
fields = set()
for f in sorted(glob.glob(os.path.join(src, "*.xml"))):
    name = os.path.basename(f)
    if name.startswith("probes"):
        os.system(f"cp '{f}' '{dst}/{name}'")
        continue
    tree = ET.parse(f)
    for el in tree.iter():
        for k, v in list(el.attrib.items()):
            if any(ord(c) > 127 for c in v):          # free text, not an id or enum
                key = f"{el.tag}/@{k}"
                if k in long_attrs:
                    el.set(k, v + "；" + payload)
                else:
                    i = turn.get(key, 0)
                    turn[key] = i + 1
                    el.set(k, v + forms[i % len(forms)])
                fields.add(key)
        if el.text and el.text.strip():
            if el.tag in label_texts:
                i = turn.get(el.tag, 0)
                turn[el.tag] = i + 1
                el.text = el.text + forms[i % len(forms)]
            else:
                el.text = el.text + "；" + payload
            fields.add(el.tag)
    tree.write(os.path.join(dst, name), encoding="UTF-8", xml_declaration=True)
with open(os.path.join(dst, "..", "fields.txt"), "w") as out:
    out.write(" ".join(sorted(fields)) + "\n")
EOF
echo "fields with the numbers: $(cat "$T/fields.txt")"

# Independent normalisation: NFKC, drop format characters (Cf, U+00AD),
# drop separators between digits, upper-case x; then look for the digits.
cat > "$T/leaks.py" <<'EOF'
import re, sys, unicodedata
text = open(sys.argv[1], encoding="utf-8", errors="replace").read()
text = unicodedata.normalize("NFKC", text)
text = "".join(c for c in text if unicodedata.category(c) != "Cf")
text = re.sub(r"(?<=[0-9])[\s\-.\u00b7\u2010-\u2015\u2212\u30fb]+(?=[0-9Xx])", "", text)
text = text.replace("x", "X")
found = [n for n in ("11010519491231002X", "320106198001011233", "110105491231002", "13812345678") if n in text]
print(" ".join(found))
EOF
leaks() { python3 "$T/leaks.py" "$1"; }

if "$BIN" check -q --data "$D" >"$T/check.out" 2>&1; then pass "records with the numbers are valid"; else fail "check" "$(head -c 600 "$T/check.out")"; fi

TODAY=2027-06-08
for spec in monthly:2026-07 half-year:2026-H2 year-end:term acceptance:term inspections:2026-07 incidents:term kpi:term packet:term; do
    doc=${spec%%:*}; period=${spec#*:}
    pdf=$T/$doc.pdf
    if "$BIN" render "$doc" -q --data "$D" --period "$period" --today "$TODAY" -o "$pdf" 2>"$T/$doc.err"; then
        pdftotext "$pdf" "$T/$doc.txt" 2>/dev/null
        l=$(leaks "$T/$doc.txt")
        masked=$(grep -o '110\*\*\*\*\*\*\*\*\*\*\*002X' "$T/$doc.txt" | wc -l)
        if [ -z "$l" ] && [ "$masked" -gt 0 ]; then pass "$doc: no personal number whole ($masked masked IDs shown)"
        else fail "$doc" "whole: '$l', masked IDs: $masked"; fi
        l=$(leaks "$T/$doc.err")
        if [ -z "$l" ]; then pass "$doc: messages masked"; else fail "$doc messages" "$l"; fi
    else
        fail "render $doc" "$(head -c 600 "$T/$doc.err")"
    fi
done

for fmt in xml json; do
    "$BIN" facts -q --data "$D" --period term --format $fmt -o "$T/facts.$fmt" 2>"$T/facts.err"
    l=$(leaks "$T/facts.$fmt")
    masked=$(grep -c '138\*\*\*\*5678\|110\*\*\*\*\*\*\*\*\*\*\*002X' "$T/facts.$fmt")
    if [ -z "$l" ] && [ "$masked" -gt 0 ] && ! grep -q 'personal-numbers' "$T/facts.$fmt"; then pass "facts $fmt: masked ($masked lines)"
    else fail "facts $fmt" "whole: '$l', masked lines $masked"; fi
    "$BIN" facts -q --unmasked --data "$D" --period term --format $fmt -o "$T/unmasked.$fmt" 2>"$T/unmasked.err"
    if grep -q 'personal-numbers.*unmasked' "$T/unmasked.$fmt" && [ -n "$(leaks "$T/unmasked.$fmt")" ] \
        && grep -q 'NOT masked' "$T/unmasked.err"; then pass "facts $fmt --unmasked: whole numbers, and says so"
    else fail "facts $fmt --unmasked" "$(cat "$T/unmasked.err")"; fi
done
"$BIN" render monthly --unmasked --data "$D" --period 2026-07 -o "$T/x.pdf" >/dev/null 2>&1
if [ $? -eq 2 ]; then pass "--unmasked is for facts only (render refuses it)"; else fail "render --unmasked accepted"; fi

# Error messages that quote record text.
mkdir "$T/bad"
cp "$D"/contract.xml "$T/bad/"
cat > "$T/bad/incidents.xml" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<incidents>
  <incident id="１１０１０５１９４９１２３１００２Ｘ" system="110105 19491231 002X" kind="fault" level="3" cause="13812345678">
    <title>x</title>
    <reported at="2026-07-07T10:00" by="1101&#x200B;0519491231002X"/>
  </incident>
</incidents>
EOF
"$BIN" check --data "$T/bad" >"$T/bad.out" 2>&1
rc=$?
l=$(leaks "$T/bad.out")
if [ $rc -eq 1 ] && [ -z "$l" ] && grep -q '\*\*\*\*' "$T/bad.out"; then pass "error messages quote record text masked"
else fail "error messages" "status $rc, whole '$l': $(head -c 600 "$T/bad.out")"; fi
