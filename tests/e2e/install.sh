#!/bin/sh
# make install (issue 11.2, "Done when"): PREFIX=$T/x, then the installed
# binary finds its data, the manual reads with man -l, the docs and the
# catalog are where the README says, Chinese messages with file:line, and
# the README's cron line runs under cron's environment (env -i
# PATH=/usr/bin:/bin).
. tests/e2e/lib.sh
T=$E2E_TMP
P=$T/x
if ! make -s install PREFIX="$P" >"$T/log" 2>&1; then
    fail "make install PREFIX=$P" "$(tail -n 5 "$T/log")"
    exit 0
fi
pass "make install PREFIX=…"
make -s install PREFIX=/usr DESTDIR="$T/stage" >"$T/log" 2>&1 && [ -x "$T/stage/usr/bin/opsreport" ] && [ -f "$T/stage/usr/share/man/man1/opsreport.1" ] \
    && pass "DESTDIR staging" || fail "DESTDIR" "$(tail -n 3 "$T/log")"
for f in bin/opsreport share/man/man1/opsreport.1 share/doc/opsreport/README.md share/doc/opsreport/README.zh-CN.md \
         share/doc/opsreport/guide.zh-CN.md share/doc/opsreport/records.md \
         share/doc/opsreport/template-language.md share/opsreport/templates/monthly.xml share/opsreport/data/schema/contract.rng \
         share/locale/zh_CN/LC_MESSAGES/opsreport.mo share/bash-completion/completions/opsreport; do
    [ -f "$P/$f" ] && pass "installed $f" || fail "missing $P/$f"
done
X=$P/bin/opsreport
# the installed binary, without OPSREPORT_HOME, from another directory
( cd "$T" && env -u OPSREPORT_HOME "$X" render --help ) >"$T/help" 2>&1 && grep -q '^usage: opsreport render' "$T/help" \
    && pass "installed render --help" || fail "installed render --help" "$(cat "$T/help")"
( cd "$T" && env -u OPSREPORT_HOME "$X" check --data "$OLDPWD/samples/records" ) >"$T/o" 2>&1 && grep -q 'no errors' "$T/o" \
    && pass "installed check finds share/opsreport" || fail "installed check" "$(cat "$T/o")"
if need "man -l" man; then
    MANWIDTH=80 man -l "$P/share/man/man1/opsreport.1" >"$T/man" 2>"$T/manerr"
    if [ $? -eq 0 ] && grep -q 'EXIT STATUS' "$T/man" && grep -q -- '--templates' "$T/man" && [ ! -s "$T/manerr" ]; then
        pass "man -l opsreport.1 renders without warnings"; else fail "man -l" "$(cat "$T/manerr")"; fi
fi
# Chinese messages with the file:line prefix, English under LANG=C
if locale -a 2>/dev/null | grep -qi '^zh_CN\.utf-\?8$'; then
    env -u OPSREPORT_HOME -u LC_ALL -u LC_MESSAGES -u LANGUAGE LANG=zh_CN.UTF-8 "$X" check --data tests/data/records/errors >/dev/null 2>"$T/zh"; rc=$?
    env -u OPSREPORT_HOME -u LC_ALL -u LC_MESSAGES -u LANGUAGE LANG=C "$X" check --data tests/data/records/errors >/dev/null 2>"$T/c"
    if [ $rc -eq 1 ] && grep -q '^tests/data/records/errors/[^:]*\.xml:[0-9]*: 错误: ' "$T/zh" && grep -q '^tests/data/records/errors/[^:]*\.xml:[0-9]*: error: ' "$T/c"; then
        pass "LANG=zh_CN.UTF-8: Chinese, file:line; LANG=C: English"
    else
        fail "Chinese messages" "$(head -n 3 "$T/zh")"
    fi
    cut -d: -f1,2 "$T/zh" | grep '\.xml:[0-9]' >"$T/zh.loc"; cut -d: -f1,2 "$T/c" | grep '\.xml:[0-9]' >"$T/c.loc"
    [ -s "$T/c.loc" ] && cmp -s "$T/zh.loc" "$T/c.loc" && pass "the same file:line in both languages" || fail "file:line differ"
    env -u OPSREPORT_HOME -u LC_ALL -u LC_MESSAGES -u LANGUAGE LANG=zh_CN.UTF-8 "$X" render --help | grep -q '用法' && pass "LANG=zh_CN.UTF-8 help in Chinese" || fail "Chinese help"
else
    fail "zh_CN.UTF-8 locale" "not generated (.ci/deps.sh generates it)"
fi
# The README's cron line under cron's environment
line=$(awk '/<!-- cron:/{getline; getline; print; exit}' README.md)
case $line in *"/usr/local/bin/opsreport "*) pass "README's cron line names /usr/local/bin/opsreport" ;; *) fail "cron line" "$line" ;; esac
cmd=$(printf '%s\n' "$line" | cut -d' ' -f6- | sed -e 's/\\%/%/g' -e "s|/usr/local/|$P/|" -e "s|/srv/ops/records|$T/ops|" -e "s|/srv/ops/reports|$T/reports|")
mkdir -p "$T/reports"
# a data set whose term covers last month, whatever day the test runs
s=$(date -d '-13 months' +%Y-%m-01); e=$(date -d '+11 months' +%Y-%m-01)
"$BIN" -q init "$T/ops" --id CRON-1 --client 甲方 --vendor 乙方 --start "$s" --end "$e" --system web:门户网站:important
( cd / && env -i PATH=/usr/bin:/bin sh -c "$cmd" ) >"$T/cron.out" 2>&1; rc=$?
m=$(date -d 'last month' +%Y-%m)
if [ $rc -eq 0 ] && [ -s "$T/reports/monthly-$m.pdf" ] && [ "$(head -c 5 "$T/reports/monthly-$m.pdf")" = "%PDF-" ]; then
    pass "cron line under env -i PATH=/usr/bin:/bin: monthly-$m.pdf"
else
    fail "cron line" "status $rc: $cmd: $(cat "$T/cron.out")"
fi
[ ! -s "$T/cron.out" ] && pass "cron line with -q prints nothing (no mail)" || fail "cron line output" "$(cat "$T/cron.out")"
