#!/bin/sh
# Images (issue 12.1): every damaged or oversized PNG and JPEG ends in
# exit 1 with file:line and the image's name, at layout time: no crash, no
# PDF, an existing PDF untouched.  Valid images of every kind render, large
# ones downscaled to 300 dpi at their printed size.  The files come from
# tests/gen/gen-images.py.
. tests/e2e/lib.sh
T=$E2E_TMP
python3 tests/gen/gen-images.py "$T" samples/typeset/availability-chart.jpg || fail "gen-images.py"

doc() {   # doc NAME SRC [ATTRS]: a one-image document $T/NAME.xml
    printf '<?xml version="1.0" encoding="UTF-8"?>\n<document>\n  <p>图片：</p>\n  <image src="%s" %s/>\n</document>\n' \
        "$2" "${3:-}" >"$T/$1.xml"
}

# --- refused ------------------------------------------------------------------
refuse() {   # refuse FILE 'expected message (grep -E)'
    name=$1; want=$2
    doc "bad-$name" "$name"
    "$BIN" typeset "$T/bad-$name.xml" -o "$T/out-$name.pdf" >"$T/err" 2>&1
    rc=$?
    if [ "$rc" -eq 1 ] && grep -Eq "bad-$name\.xml:4: error: image [^ ]*$name: $want" "$T/err"; then
        pass "$name refused: exit 1, file:line"
    else
        fail "$name refused" "status $rc: $(head -c 600 "$T/err")"
    fi
    if [ ! -e "$T/out-$name.pdf" ]; then pass "$name: no PDF written"; else fail "$name: a PDF was written"; fi
    printf 'an existing PDF\n' >"$T/keep.pdf"
    "$BIN" typeset -q "$T/bad-$name.xml" -o "$T/keep.pdf" 2>/dev/null
    if [ "$(cat "$T/keep.pdf")" = "an existing PDF" ]; then pass "$name: an existing PDF untouched"; else fail "$name: existing PDF replaced"; fi
}
refuse bad-crc.png 'damaged PNG: .*CRC error'
refuse bad-data.png 'damaged PNG: .*CRC error'
refuse no-idat.png 'damaged PNG: .*'
refuse short-idat.png 'damaged PNG: .*(Not enough image data|ends after)'
refuse truncated.png 'damaged PNG: the file ends after [0-9]+ bytes \(truncated\)'
refuse header-only.png 'damaged PNG: '
refuse huge.png 'the header declares 20000 × 20000 pixels, 400.0 megapixels \(expected at most 50 megapixels'
refuse not-png.png 'not a PNG or JPEG file'
refuse truncated.jpg 'damaged or unsupported JPEG: Premature end of JPEG file'
refuse garbage.jpg 'damaged or unsupported JPEG: '
refuse bad-marker.jpg 'damaged or unsupported JPEG: Corrupt JPEG data: 16 extraneous bytes before marker 0xdb'
refuse lossless.jpg 'damaged or unsupported JPEG: Unsupported JPEG process: SOF type 0xc3'
refuse bad-data.jpg 'damaged or unsupported JPEG: Corrupt JPEG data'
if [ -z "$(ls "$T" | grep -E '^(out-|keep\.pdf.)')" ]; then pass "no temporary files left"; else fail "leftovers" "$(ls "$T" | grep -E '^(out-|keep\.pdf.)')"; fi

# --- accepted -----------------------------------------------------------------
for f in good.png alpha.png grey16.png palette.png good.jpg; do
    doc "ok-$f" "$f" 'width="40mm"'
    if "$BIN" typeset -q "$T/ok-$f.xml" -o "$T/ok-$f.pdf" 2>"$T/err" && qpdf --check "$T/ok-$f.pdf" >/dev/null 2>&1; then
        pass "$f renders"
    else
        fail "$f renders" "$(head -c 400 "$T/err")"
    fi
