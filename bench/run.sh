#!/bin/sh
# make bench: typesets a generated ~1,000-page document five times and
# prints the median wall time, pages per second, peak RSS and PDF size.
set -eu
BIN=${1:-./opsreport}
OUT=bench/out
RUNS=${RUNS:-5}
mkdir -p "$OUT"
sh bench/gen-doc.sh 800 20 300 > "$OUT/big.xml"

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

measure() {   # name, then the command
    name=$1; shift
    : > "$OUT/$name.times"
    i=0
    while [ "$i" -lt "$RUNS" ]; do
        /usr/bin/time -f '%e %M' -o "$OUT/$name.one" "$@" >/dev/null
        cat "$OUT/$name.one" >> "$OUT/$name.times"
        i=$((i + 1))
    done
    wall=$(awk '{ print $1 }' "$OUT/$name.times" | median)
    rss=$(awk '{ print $2 }' "$OUT/$name.times" | median)
}

measure typeset "$BIN" typeset -q "$OUT/big.xml" -o "$OUT/big.pdf"
pages=$(pdfinfo "$OUT/big.pdf" | awk '/^Pages:/ { print $2 }')
bytes=$(stat -c %s "$OUT/big.pdf")
awk -v p="$pages" -v w="$wall" -v r="$rss" -v b="$bytes" -v n="$RUNS" 'BEGIN {
    printf "typeset %d pages: median %.2f s of %d runs, %.0f pages/s, peak RSS %.1f MB, PDF %d bytes (%.1f KB/page)\n",
           p, w, n, (w > 0 ? p / w : 0), r / 1024, b, b / 1024 / p }'
