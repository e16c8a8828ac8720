#!/bin/sh
# Every example of docs/records.md, docs/data-tree.md and
# docs/template-language.md is run and its documented result compared
# (issue 11.2).  An example is a fenced block right after a marker comment
# (invisible on a rendered page); its documented result is the next
# ```text block (before the next marker):
#
#   <!-- example: record FILE -->         a record file of the example data set
#                                          (all of them together must pass check)
#   <!-- example: record-error FILE -->   FILE added to (or replacing its
#                                          namesake in) the example data set:
#                                          check prints exactly the ops/... lines
#                                          of the text block and exits 1 (0 when
#                                          they are all warnings)
#   <!-- example: template [context=XPATH] [wrap=ELEMENT] -->
#                                          a template fragment, expanded over the
#                                          example data set (for each node of
#                                          context, inside <ELEMENT>); the text
#                                          block is the text it prints
#   <!-- example: template-file NAME -->  a template file put in a --templates
#                                          directory; with a text block, rendered
#                                          as document NAME and the text must
#                                          appear in it
#   <!-- example: xpath -->               lines "EXPRESSION   VALUE" (two or more
#                                          spaces between): the string value of
#                                          each expression in a template
#   <!-- example: console -->             "$ command" lines and the exact output
#                                          (stdout and stderr) that follows them,
#                                          run in the directory holding ops/
#
# Every fenced block of the three pages must be an example or an example's
# result: a block nobody runs is a failure, not a skip.  Periods: render
# runs with --period 2026-07 --today 2026-08-05 (the pages say so).
. tests/e2e/lib.sh
T=$E2E_TMP
H=${OPSREPORT_HOME:-$PWD}
export OPSREPORT_HOME="$H"
case $BIN in /*) ABS_BIN=$BIN ;; *) ABS_BIN=$PWD/$BIN ;; esac
DOCS=${DOC_EXAMPLE_DOCS:-"docs/records.md docs/data-tree.md docs/template-language.md"}
mkdir -p "$T/ex" "$T/run/ops" "$T/run/tpl" "$T/bin"
printf '#!/bin/sh\nexec "%s" "$@"\n' "$ABS_BIN" >"$T/bin/opsreport"
chmod +x "$T/bin/opsreport"

# ---- extraction: one directory per example, N/kind N/args N/body N/expect N/where
n=0
for doc in $DOCS; do
    [ -f "$doc" ] || { fail "$doc exists"; continue; }
    awk -v doc="$doc" -v dir="$T/ex" -v start="$n" '
        BEGIN { n = start; pending = ""; infence = 0; target = ""; last = 0; }
        {
            line = $0
            if (infence) {
                if (line ~ /^```[ \t]*$/) { infence = 0; target = ""; next }
                if (target != "") print line >> target
                next
            }
            if (match(line, /^<!-- example: [a-z-]+/)) {
                rest = line
                sub(/^<!-- example: /, "", rest)
                sub(/ *-->[ \t]*$/, "", rest)
                kind = rest; sub(/ .*/, "", kind)
                args = rest; if (args ~ / /) sub(/^[^ ]* +/, "", args); else args = ""
                pending = kind; pargs = args; pline = NR
                next
            }
            if (line ~ /^```/) {
                info = line; sub(/^```/, "", info); gsub(/[ \t]/, "", info)
                infence = 1
                if (pending != "") {
                    n++
                    d = dir "/" n
                    system("mkdir -p \"" d "\"")
                    print pending > (d "/kind"); close(d "/kind")
                    print pargs > (d "/args"); close(d "/args")
                    print doc ":" pline > (d "/where"); close(d "/where")
                    target = d "/body"
                    printf "" > target
                    last = n; pending = ""; awaiting = 1
                } else if (info == "text" && awaiting) {
                    target = dir "/" last "/expect"
                    printf "" > target
                    awaiting = 0
                } else {
                    print doc ":" NR ": a fenced block that is not an example (expected <!-- example: KIND --> before it, or a ```text result after one)" >> (dir "/unclaimed")
                    target = ""
                }
                next
            }
        }
        END { print n > (dir "/count") }
    ' "$doc"
    n=$(cat "$T/ex/count")
done
if [ -s "$T/ex/unclaimed" ]; then
    while read -r l; do fail "every block is run" "$l"; done <"$T/ex/unclaimed"
else
    pass "every fenced block of the pages is an example or its result ($n examples)"
fi
[ "$n" -gt 0 ] || fail "examples found" "no <!-- example: ... --> markers in $DOCS"

