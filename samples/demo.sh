#!/bin/sh
# make demo: renders every sample document into OUTDIR: the layout samples
# (samples/typeset/*.xml) and the eight contract documents from the sample
# records (samples/records/).
# usage: demo.sh BIN OUTDIR
set -eu
BIN=$1
OUT=$2
DATA=samples/records
mkdir -p "$OUT"
report() {
    pages=$(pdfinfo "$1" 2>/dev/null | awk '/^Pages:/ { print $2 }')
    echo "$1: ${pages:-?} pages, $(stat -c %s "$1") bytes"
}
for doc in samples/typeset/*.xml; do
    name=$(basename "$doc" .xml)
    "$BIN" typeset -q "$doc" -o "$OUT/$name.pdf"
    report "$OUT/$name.pdf"
done
# Each document for the period it is made for; --today fixes the date
# printed on it, so the demo gives the same bytes every time.
render() {   # name period today output [params...]
    name=$1; period=$2; today=$3; out=$4; shift 4
    "$BIN" render "$name" --data "$DATA" --period "$period" --today "$today" -q -o "$OUT/$out" "$@"
    report "$OUT/$out"
}
render monthly     2026-07 2026-08-03 monthly-2026-07.pdf
render half-year   2026-H2 2027-01-08 half-year-2026-H2.pdf
render year-end    term    2027-06-08 year-end.pdf
render acceptance  term    2027-06-08 acceptance.pdf
render kpi         term    2027-06-08 kpi-term.pdf
render inspections 2026-07 2026-08-03 inspections-2026-07.pdf
render incidents   term    2027-06-08 incidents.pdf
render packet      term    2027-06-08 packet.pdf
