#!/bin/sh
# Command-line conventions (issue 11.1): COMMAND --help and help COMMAND,
# --opt=value, -V, -o - to standard output, -q before or after the
# command silencing every success line, one exit status for a missing
# installation, the bash completion file.
. tests/e2e/lib.sh
T=$E2E_TMP
S=samples/records

for c in render check facts init import typeset fonts version help; do
    out=$("$BIN" "$c" --help 2>&1); rc=$?
    if [ $rc -eq 0 ] && printf '%s\n' "$out" | grep -q "^usage: opsreport $c" && printf '%s\n' "$out" | grep -q '^example:'; then
        pass "$c --help: usage and example, exit 0"
    else
        fail "$c --help" "status $rc: $(printf '%s' "$out" | head -n 3)"
    fi
    if [ "$("$BIN" help "$c" 2>&1)" = "$out" ]; then pass "help $c = $c --help"; else fail "help $c differs from $c --help"; fi
done
out=$("$BIN" import probes --help); rc=$?
if [ $rc -eq 0 ] && printf '%s\n' "$out" | grep -q '^usage: opsreport import probes' && [ "$("$BIN" help import probes)" = "$out" ]; then
    pass "import probes --help and help import probes"
else fail "import probes --help" "status $rc"; fi
"$BIN" help nosuch >/dev/null 2>"$T/err"
if [ $? -eq 2 ] && grep -q "unknown command nosuch" "$T/err"; then pass "help of an unknown command: exit 2"; else fail "help nosuch"; fi
"$BIN" --help | grep -q '^usage: opsreport \[-q\] COMMAND' && pass "--help: the overview" || fail "--help overview"

v=$("$BIN" -V); [ "$v" = "$("$BIN" --version)" ] && [ "$v" = "$("$BIN" version)" ] && case $v in "opsreport "[0-9]*) true ;; *) false ;; esac \
    && pass "-V, --version, version: '$v'" || fail "-V" "$v"

# --opt=value is --opt value
a=$("$BIN" facts --data $S --period 2026-07 --today 2026-08-05 --format json 2>/dev/null | md5sum)
b=$("$BIN" facts --data=$S --period=2026-07 --today=2026-08-05 --format=json 2>/dev/null | md5sum)
[ "$a" = "$b" ] && pass "--opt=value gives what --opt value gives" || fail "--opt=value"
"$BIN" render monthly --data=$S --period=2026-07 --today=2026-08-05 --param=nosuch=1 -o "$T/x.pdf" 2>"$T/err"
[ $? -eq 2 ] && grep -q "nosuch" "$T/err" && pass "--param=NAME=VALUE reaches the template's check" || fail "--param=" "$(cat "$T/err")"

# -o - writes the PDF to standard output; a file named - is not made
( cd "$T" && "$OLDPWD/$BIN" render monthly --data "$OLDPWD/$S" --period 2026-07 --today 2026-08-05 -q -o - >"$T/stdout.pdf" ) 2>"$T/err"
rc=$?
if [ $rc -eq 0 ] && [ "$(head -c 5 "$T/stdout.pdf")" = "%PDF-" ] && [ ! -e "$T/-" ]; then pass "render -o -: the PDF on standard output"; else fail "render -o -" "status $rc $(cat "$T/err")"; fi
"$BIN" render monthly --data $S --period 2026-07 --today 2026-08-05 -q -o "$T/file.pdf"
cmp -s "$T/file.pdf" "$T/stdout.pdf" && pass "-o - gives the same bytes as a file" || fail "-o - bytes differ"
"$BIN" facts --data $S --period 2026-07 --today 2026-08-05 -o - >"$T/f.xml" 2>/dev/null
head -c 5 "$T/f.xml" | grep -q '<?xml' && pass "facts -o -: standard output" || fail "facts -o -"

# -q before or after the command: nothing on standard output or error
for form in "-q check --data $S" "check -q --data $S" "check --data $S -q" "--quiet check --data $S"; do
    # shellcheck disable=SC2086
    "$BIN" $form >"$T/o" 2>"$T/e"; rc=$?
    if [ $rc -eq 0 ] && [ ! -s "$T/o" ] && [ ! -s "$T/e" ]; then pass "opsreport $form: silent, exit 0"; else fail "opsreport $form" "status $rc: $(cat "$T/o" "$T/e")"; fi
done
"$BIN" check --data $S >"$T/o"; grep -q "record files, no errors" "$T/o" && pass "check without -q prints its line" || fail "check line"
"$BIN" -q init "$T/newset" --id HT-1 --client 甲 --vendor 乙 --start 2026-01-01 --end 2026-12-31 --system web:网站:important >"$T/o" 2>&1
[ $? -eq 0 ] && [ ! -s "$T/o" ] && [ -f "$T/newset/contract.xml" ] && pass "-q init: written, silent" || fail "-q init" "$(cat "$T/o")"
# errors still print under -q
"$BIN" -q check --data tests/data/records/errors >"$T/o" 2>"$T/e"; rc=$?
[ $rc -eq 1 ] && [ ! -s "$T/o" ] && grep -q ':[0-9]*: error: ' "$T/e" && pass "-q: errors still on standard error, exit 1" || fail "-q errors" "status $rc"

# exit statuses
"$BIN" render --bogus >/dev/null 2>&1; [ $? -eq 2 ] && pass "unknown option: exit 2" || fail "unknown option"
"$BIN" nosuch >/dev/null 2>&1; [ $? -eq 2 ] && pass "unknown command: exit 2" || fail "unknown command"
"$BIN" >/dev/null 2>&1; [ $? -eq 2 ] && pass "no command: exit 2" || fail "no command"
for c in "check --data $S" "facts --data $S --period 2026-07" "render monthly --data $S --period 2026-07 -o $T/n.pdf" \
         "import incidents x.csv --data $S" "import probes x.db --data $S --system vr" "typeset x.xml -o $T/n.pdf" fonts \
         "init $T/n2 --id X"; do
    # shellcheck disable=SC2086
    OPSREPORT_HOME=$T/nowhere "$BIN" $c >/dev/null 2>"$T/e"; rc=$?
    if [ $rc -eq 3 ] && grep -q "installation's data files are missing" "$T/e"; then pass "no installation, ${c%% *}: exit 3"; else fail "no installation, $c" "status $rc: $(cat "$T/e")"; fi
done
OPSREPORT_HOME=$T/nowhere "$BIN" render --help >/dev/null 2>&1 && pass "--help works without an installation" || fail "--help without installation"

# bash completion
if need "bash completion" bash; then
    r=$(bash -c '. contrib/opsreport.bash-completion; COMP_WORDS=(opsreport ren); COMP_CWORD=1; _opsreport; echo "${COMPREPLY[*]}"')
    [ "$r" = render ] && pass "completion: ren -> render" || fail "completion command" "$r"
    r=$(bash -c '. contrib/opsreport.bash-completion; COMP_WORDS=(opsreport render mon); COMP_CWORD=2; _opsreport; echo "${COMPREPLY[*]}"')
    [ "$r" = monthly ] && pass "completion: render mon -> monthly" || fail "completion document" "$r"
    r=$(bash -c '. contrib/opsreport.bash-completion; COMP_WORDS=(opsreport check --d); COMP_CWORD=2; _opsreport; echo "${COMPREPLY[*]}"')
    [ "$r" = --data ] && pass "completion: check --d -> --data" || fail "completion option" "$r"
fi
