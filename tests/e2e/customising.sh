#!/bin/sh
# Customising templates without copying the installation (issue 11.4):
# the walkthrough of templates/README.md, and the same commands in the
# Chinese guide, are run as written: --templates DIR overrides one part
# (cover, monthly body) and inherits the rest; opsreport.conf in the data
# set does the same.
. tests/e2e/lib.sh
T=$E2E_TMP
H=${OPSREPORT_HOME:-$PWD}
walk() { awk '/<!-- walkthrough -->/{on=1; next} /<!-- \/walkthrough -->/{on=0} on && !/^```/' "$1"; }
walk templates/README.md >"$T/en.sh"
walk docs/guide.zh-CN.md | grep -v '^ *#' >"$T/zh.sh"
[ -s "$T/en.sh" ] && pass "walkthrough found in templates/README.md" || fail "no walkthrough in templates/README.md"
grep -v '^ *#' "$T/en.sh" | cmp -s - "$T/zh.sh" && pass "the Chinese guide's walkthrough runs the same commands" || fail "walkthroughs differ" "$(grep -v '^ *#' "$T/en.sh" | diff - "$T/zh.sh")"
cp -R samples/records "$T/ops"
# The installed templates are those of the installation under test; the
# command is the binary under test.
sed -e "s|/usr/local/share/opsreport|$H|" -e "s|^opsreport |\"$PWD/$BIN\" |" -e 's|-o monthly.pdf|--today 2026-08-05 -o monthly.pdf|' \
    "$T/en.sh" >"$T/run.sh"
case $BIN in /*) sed -i "s|\"$PWD/$BIN\"|\"$BIN\"|" "$T/run.sh" ;; esac
( cd "$T" && sh ./run.sh ) >"$T/log" 2>&1
rc=$?
[ $rc -eq 0 ] && [ -s "$T/monthly.pdf" ] && pass "walkthrough ran: monthly.pdf made" || fail "walkthrough" "status $rc: $(cat "$T/log")"
"$BIN" render monthly --data "$T/ops" --period 2026-07 --today 2026-08-05 -q -o "$T/plain.pdf"
if need "customised text" pdftotext; then
    pdftotext -layout "$T/monthly.pdf" "$T/custom.txt"
    pdftotext -layout "$T/plain.pdf" "$T/plain.txt"
    grep -q '统计期间' "$T/custom.txt" && ! grep -q '统计期间' "$T/plain.txt" && pass "cover wording changed (统计期间)" || fail "cover wording"
    # the cover is page 1
    pdftotext -f 1 -l 1 "$T/plain.pdf" - | grep -q '报告期' && ! pdftotext -f 1 -l 1 "$T/monthly.pdf" - | grep -q '报告期' \
        && pass "the installed cover's 报告期 replaced" || fail "报告期 still on the cover"
    grep -q '完成率' "$T/custom.txt" && ! grep -q '完成率' "$T/plain.txt" && pass "inspections table has the column 完成率" || fail "column missing"
    # a row of the table: a system name followed by a percentage
    grep -E '完成率' -A12 "$T/custom.txt" | grep -qE '[0-9]+(\.[0-9])?%' && pass "the column holds percentages" || fail "column values"
    # inherited: the rest of the report is the installed one
    for h in 系统运行情况 日常运维工作; do
        grep -q "$h" "$T/custom.txt" && pass "inherited section $h" || fail "inherited section $h"
    done
fi
# the data set's setting does what --templates does
printf '# team templates\ntemplates = ../my-templates\n' >"$T/ops/opsreport.conf"
"$BIN" check --data "$T/ops" -q && pass "check ignores opsreport.conf" || fail "check and opsreport.conf"
"$BIN" render monthly --data "$T/ops" --period 2026-07 --today 2026-08-05 -q -o "$T/conf.pdf"
cmp -s "$T/conf.pdf" "$T/monthly.pdf" && pass "opsreport.conf 'templates = DIR' = --templates DIR" || fail "opsreport.conf setting"
printf 'template = x\n' >"$T/ops/opsreport.conf"
"$BIN" render monthly --data "$T/ops" --period 2026-07 -q -o "$T/bad.pdf" 2>"$T/err"
[ $? -eq 1 ] && grep -q 'opsreport.conf:1: error: ' "$T/err" && pass "an unknown setting: file:line, exit 1" || fail "bad setting" "$(cat "$T/err")"
"$BIN" render monthly --data "$T/ops" --templates "$T/nowhere" --period 2026-07 -q -o "$T/bad.pdf" 2>"$T/err"
[ $? -eq 2 ] && grep -q 'nowhere' "$T/err" && pass "--templates of a missing directory: exit 2" || fail "--templates missing" "$(cat "$T/err")"
