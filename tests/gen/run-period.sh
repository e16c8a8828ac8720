#!/bin/sh
# One job of tests/e2e/generative.sh: the facts of one period of one data set
# (checked against tests/gen/oracle.py's reading of the records), then each
# of the eight documents rendered for it (exit 0, qpdf --check,
# key figures equal the facts, no sample-contract word).
#   sh tests/gen/run-period.sh SET DATA PERIOD MAKE_SET_COMMAND [DOCS...]
# Prints one line per check: "pass|fail<TAB>SET DOC PERIOD CHECK<TAB>detail<TAB>reproduce".
# BIN: the opsreport binary (the release build unless told otherwise).
set -u
set_name=$1 data=$2 period=$3 make_set=$4
shift 4
docs=${*:-monthly half-year year-end acceptance inspections incidents kpi packet}
BIN=${BIN:-./opsreport}
PY=${PY:-python3}
TODAY=2029-12-31
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
line() { printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4"; }
oneline() { tr '\n\t' '  ' | cut -c1-300; }

facts_cmd="$BIN facts --data $data --period $period --today $TODAY -q -o $out/facts.xml"
if ! $facts_cmd 2>"$out/facts.err"; then
    line fail "$set_name - $period facts" "exit $?: $(oneline < "$out/facts.err")" "$make_set && $facts_cmd"
    exit 0
fi
# the facts against an independent reading of the records
$PY tests/gen/oracle.py "$data" "$out/facts.xml" |
while IFS="$(printf '\t')" read -r verdict check detail; do
    if [ "$verdict" = ok ]; then
        line pass "$set_name facts $period $check" "" ""
    else
        line fail "$set_name facts $period $check" "$detail" "$make_set && $facts_cmd"
    fi
done
for doc in $docs; do
    id="$set_name $doc $period"
    cmd="$BIN render $doc --data $data --period $period --today $TODAY -q -o /tmp/$doc.pdf"
    repro="$make_set && $cmd"
    pdf=$out/$doc.pdf
    "$BIN" render "$doc" --data "$data" --period "$period" --today "$TODAY" -q -o "$pdf" 2>"$out/err"
    rc=$?
    if [ "$rc" -ne 0 ]; then
        line fail "$id render" "exit $rc: $(oneline < "$out/err")" "$repro"
        continue
    fi
    if [ -s "$out/err" ] && grep -qE 'runtime error|AddressSanitizer|LeakSanitizer' "$out/err"; then
        line fail "$id sanitizer" "$(oneline < "$out/err")" "$repro"
        continue
    fi
    line pass "$id render" "" ""
    if qpdf --check "$pdf" >"$out/qpdf" 2>&1; then
        line pass "$id qpdf" "" ""
    else
        line fail "$id qpdf" "$(tail -n 2 "$out/qpdf" | oneline)" "$repro && qpdf --check /tmp/$doc.pdf"
    fi
    pdftotext -enc UTF-8 "$pdf" "$out/$doc.txt" 2>/dev/null
    $PY tests/gen/check-figures.py "$doc" "$out/facts.xml" "$out/$doc.txt" tests/gen/sample-words.txt |
    while IFS="$(printf '\t')" read -r verdict check detail; do
        if [ "$verdict" = ok ]; then
            line pass "$id $check" "" ""
        else
            line fail "$id $check" "$detail" "$repro && pdftotext /tmp/$doc.pdf - | grep ..."
        fi
    done
    rm -f "$pdf"
done
