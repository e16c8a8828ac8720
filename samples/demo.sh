#!/bin/sh
# make demo: renders every sample document into OUTDIR.
# usage: demo.sh BIN OUTDIR
set -eu
BIN=$1
OUT=$2
mkdir -p "$OUT"
for doc in samples/typeset/*.xml; do
    name=$(basename "$doc" .xml)
    "$BIN" typeset -q "$doc" -o "$OUT/$name.pdf"
    pages=$(pdfinfo "$OUT/$name.pdf" 2>/dev/null | awk '/^Pages:/ { print $2 }')
    echo "$OUT/$name.pdf: ${pages:-?} pages, $(stat -c %s "$OUT/$name.pdf") bytes"
done
