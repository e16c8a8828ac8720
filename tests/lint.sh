#!/bin/sh
# make lint: fails on what review would refuse in the C sources.
#  1. curl's banned functions (docs/internals/CODE_STYLE.md and checksrc):
#     unbounded or non-reentrant calls that have a checked replacement here.
#  2. snprintf into a PATH_MAX buffer: a long directory would silently name
#     another file; src/pathfmt.h's path_format reports it instead.
#  3. The sources build with -Wformat=2 (non-literal formats, security).
# Comments and strings are stripped by the preprocessor before matching,
# so prose that mentions a name ("gets", "strtok") does not count.
set -u
CC=${CC:-cc}
CFLAGS_LINT=${CFLAGS_LINT:-}
status=0
banned='sprintf|vsprintf|strcpy|strcat|strncat|strtok|atoi|atol|atoll|gets|localtime|gmtime|asctime|ctime|tmpnam|mktemp'
for f in src/*.c src/*.h tests/*.c tests/*.h; do
    [ -e "$f" ] || continue
    # -fpreprocessed: comments removed, macros and includes left alone
    hits=$($CC -fpreprocessed -dD -E -P "$f" 2>/dev/null |
        sed 's/"\([^"\\]\|\\.\)*"/""/g' |
        grep -nE "(^|[^A-Za-z0-9_.>])($banned)[[:space:]]*\(" )
    if [ -n "$hits" ]; then
        echo "$f: banned function (lines of the comment-free source):"
        echo "$hits" | sed 's/^/    /'
        status=1
    fi
    names=$(grep -oE 'char[[:space:]]+[^;]*\[PATH_MAX[^]]*\]' "$f" |
        grep -oE '[A-Za-z_][A-Za-z0-9_]*[[:space:]]*\[PATH_MAX' | sed 's/[[:space:]]*\[PATH_MAX//' | sort -u)
    # a statement that drops snprintf's result; "(void)snprintf" says a cut is harmless
    for n in $names; do
        pat="^[[:space:]]*(else[[:space:]]+)?snprintf\(([A-Za-z_][A-Za-z0-9_]*(\.|->))?$n[,)]"
        if grep -nE "$pat" "$f" >/dev/null; then
            echo "$f: snprintf into the path buffer '$n', result unchecked (use path_format, which reports a cut path):"
            grep -nE "$pat" "$f" | sed 's/^/    /'
            status=1
        fi
    done
done
for f in src/*.c; do
    if ! $CC -std=c17 -Wall -Wextra -Werror -Wformat=2 -fsyntax-only -D_DEFAULT_SOURCE -D_FILE_OFFSET_BITS=64 -Isrc \
        $CFLAGS_LINT "$f" 2>"${TMPDIR:-/tmp}/lint.$$"; then
        echo "$f: does not build with -Wformat=2:"
        sed 's/^/    /' "${TMPDIR:-/tmp}/lint.$$"
        status=1
    fi
done
rm -f "${TMPDIR:-/tmp}/lint.$$"
[ $status -eq 0 ] && echo "lint: $(ls src/*.c src/*.h tests/*.c | wc -l) files clean"
exit $status