done
if need "image sizes and masks" pdfimages; then
    # 40 mm at 300 dpi is 473 pixels: small images keep their own size
    l=$(pdfimages -list "$T/ok-good.png.pdf" 2>/dev/null | awk 'NR > 2 { print $4 "x" $5, $6, $3 }')
    [ "$l" = "64x48 rgb image" ] && pass "good.png: 64x48 RGB, not scaled up" || fail "good.png image" "$l"
    l=$(pdfimages -list "$T/ok-alpha.png.pdf" 2>/dev/null | awk 'NR > 2 { print $3 }' | tr '\n' ' ')
    [ "$l" = "image smask " ] && pass "alpha.png: a soft mask" || fail "alpha.png soft mask" "$l"
    l=$(pdfimages -list "$T/ok-grey16.png.pdf" 2>/dev/null | awk 'NR > 2 { print $6, $8 }')
    [ "$l" = "gray 8" ] && pass "grey16.png: 8-bit grey" || fail "grey16.png" "$l"
    l=$(pdfimages -list "$T/ok-palette.png.pdf" 2>/dev/null | awk 'NR > 2 { print $3, $6 }' | tr '\n' ' ')
    [ "$l" = "image rgb smask gray " ] && pass "palette.png: RGB with its tRNS as a mask" || fail "palette.png" "$l"
    # a JPEG stays a JPEG: unscaled, its own bytes; scaled, encoded anew
    l=$(pdfimages -list "$T/ok-good.jpg.pdf" 2>/dev/null | awk 'NR > 2 { print $4 "x" $5, $6, $9 }')
    [ "$l" = "470x180 rgb jpeg" ] && pass "good.jpg: 470x180 RGB JPEG" || fail "good.jpg" "$l"
    pdfimages -j "$T/ok-good.jpg.pdf" "$T/x" 2>/dev/null
    expect "good.jpg embedded byte for byte" cmp "$T/x-000.jpg" "$T/good.jpg"
    doc small-jpg good.jpg 'width="10mm"'
    "$BIN" typeset -q "$T/small-jpg.xml" -o "$T/small-jpg.pdf" 2>"$T/err" || fail "good.jpg at 10 mm" "$(cat "$T/err")"
    # 10 mm at 300 dpi: 119 pixels wide, 46 high
    l=$(pdfimages -list "$T/small-jpg.pdf" 2>/dev/null | awk 'NR > 2 { print $4 "x" $5, $6, $9 }')
    [ "$l" = "119x46 rgb jpeg" ] && pass "good.jpg at 10 mm: scaled to 119x46, a JPEG again" || fail "good.jpg at 10 mm" "$l"
fi
if need "the drawn image" pdftoppm; then
    pdftoppm -r 30 -png "$T/ok-good.png.pdf" "$T/page" 2>/dev/null
    # the blue square of good.png's middle shows on the page
    if python3 - "$T/page-1.png" <<'PY'
import struct, sys, zlib
d = open(sys.argv[1], "rb").read()
w, h, depth, ctype = struct.unpack(">IIBB", d[16:26])
idat = b""
i = 8
while i < len(d):
    n = struct.unpack(">I", d[i:i + 4])[0]
    if d[i + 4:i + 8] == b"IDAT":
        idat += d[i + 8:i + 8 + n]
    i += 12 + n
raw = zlib.decompress(idat)
bpp = {2: 3, 6: 4}[ctype]
stride = w * bpp
prev = bytearray(stride)
blue = 0
for y in range(h):
    f = raw[y * (stride + 1)]
    row = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for x in range(stride):
        a = row[x - bpp] if x >= bpp else 0
        b = prev[x]
        c = prev[x - bpp] if x >= bpp else 0
        if f == 1: row[x] = (row[x] + a) & 255
        elif f == 2: row[x] = (row[x] + b) & 255
        elif f == 3: row[x] = (row[x] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            row[x] = (row[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    blue += sum(1 for x in range(0, stride, bpp) if row[x + 2] > 200 and row[x] < 200 and row[x + 1] < 200)
    prev = row
sys.exit(0 if blue >= 20 else 1)
PY
    then pass "good.png is drawn (its blue square is on the page)"; else fail "good.png drawn" "no blue pixels at 30 dpi"; fi
fi

# --- large: downscaled to the printed size ------------------------------------
python3 tests/gen/gen-images.py big "$T/big.png" 7000 7000 || fail "gen-images.py big"
doc big big.png 'width="100mm"'
if "$BIN" typeset -q "$T/big.xml" -o "$T/big.pdf" 2>"$T/err"; then pass "7000x7000 PNG renders"; else fail "7000x7000 PNG renders" "$(head -c 400 "$T/err")"; fi
if need "downscaled size" pdfimages; then
    # 100 mm = 283.46 pt = 1181.1 pixels at 300 dpi: 1182 a side
    l=$(pdfimages -list "$T/big.pdf" 2>/dev/null | awk 'NR > 2 { print $4 "x" $5, $6 }')
    [ "$l" = "1182x1182 rgb" ] && pass "7000x7000 downscaled to 1182x1182 (300 dpi at 100 mm)" || fail "downscaled size" "$l"
fi

# --- from a template: an image named by the data gets the same checks ----------
cat >"$T/tpl.xml" <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<document xmlns:t="urn:opsreport:template" profile="report" title="截图">
  <t:param name="period"/>
  <t:param name="img" select="''"/>
  <p>截图</p>
  <image src="{$img}" width="40mm"/>
</document>
XML
"$BIN" render "$T/tpl.xml" --data samples/records --period 2026-07 --param img="$T/bad-crc.png" -o "$T/tpl-bad.pdf" >"$T/err" 2>&1
rc=$?
if [ $rc -eq 1 ] && grep -q "tpl.xml:6: error: image $T/bad-crc.png: damaged PNG: IDAT: CRC error" "$T/err" && [ ! -e "$T/tpl-bad.pdf" ]; then
    pass "render: a damaged image from a template, exit 1 at the template's line"
else
    fail "render: damaged image" "status $rc: $(cat "$T/err")"
fi
"$BIN" render "$T/tpl.xml" --data samples/records --period 2026-07 --param img="$T/alpha.png" -q -o "$T/tpl.pdf" 2>"$T/err" \
    && pass "render: a good image from a template" || fail "render: good image" "$(cat "$T/err")"