kind() { cat "$T/ex/$1/kind"; }
where() { cat "$T/ex/$1/where"; }
arg() { sed -n "s/.*$2=\([^ ]*\).*/\1/p" "$T/ex/$1/args"; }
nows() { tr -d ' \t\n\r\f' ; }
# the text of a PDF (the batch template has an empty header and footer)
pdftext() { pdftotext -layout "$1" - 2>/dev/null; }

# ---- the example data set: every record example
i=1
records=0
while [ "$i" -le "$n" ]; do
    if [ "$(kind $i)" = record ]; then
        f=$(cat "$T/ex/$i/args")
        case $f in ''|*/*|*' '*) fail "$(where $i): record example" "file name '$f' (expected NAME.xml)" ;;
            *) cp "$T/ex/$i/body" "$T/run/ops/$f"; records=$((records + 1)) ;; esac
    fi
    i=$((i + 1))
done
(cd "$T/run" && "$ABS_BIN" check --data ops) >"$T/check.out" 2>&1 && [ "$records" -gt 0 ] \
    && pass "the $records record examples together pass check" || fail "record examples pass check" "$(cat "$T/check.out")"

RENDER="--data ops --period 2026-07 --today 2026-08-05"
# expected text (whitespace ignored) must equal, or (contains=1) appear in, the actual text
compare() { # N actual-file contains
    e=$(nows <"$T/ex/$1/expect"); a=$(nows <"$2")
    if [ -z "$e" ]; then
        fail "$(where $1): $(kind $1)" "the documented result is empty"
    elif [ "$3" = 1 ]; then
        case $a in *"$e"*) pass "$(where $1): $(kind $1)" ;; *) fail "$(where $1): $(kind $1)" "documented '$e' not found in: $(head -c 600 "$2")" ;; esac
    elif [ "$a" = "$e" ]; then
        pass "$(where $1): $(kind $1)"
    else
        fail "$(where $1): $(kind $1)" "documented '$e', printed '$a'"
    fi
}
need_expect() { [ -f "$T/ex/$1/expect" ] || { fail "$(where $1): $(kind $1)" "no \`\`\`text block with the result after it"; return 1; }; }

# ---- record-error, template-file, console: one run each
have_pdftotext=0
need "template examples" pdftotext && have_pdftotext=1
i=1
while [ "$i" -le "$n" ]; do
    k=$(kind $i)
    case $k in
    record|template|xpath) ;;
    record-error)
        need_expect $i || { i=$((i + 1)); continue; }
        f=$(cat "$T/ex/$i/args")
        rm -rf "$T/err"; mkdir -p "$T/err"; cp -R "$T/run/ops" "$T/err/ops"; cp "$T/ex/$i/body" "$T/err/ops/$f"
        (cd "$T/err" && "$ABS_BIN" check --data ops) >/dev/null 2>"$T/err.out"; rc=$?
        grep '^ops/' "$T/err.out" >"$T/err.got"
        want=0; grep -q ': error: ' "$T/ex/$i/expect" && want=1
        if [ $rc -ne $want ]; then fail "$(where $i): record-error" "check exited $rc (expected $want): $(cat "$T/err.out")"
        elif cmp -s "$T/err.got" "$T/ex/$i/expect"; then pass "$(where $i): record-error"
        else fail "$(where $i): record-error" "documented: $(cat "$T/ex/$i/expect") | printed: $(cat "$T/err.got")"; fi
        ;;
    template-file)
        f=$(cat "$T/ex/$i/args")
        mkdir -p "$(dirname "$T/run/tpl/$f")"
        cp "$T/ex/$i/body" "$T/run/tpl/$f"
        if [ ! -f "$T/ex/$i/expect" ]; then
            pass "$(where $i): template-file $f written (used by the examples after it)"
        elif [ $have_pdftotext = 1 ]; then   # else the SKIP (a FAIL under CI) of "template examples" says why
            # shellcheck disable=SC2086
            if (cd "$T/run" && "$ABS_BIN" render "${f%.xml}" --templates tpl $RENDER -o "$T/tf.pdf") >"$T/tf.err" 2>&1; then
                pdftext "$T/tf.pdf" >"$T/tf.txt"
                compare $i "$T/tf.txt" 1
            else
                fail "$(where $i): template-file" "render failed: $(cat "$T/tf.err")"
            fi
        fi
        ;;
    console)
        sed -n 's/^\$ //p' "$T/ex/$i/body" >"$T/con.sh"
        grep -v '^\$ ' "$T/ex/$i/body" >"$T/con.want"
        (cd "$T/run" && PATH="$T/bin:$PATH" sh "$T/con.sh") >"$T/con.got" 2>&1
        if [ ! -s "$T/con.sh" ]; then fail "$(where $i): console" "no '\$ command' line"
        elif cmp -s "$T/con.got" "$T/con.want"; then pass "$(where $i): console"
        else fail "$(where $i): console" "documented: $(cat "$T/con.want") | printed: $(cat "$T/con.got")"; fi
        ;;
    *) fail "$(where $i): unknown example kind '$k'" ;;
    esac
    i=$((i + 1))
done

# ---- template and xpath examples: one template per page, each example
# between markers, rendered once; a page whose template fails is run
# example by example to name the one at fault.
wrap_one() { # N -> the example as a template fragment between markers
    k=$(kind $1)
    echo "<p>@@EX$1@@</p>"
    if [ "$k" = xpath ]; then
        m=0
        while IFS= read -r l; do
            [ -n "$l" ] || continue
            m=$((m + 1))
            expr=$(printf '%s\n' "$l" | sed 's/   *[^ ].*$//' | sed 's/&/\&amp;/g; s/"/\&quot;/g; s/</\&lt;/g')
            echo "<p>@@X$1.$m@@<t:value-of select=\"$expr\"/>@@Y@@</p>"
        done <"$T/ex/$1/body"
    else
        ctx=$(arg $1 context); w=$(arg $1 wrap)
        [ -n "$ctx" ] && echo "<t:for-each select=\"$(printf '%s' "$ctx" | sed 's/"/\&quot;/g')\">"
        [ -n "$w" ] && echo "<$w>"
        cat "$T/ex/$1/body"
        [ -n "$w" ] && echo "</${w%% *}>"
        [ -n "$ctx" ] && echo "</t:for-each>"
    fi
    echo "<p>@@END$1@@</p>"
}
# The batch is the document "monthly" of the --templates directory (so
# /data/@document is what the pages show, and parts resolve as a user's do).
template_of() { # example numbers... -> $T/run/tpl/monthly.xml
    {
        echo '<?xml version="1.0" encoding="UTF-8"?>'
        echo '<document xmlns:t="urn:opsreport:template" xmlns:f="urn:opsreport:functions" profile="report" title="examples">'
        echo '<t:param name="document"/><t:param name="period"/><t:param name="start"/><t:param name="end"/><t:param name="today"/>'
        echo '<header/><footer/>'
        for e in "$@"; do wrap_one "$e"; done
        echo '</document>'
    } >"$T/run/tpl/monthly.xml"
}
run_template() { # -> $T/tpl.txt; status
    # shellcheck disable=SC2086
    (cd "$T/run" && "$ABS_BIN" render monthly --templates tpl $RENDER -o "$T/tpl.pdf") >"$T/tpl.err" 2>&1 \
        && pdftext "$T/tpl.pdf" >"$T/tpl.txt"
}
check_one() { # N: compares its part of $T/tpl.txt
    nows <"$T/tpl.txt" | sed "s/.*@@EX$1@@//; s/@@END$1@@.*//" >"$T/one.txt"
    if [ "$(kind $1)" = xpath ]; then
        m=0
        while IFS= read -r l; do
            [ -n "$l" ] || continue
            m=$((m + 1))
            expr=$(printf '%s\n' "$l" | sed 's/   *[^ ].*$//')
            want=$(printf '%s\n' "$l" | sed 's/^.*[^ ]   *//' | nows)
            got=$(sed "s/.*@@X$1\.$m@@//; s/@@Y@@.*//" "$T/one.txt")
            if [ "$expr" = "$l" ] || [ -z "$want" ]; then fail "$(where $1): xpath line $m" "'$l' (expected EXPRESSION, two spaces, VALUE)"
            elif [ "$got" = "$want" ]; then pass "$(where $1): $expr"
            else fail "$(where $1): $expr" "documented '$want', printed '$got'"; fi
        done <"$T/ex/$1/body"
    else
        need_expect $1 && compare $1 "$T/one.txt" 0
    fi
}
if [ $have_pdftotext = 1 ]; then
    for doc in $DOCS; do
        list=""
        i=1
        while [ "$i" -le "$n" ]; do
            case $(kind $i) in template|xpath) case $(where $i) in "$doc":*) list="$list $i" ;; esac ;; esac
            i=$((i + 1))
        done
        [ -n "$list" ] || continue
        # shellcheck disable=SC2086
        template_of $list
        if run_template; then
            for e in $list; do check_one $e; done
        else
            for e in $list; do
                template_of $e
                if run_template; then check_one $e
                else fail "$(where $e): $(kind $e)" "$(cat "$T/tpl.err")"; fi
            done
        fi
    done
fi
