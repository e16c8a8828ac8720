#!/bin/sh
# Output targets (issue 13.1): -o takes a regular file (new, existing, or
# through a symlink) or - for standard output; devices, FIFOs, directories
# and an empty path are usage errors; signals and a full disk leave the old
# file intact and no temporary file behind.  Device nodes are made by the
# test in its own directory: the real /dev is never written.
. tests/e2e/lib.sh
T=$E2E_TMP
DOC=samples/typeset/gbt9704.xml
DATA=tests/data/facts/e2e
mkdir "$T/out"
O=$T/out

# Reference PDF of the small document.
"$BIN" typeset -q "$DOC" -o "$T/ref.pdf" 2>"$T/err" || fail "reference typeset" "$(cat "$T/err")"

leftovers() { ls -A "$O" | grep -E '\.[A-Za-z0-9]{6}$' ; }

usage_refused() {   # name, target
    name=$1; target=$2
    for cmd in typeset facts; do
        if [ $cmd = typeset ]; then
            "$BIN" typeset -q "$DOC" -o "$target" >"$T/err" 2>&1
        else
            "$BIN" facts -q --data "$DATA" --period 2026-W28 -o "$target" >"$T/err" 2>&1
        fi
        rc=$?
        if [ $rc -eq 2 ] && grep -qF "output '$target'" "$T/err"; then pass "$cmd -o $name: usage error naming it"
        else fail "$cmd -o $name" "status $rc (expected 2): $(cat "$T/err")"; fi
    done
}

# A character device like /dev/null, made here: it must stay a device.
if mknod "$O/null" c 1 3 2>/dev/null; then
    usage_refused "a character device" "$O/null"
    if [ -c "$O/null" ]; then pass "the device node is still a device"; else fail "device replaced" "$(ls -l "$O/null")"; fi
else
    fail "mknod" "cannot make a device node (the test runs as root in make check)"
fi
mkfifo "$O/fifo"
usage_refused "a FIFO" "$O/fifo"
if [ -p "$O/fifo" ]; then pass "the FIFO is still a FIFO"; else fail "FIFO replaced"; fi
mkdir "$O/dir"
usage_refused "a directory" "$O/dir"
usage_refused "a path ending in /" "$O/newdir/"
"$BIN" typeset -q "$DOC" -o '' >"$T/err" 2>&1
rc=$?
if [ $rc -eq 2 ] && grep -q "output '' is an empty path" "$T/err"; then pass "empty path: usage error"; else fail "empty path" "status $rc: $(cat "$T/err")"; fi
"$BIN" typeset -q "$DOC" -o "$O/missing/x.pdf" >"$T/err" 2>&1
rc=$?
if [ $rc -eq 3 ] && grep -q "directory '.*/missing' does not exist" "$T/err"; then pass "missing directory: exit 3 naming it"; else fail "missing directory" "status $rc: $(cat "$T/err")"; fi
ln -s "$O/null" "$O/link-to-device"
usage_refused "a symlink to a device" "$O/link-to-device"
if [ -z "$(leftovers)" ]; then pass "refused targets leave nothing behind"; else fail "leftovers" "$(leftovers)"; fi

# A symlink is written through: the link stays, its target gets the PDF.
mkdir "$O/real"
echo old > "$O/real/report.pdf"
ln -s real/report.pdf "$O/link.pdf"
"$BIN" typeset -q "$DOC" -o "$O/link.pdf" 2>"$T/err"
rc=$?
if [ $rc -eq 0 ] && [ -L "$O/link.pdf" ] && cmp -s "$O/real/report.pdf" "$T/ref.pdf"; then pass "symlink: written through to its target"
else fail "symlink" "status $rc: $(ls -l "$O" "$O/real") $(cat "$T/err")"; fi
ln -s real/new.pdf "$O/dangling.pdf"
"$BIN" typeset -q "$DOC" -o "$O/dangling.pdf" 2>"$T/err"
if [ -L "$O/dangling.pdf" ] && cmp -s "$O/real/new.pdf" "$T/ref.pdf"; then pass "dangling symlink: its target is created"
else fail "dangling symlink" "$(cat "$T/err")"; fi
if [ -z "$(ls -A "$O/real" | grep -vE '^(report|new)\.pdf$')" ]; then pass "no temporary file beside the link's target"; else fail "leftovers in real/" "$(ls -A "$O/real")"; fi

# An existing regular file is replaced; a new one is created.
echo old > "$O/existing.pdf"
"$BIN" typeset -q "$DOC" -o "$O/existing.pdf" 2>/dev/null && cmp -s "$O/existing.pdf" "$T/ref.pdf" \
    && pass "existing file replaced" || fail "existing file"
"$BIN" typeset -q "$DOC" -o "$O/new.pdf" 2>/dev/null && cmp -s "$O/new.pdf" "$T/ref.pdf" \
    && pass "new file created" || fail "new file"

