#!/bin/sh
# Running text as a reader sees it (issue 8.1): every line of every
# document rendered from the sample records and from generated record sets
# (tests/gen/gen-dataset.py) is scanned by tests/prose-scan.py for record
# ids and ISO dates glued to the next word (S-web-2026-W47SSL, 2026-12-312026),
# doubled punctuation the templates made (解说词内容调整。。) and lines that
# start with a closing mark.
. tests/e2e/lib.sh
T=$E2E_TMP
if need "prose scan" pdftotext python3; then
export OPSREPORT_HOME=${OPSREPORT_HOME:-$(pwd)}
# render NAME DATA DOC PERIOD [PARAM]: $T/NAME.pdf, listed in $T/NAME.set
render() {
    name=$1 data=$2 doc=$3 period=$4
    if "$BIN" render "$doc" -q --data "$data" --period "$period" --today 2030-01-01 -o "$T/$name.pdf" 2>"$T/$name.err"; then
        echo "$T/$name.pdf" >> "$T/$set.list"
    else
        fail "$name renders" "$(head -n 3 "$T/$name.err")"
    fi
}
scan() {   # SET DATA: scans every PDF rendered for SET
    if python3 tests/prose-scan.py "$2" $(cat "$T/$1.list") > "$T/$1.scan" 2>&1; then
        pass "$1: $(wc -l < "$T/$1.list") documents, no glued ids, doubled marks or closing marks at a line start"
    else
        fail "$1: $(wc -l < "$T/$1.scan") faults" "$(head -n 8 "$T/$1.scan")"
    fi
}

set=samples; : > "$T/$set.list"
S=samples/records
for p in 2026-06 2026-09 2027-06; do render "s-monthly-$p" $S monthly $p; done
render s-half-2026 $S half-year 2026-H2
render s-half-2027 $S half-year 2027-H1
render s-year-end $S year-end 2026
for doc in acceptance kpi inspections incidents packet; do render "s-$doc" $S $doc term; done
scan samples $S

# generated sets: the default shape, and short texts over 18 months with modules
i=0
for args in "--seed 7" "--seed 11 --start 2026-01-31 --months 18 --systems 3 --modules-vary --incidents-per-month 3 --text-length 60"; do
    i=$((i + 1))
    set=gen$i; : > "$T/$set.list"
    # shellcheck disable=SC2086
    if ! python3 tests/gen/gen-dataset.py $args -o "$T/$set" 2>"$T/$set.err"; then
        fail "$set: generator" "$(cat "$T/$set.err")"; continue
    fi
    for doc in monthly half-year year-end acceptance kpi inspections incidents packet; do render "$set-$doc" "$T/$set" $doc term; done
    render "$set-month" "$T/$set" monthly "$(sed -n 's/.*start="\([0-9]*-[0-9]*\).*/\1/p' "$T/$set/contract.xml" | head -n 1)"
    scan "$set" "$T/$set"
done
fi
