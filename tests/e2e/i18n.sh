#!/bin/sh
# Messages through gettext (issue 11.3): every message of the sources is
# in po/opsreport.pot and translated in po/zh_CN.po (this fails on one
# without a translation, or a catalog out of step with the sources), the
# catalog passes msgfmt --check, and a Chinese locale gives Chinese with
# the same file:line prefix while LANG=C keeps English.
. tests/e2e/lib.sh
T=$E2E_TMP
if need "gettext catalog" xgettext msgfmt msgmerge msgattrib; then
    keys=$(sed -n 's/^XGETTEXT_KEYS := //p' Makefile)
    [ -n "$keys" ] || fail "XGETTEXT_KEYS not found in the Makefile"
    make -s --no-print-directory -f - print-keys <<'MK' >"$T/keys" 2>/dev/null
include Makefile
print-keys: ; @echo $(XGETTEXT_KEYS)
MK
    # shellcheck disable=SC2046
    xgettext --from-code=UTF-8 $(cat "$T/keys") --no-location --sort-output -o "$T/now.pot" src/*.c 2>"$T/err" \
        && pass "xgettext extracts the messages" || fail "xgettext" "$(cat "$T/err")"
    msgmerge -q --no-fuzzy-matching -o "$T/merged.po" po/zh_CN.po "$T/now.pot"
    msgattrib --untranslated --no-obsolete "$T/merged.po" | grep '^msgid ' | grep -v '^msgid ""$' >"$T/untr"
    n=$(wc -l <"$T/untr")
    [ "$n" -eq 0 ] && pass "every message has a zh_CN translation" || fail "$n messages without a translation (make pot, then translate po/zh_CN.po)" "$(head -n 5 "$T/untr")"
    msgfmt --check -o /dev/null po/zh_CN.po 2>"$T/err" && pass "msgfmt --check po/zh_CN.po" || fail "msgfmt --check" "$(cat "$T/err")"
    # the test can fail: a message added to the sources without translation
    cp "$T/now.pot" "$T/plus.pot"
    printf '\n#, c-format\nmsgid "a new message %%s"\nmsgstr ""\n' >>"$T/plus.pot"
    msgmerge -q --no-fuzzy-matching -o "$T/plus.po" po/zh_CN.po "$T/plus.pot"
    msgattrib --untranslated --no-obsolete "$T/plus.po" | grep -q 'a new message' && pass "an untranslated message is found" || fail "untranslated check cannot fail"
fi
if locale -a 2>/dev/null | grep -qi '^zh_CN\.utf-\?8$'; then
    env -u LC_ALL -u LC_MESSAGES LANG=zh_CN.UTF-8 "$BIN" check --data tests/data/records/errors >/dev/null 2>"$T/zh"; rc=$?
    env -u LC_ALL -u LC_MESSAGES LANG=C "$BIN" check --data tests/data/records/errors >/dev/null 2>"$T/c"
    [ $rc -eq 1 ] && grep -q '\.xml:[0-9]*: 错误: ' "$T/zh" && ! grep -q ': error: ' "$T/zh" && pass "zh_CN: errors in Chinese" || fail "zh_CN errors" "$(head -n 3 "$T/zh")"
    grep -q '\.xml:[0-9]*: error: ' "$T/c" && ! grep -q '错误' "$T/c" && pass "LANG=C: English" || fail "LANG=C" "$(head -n 3 "$T/c")"
    grep "\.xml:[0-9]" "$T/zh" | cut -d: -f1,2 >"$T/a"; grep "\.xml:[0-9]" "$T/c" | cut -d: -f1,2 >"$T/b"
    cmp -s "$T/a" "$T/b" && pass "the same file:line prefixes in both" || fail "prefixes differ"
    # libxml2 has no Chinese: its RELAX NG messages become ours (the names it reports in our words)
    grep 'bad-attribute\.xml:3: ' "$T/zh" | grep -q '不允许的属性 colour=' && ! grep -q 'Invalid attribute' "$T/zh" \
        && pass "zh_CN: schema violations in Chinese" || fail "zh schema message" "$(grep bad-attribute "$T/zh")"
    grep -q 'bad-attribute\.xml:3: error: <window> has an attribute colour= ' "$T/c" \
        && pass "LANG=C: schema violations in English" || fail "C schema message" "$(grep bad-attribute "$T/c")"
    # the calendar-fallback warning (2027 has no holiday data): Chinese on stderr, the facts stay English
    mkdir "$T/fb"
    printf '<contract version="1" id="T-1">\n  <term start="2026-06-01" end="2027-05-31"/>\n  <system id="web" name="门户网站" importance="general"/>\n</contract>\n' >"$T/fb/contract.xml"
    env -u LC_ALL -u LC_MESSAGES LANG=zh_CN.UTF-8 "$BIN" facts --data "$T/fb" --period 2027-01 -o "$T/f.xml" 2>"$T/w"
    grep -q '^opsreport: 警告: calendar-fallback 2027：节假日数据中没有 2027 年' "$T/w" && ! grep -q 'Monday' "$T/w" \
        && pass "zh_CN: the calendar-fallback warning in Chinese" || fail "zh fallback warning" "$(cat "$T/w")"
    grep -q '<warning>calendar-fallback 2027: the holiday data has no 2027' "$T/f.xml" \
        && pass "the facts' <warning> stays English under zh_CN" || fail "facts warning" "$(grep warning "$T/f.xml")"
    env -u LC_ALL -u LC_MESSAGES LANG=zh_CN.UTF-8 "$BIN" render --data x 2>"$T/u"; rc=$?
    [ $rc -eq 2 ] && grep -q '需要' "$T/u" && pass "zh_CN: usage errors in Chinese, exit 2" || fail "zh usage" "$(cat "$T/u")"
    env -u LC_ALL -u LC_MESSAGES LANG=zh_CN.UTF-8 "$BIN" check --help | grep -q '^用法：opsreport check' && pass "zh_CN: help in Chinese" || fail "zh help"
else
    fail "zh_CN.UTF-8 locale" "not generated (.ci/deps.sh generates it)"
fi