# - is standard output, for PDFs and facts.
"$BIN" typeset -q "$DOC" -o - > "$T/stdout.pdf" 2>"$T/err"
if cmp -s "$T/stdout.pdf" "$T/ref.pdf" && qpdf --check "$T/stdout.pdf" >/dev/null 2>&1; then pass "typeset -o - writes the PDF to standard output"
else fail "typeset -o -" "$(cat "$T/err")"; fi
# (qpdf and pdfinfo need a seekable file; pdftotext reads a pipe)
if "$BIN" typeset -q "$DOC" -o - 2>/dev/null | pdftotext - - 2>/dev/null | grep -q '验收'; then pass "typeset -o - piped into pdftotext"
else fail "pipe into pdftotext"; fi
"$BIN" facts -q --data "$DATA" --period 2026-W28 -o - 2>"$T/err" | xmllint --noout - 2>>"$T/err"
if [ $? -eq 0 ] && [ ! -e ./- ]; then pass "facts -o - piped into xmllint"; else fail "facts -o -" "$(cat "$T/err")"; fi
"$BIN" facts -q --data "$DATA" --period 2026-W28 --format json -o "$O/facts.json" 2>"$T/err"
if python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$O/facts.json" 2>/dev/null; then pass "facts -o FILE (JSON)"; else fail "facts JSON file" "$(cat "$T/err")"; fi

# A full disk: the message carries strerror, the old file stays, no temp.
if mknod "$O/full" c 1 7 2>/dev/null; then
    "$BIN" typeset -q "$DOC" -o - > "$O/full" 2>"$T/err"
    rc=$?
    if [ $rc -eq 3 ] && grep -q "No space left on device" "$T/err"; then pass "full standard output: exit 3 with strerror"
    else fail "full stdout" "status $rc: $(cat "$T/err")"; fi
fi
mkdir "$T/small"
if mount -t tmpfs -o size=64k tmpfs "$T/small" 2>/dev/null; then
    echo "old report" > "$T/small/r.pdf"
    sh bench/gen-doc.sh 60 0 0 > "$T/sixty.xml"
    "$BIN" typeset -q "$T/sixty.xml" -o "$T/small/r.pdf" 2>"$T/err"
    rc=$?
    if [ $rc -eq 3 ] && grep -q "No space left on device" "$T/err"; then pass "full disk: exit 3 with 'No space left on device'"
    else fail "full disk" "status $rc: $(cat "$T/err")"; fi
    if [ "$(cat "$T/small/r.pdf")" = "old report" ] && [ "$(ls -A "$T/small")" = "r.pdf" ]; then pass "full disk: old file intact, no temporary file"
    else fail "full disk leftovers" "$(ls -lA "$T/small")"; fi
    umount "$T/small"
else
    fail "tmpfs" "cannot mount a 64 KB tmpfs (the test runs as root in make check)"
fi

# Signals in the middle of a 1,000-page typeset: exit 128+signal, the old
# PDF byte-identical, no temporary file.  sh starts background jobs with
# SIGINT ignored and opsreport keeps an ignored signal ignored (as under
# nohup), so env restores the default first.
sh bench/gen-doc.sh 1000 0 0 > "$T/big.xml"
cp "$T/ref.pdf" "$O/old.pdf"
# INT arrives during layout; TERM and HUP once the output is open (the
# process holds a descriptor on the target directory), while the PDF is
# being written.
output_open() { ls -l /proc/$1/fd 2>/dev/null | grep -qF -- "-> $O"; }
for sig in INT:130:early TERM:143:writing HUP:129:writing; do
    name=${sig%%:*}; rest=${sig#*:}; want=${rest%%:*}; when=${rest#*:}
    env --default-signal=INT "$BIN" typeset -q "$T/big.xml" -o "$O/old.pdf" 2>"$T/err" &
    pid=$!
    if [ "$when" = early ]; then
        sleep 0.2
    else
        i=0
        while ! output_open $pid && [ $i -lt 3000 ]; do sleep 0.01; i=$((i + 1)); done
    fi
    kill -"$name" $pid
    wait $pid
    rc=$?
    if [ $rc -eq "$want" ]; then pass "SIG$name ($when): exit $want"; else fail "SIG$name ($when)" "status $rc (expected $want; the run may have finished before the signal)"; fi
    if cmp -s "$O/old.pdf" "$T/ref.pdf" && [ -z "$(leftovers)" ]; then pass "SIG$name: old PDF byte-identical, no temporary file"
    else fail "SIG$name leftovers" "$(ls -lA "$O")"; cp "$T/ref.pdf" "$O/old.pdf"; fi
done

# Two concurrent runs to one path leave one complete PDF, one of the two.
cp "$T/ref.pdf" "$O/both.pdf"
"$BIN" typeset -q "$T/big.xml" -o "$T/big.pdf" 2>/dev/null
"$BIN" typeset -q "$T/big.xml" -o "$O/both.pdf" 2>/dev/null &
a=$!
"$BIN" typeset -q "$DOC" -o "$O/both.pdf" 2>/dev/null &
b=$!
wait $a; ra=$?
wait $b; rb=$?
if [ $ra -eq 0 ] && [ $rb -eq 0 ] && qpdf --check "$O/both.pdf" >/dev/null 2>&1 \
    && { cmp -s "$O/both.pdf" "$T/big.pdf" || cmp -s "$O/both.pdf" "$T/ref.pdf"; }; then
    pass "two concurrent runs: one complete PDF"
else
    fail "concurrent runs" "status $ra $rb"
fi
if [ -z "$(leftovers)" ]; then pass "concurrent runs leave no temporary file"; else fail "concurrent leftovers" "$(leftovers)"; fi
